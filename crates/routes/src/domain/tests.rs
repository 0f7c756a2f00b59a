use super::*;

#[test]
fn a_port_call_reports_every_bad_field() {
    let input = PortCallInput {
        mmsi: 0,
        destination: " ",
        eta_ms: 0,
        etd_ms: -1,
        waypoints: &[LonLat::new(200.0, 0.0)],
        ..PortCallInput::default()
    };
    let Err(ApiError::InvalidArgument(v)) = input.validate() else {
        panic!("refused")
    };
    let fields: Vec<&str> = v.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        ["mmsi", "destination", "eta_ms", "etd_ms", "waypoints[0]"]
    );
}

#[test]
fn a_zone_needs_a_name_a_kind_and_a_ring() {
    let Err(ApiError::InvalidArgument(v)) = NewZone::new("", None, &[]) else {
        panic!("refused")
    };
    let fields: Vec<&str> = v.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["name", "kind", "ring"]);
}

#[test]
fn fixes_need_a_vessel_a_time_and_a_place() {
    let mut e = porttrack_proto::events::v1::PositionReport {
        mmsi: 244_740_981,
        observed_at_ms: 1,
        lat: 59.0,
        lon: 10.0,
        sog_knots: Some(3.0),
        ..Default::default()
    };
    assert!(Fix::from_event(&e).is_some());
    e.lat = 91.0;
    assert!(Fix::from_event(&e).is_none());
    e.lat = 59.0;
    e.mmsi = 0;
    assert!(Fix::from_event(&e).is_none());
}

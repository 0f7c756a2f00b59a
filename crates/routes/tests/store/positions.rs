//! Positions applied to the store: zone crossings and the port call's
//! states follow a vessel, and replays change nothing.

use porttrack_routes::{
    domain::{LonLat, PortCallInput, PortCallState},
    store::Store,
};

use crate::{
    fixtures::{ETA, T0, call, fix, outbox, port_zones},
    support::{AT_BERTH, AT_SEA, IN_APPROACH, MMSI},
};

on_every_backend!(
    positions_move_a_vessel_through_zones_and_its_port_call,
    replayed_and_older_positions_change_nothing,
);

async fn positions_move_a_vessel_through_zones_and_its_port_call(store: Store) {
    let (approach, berth) = port_zones(&store).await;
    let route = [LonLat::new(9.5, 59.5), LonLat::new(10.45, 59.45)];
    let input = PortCallInput {
        waypoints: &route,
        ..call(MMSI, &berth, ETA, 0)
    };
    let (c, _) = store
        .create_port_call(&input.validate().unwrap(), None, T0)
        .await
        .unwrap();
    let zones = store.zones(None, "", 0).await.unwrap();

    let at_sea = store
        .apply_fix(&fix(1, AT_SEA, 12.0), &zones)
        .await
        .unwrap();
    assert!(at_sea.fresh && at_sea.entered.is_empty() && at_sea.transitions.is_empty());
    let estimated = store.port_call(&c.id).await.unwrap().unwrap();
    let eta = estimated
        .estimated_arrival_ms
        .expect("an estimate at 12 kn");
    assert!(eta > T0 + 1 && eta < T0 + 3 * 3_600_000, "{eta}");
    assert_eq!(
        estimated.version, 1,
        "the estimate does not bump the version"
    );

    let entering = store
        .apply_fix(&fix(2, IN_APPROACH, 10.0), &zones)
        .await
        .unwrap();
    assert_eq!(entering.entered, [approach.as_str()]);
    assert_eq!(
        entering.transitions,
        [(
            c.id.clone(),
            PortCallState::Planned,
            PortCallState::Approaching
        )]
    );
    // Inside the berth but still moving: not yet berthed.
    let moving = store
        .apply_fix(&fix(3, AT_BERTH, 2.0), &zones)
        .await
        .unwrap();
    assert_eq!(
        (moving.entered, moving.transitions.len()),
        (vec![berth.clone()], 0)
    );
    let alongside = store
        .apply_fix(&fix(4, AT_BERTH, 0.1), &zones)
        .await
        .unwrap();
    assert_eq!(alongside.transitions[0].2, PortCallState::Berthed);
    let leaving = store
        .apply_fix(&fix(5, IN_APPROACH, 4.0), &zones)
        .await
        .unwrap();
    assert_eq!(leaving.exited, [berth.as_str()]);
    assert_eq!(leaving.transitions[0].2, PortCallState::Departed);
    store
        .apply_fix(&fix(6, AT_SEA, 12.0), &zones)
        .await
        .unwrap();

    let done = store.port_call(&c.id).await.unwrap().unwrap();
    assert_eq!(
        (done.state, done.version, done.ata_ms, done.atd_ms),
        (PortCallState::Departed, 4, Some(T0 + 4), Some(T0 + 5))
    );
    assert_eq!(
        outbox(&store).await,
        [
            "->planned@1".to_owned(),
            format!("enter:{approach}"),
            "planned->approaching@2".to_owned(),
            format!("enter:{berth}"),
            "approaching->berthed@3".to_owned(),
            format!("exit:{berth}"),
            "berthed->departed@4".to_owned(),
            format!("exit:{approach}"),
        ]
    );
}

async fn replayed_and_older_positions_change_nothing(store: Store) {
    let (approach, _) = port_zones(&store).await;
    let zones = store.zones(None, "", 0).await.unwrap();
    let first = store
        .apply_fix(&fix(10, IN_APPROACH, 8.0), &zones)
        .await
        .unwrap();
    assert_eq!(first.entered, [approach.as_str()]);
    for f in [fix(10, IN_APPROACH, 8.0), fix(5, AT_SEA, 8.0)] {
        let replay = store.apply_fix(&f, &zones).await.unwrap();
        assert_eq!(replay, Default::default(), "{f:?}");
    }
    assert_eq!(outbox(&store).await, [format!("enter:{approach}")]);
}

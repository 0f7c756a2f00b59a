use super::*;

const ETA: i64 = 1_800_000_000_000;
const HOUR: i64 = 60 * 60 * 1000;

fn container(n: &str) -> ItemInput<'_> {
    ItemInput {
        kind: Some(ItemKind::Container),
        container_number: n,
        weight_kg: 12_000,
        ..ItemInput::default()
    }
}

fn dg_item(id: &str, un: &str, class: &str, declared_at_ms: i64) -> Item {
    let spec = ItemInput {
        kind: Some(ItemKind::BreakBulk),
        weight_kg: 500,
        dangerous_goods: Some((un, class)),
        ..ItemInput::default()
    }
    .validate()
    .unwrap();
    Item {
        id: id.into(),
        spec,
        declared_at_ms,
    }
}

fn manifest(items: Vec<Item>) -> Manifest {
    Manifest {
        id: "m".into(),
        port_call_id: "PC-1".into(),
        mmsi: 244_740_981,
        eta_ms: ETA,
        declared_at_ms: ETA - 72 * HOUR,
        status: ManifestStatus::Open,
        version: 1,
        updated_at_ms: 0,
        items,
    }
}

fn fields(err: ApiError) -> Vec<String> {
    match err {
        ApiError::InvalidArgument(v) => v.into_iter().map(|f| f.field).collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_container_needs_a_valid_number_and_others_none() {
    let spec = container("CSQU3054383").validate().unwrap();
    assert_eq!(spec.container_number.unwrap().as_str(), "CSQU3054383");
    assert_eq!(spec.status, ItemStatus::ToLoad, "default status");
    assert_eq!(
        fields(container("CSQU3054384").validate().unwrap_err()),
        ["container_number"]
    );
    assert_eq!(
        fields(container("").validate().unwrap_err()),
        ["container_number"]
    );
    let bulk = ItemInput {
        kind: Some(ItemKind::Bulk),
        ..container("CSQU3054383")
    };
    assert_eq!(fields(bulk.validate().unwrap_err()), ["container_number"]);
}

#[test]
fn every_bad_field_is_reported_at_once() {
    let bad = ItemInput {
        kind: None,
        weight_kg: 0,
        hold: Some(100),
        dangerous_goods: Some(("UN9999", "5.3")),
        ..ItemInput::default()
    };
    assert_eq!(
        fields(bad.validate().unwrap_err()),
        [
            "kind",
            "weight_kg",
            "hold",
            "dangerous_goods.un_number",
            "dangerous_goods.imdg_class"
        ]
    );
    assert_eq!(
        fields(NewManifest::new("", 0, 0).unwrap_err()),
        ["port_call_id", "mmsi", "eta_ms"]
    );
}

#[test]
fn declared_24_hours_before_eta_is_on_time_one_ms_later_is_late() {
    let m = manifest(vec![
        dg_item("on-time", "UN1203", "3", ETA - 24 * HOUR),
        dg_item("late", "UN1263", "3", ETA - 24 * HOUR + 1),
    ]);
    let v = violations(&m);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].rule, "late_declaration");
    assert_eq!(v[0].item_ids, ["late"]);
}

#[test]
fn incompatible_classes_in_one_manifest_are_a_segregation_violation() {
    let early = ETA - 48 * HOUR;
    let m = manifest(vec![
        dg_item("petrol", "UN1203", "3", early),
        dg_item("nitrate", "UN1942", "5.1", early),
        dg_item("lithium", "UN3480", "9", early),
        dg_item("cartridges", "UN0012", "1.4S", early),
    ]);
    let v = violations(&m);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].rule, "segregation");
    assert_eq!(v[0].item_ids, ["petrol", "nitrate"]);
    assert_eq!(
        v[0].message,
        "class 3 (UN1203) and class 5.1 (UN1942) must not travel in one manifest"
    );
}

#[test]
fn enums_parse_their_snake_case_names_only() {
    assert_eq!(
        ItemKind::parse("kind", "break_bulk").unwrap(),
        ItemKind::BreakBulk
    );
    assert_eq!(
        fields(ItemStatus::parse("status", "Loaded").unwrap_err()),
        ["status"]
    );
}

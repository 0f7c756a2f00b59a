//! Static data merged from its parts: each part fills what it carries,
//! and an older part never overwrites a newer one.

use porttrack_ships::{domain::StaticData, store::Store};

use crate::fixtures::{A, type_5, type_24a, type_24b};

on_every_backend!(
    older_static_part_does_not_overwrite_newer_fields,
    older_static_part_fills_fields_nothing_newer_carries,
);

async fn older_static_part_does_not_overwrite_newer_fields(store: Store) {
    apply_type_24_then_an_older_type_5(&store).await;

    let s = store
        .vessel(A)
        .await
        .unwrap()
        .expect("vessel known from static data")
        .static_data
        .expect("static data");
    assert_eq!(s.name.as_deref(), Some("NORDIC STAR"));
    assert_eq!(s.callsign.as_deref(), Some("LAXY7"));
    assert_eq!(s.ship_type, Some(70));
    assert_eq!(s.length_m, Some(120), "to_bow 100 + to_stern 20");
    assert_eq!(s.beam_m, Some(22), "to_port 10 + to_starboard 12");
    assert_eq!(s.updated_at_ms, 3_000);
}

/// The store's contract: "each part fills what it carries and keeps the
/// rest, and an older part never overwrites a newer one". A late type 5
/// is the only source of IMO, destination, draught and ETA here, so they
/// are filled while newer fields stay.
async fn older_static_part_fills_fields_nothing_newer_carries(store: Store) {
    apply_type_24_then_an_older_type_5(&store).await;

    let vessel = store.vessel(A).await.unwrap().expect("vessel");
    assert_eq!(
        vessel.static_data,
        Some(StaticData {
            name: Some("NORDIC STAR".to_owned()),
            callsign: Some("LAXY7".to_owned()),
            imo: Some(9_123_456),
            ship_type: Some(70),
            length_m: Some(120),
            beam_m: Some(22),
            destination: Some("ROTTERDAM".to_owned()),
            draught_m: Some(7.5),
            eta: Some("11-24T12:00Z".to_owned()),
            updated_at_ms: 3_000,
        })
    );
}

/// Both parts of a type 24, then an older type 5 arriving last.
async fn apply_type_24_then_an_older_type_5(store: &Store) {
    store
        .apply(&[type_24a(A, 2_000, "NORDIC STAR")])
        .await
        .unwrap();
    store.apply(&[type_24b(A, 3_000)]).await.unwrap();
    store.apply(&[type_5(A, 1_000)]).await.unwrap();
}

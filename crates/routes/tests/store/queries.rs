//! Reading port calls back: the traffic board, and lists in pages and by
//! filter.

use porttrack_routes::{
    domain::{PortCallChange, PortCallState},
    store::{Filter, Store},
};

use crate::{
    fixtures::{ETA, T0, call, fix, port_zones},
    support::{IN_APPROACH, MMSI},
};

on_every_backend!(
    the_traffic_board_shows_the_window_and_who_is_where,
    port_calls_list_in_pages_and_by_filter,
);

async fn the_traffic_board_shows_the_window_and_who_is_where(store: Store) {
    let (approach, berth) = port_zones(&store).await;
    let hour = 3_600_000;
    let soon = call(MMSI, "", T0 + 2 * hour, 0).validate().unwrap();
    let late = call(257_123_456, "", T0 + 30 * hour, 0).validate().unwrap();
    let leaving = call(257_000_001, "", T0 - hour, T0 + 3 * hour)
        .validate()
        .unwrap();
    let (soon, _) = store.create_port_call(&soon, None, T0).await.unwrap();
    store.create_port_call(&late, None, T0).await.unwrap();
    let (leaving, _) = store.create_port_call(&leaving, None, T0).await.unwrap();
    let approaching = PortCallChange {
        state: Some(PortCallState::Approaching),
        ..PortCallChange::default()
    };
    store
        .update_port_call(&leaving.id, 1, &approaching, T0)
        .await
        .unwrap();
    let zones = store.zones(None, "", 0).await.unwrap();
    store
        .apply_fix(&fix(1, IN_APPROACH, 0.0), &zones)
        .await
        .unwrap();

    let board = store.traffic_board(T0, T0 + 24 * hour).await.unwrap();
    let ids = |calls: &[porttrack_routes::domain::PortCall]| {
        calls.iter().map(|c| c.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&board.arrivals), [soon.id.as_str()]);
    assert_eq!(ids(&board.departures), [leaving.id.as_str()]);
    let occupancy: Vec<(String, Vec<u32>)> = board
        .zones
        .iter()
        .map(|o| (o.zone_id.clone(), o.mmsis.clone()))
        .collect();
    let mut expected = vec![(approach, vec![MMSI]), (berth, vec![])];
    expected.sort();
    assert_eq!(occupancy, expected);
}

async fn port_calls_list_in_pages_and_by_filter(store: Store) {
    for (i, mmsi) in [MMSI, MMSI, 257_123_456].into_iter().enumerate() {
        let new = call(mmsi, "", ETA + i as i64, 0).validate().unwrap();
        store.create_port_call(&new, None, T0).await.unwrap();
    }
    let all = store.port_calls(&Filter::default(), "", 100).await.unwrap();
    assert_eq!(all.len(), 3);
    let first = store.port_calls(&Filter::default(), "", 2).await.unwrap();
    let rest = store
        .port_calls(&Filter::default(), &first[1].id, 2)
        .await
        .unwrap();
    assert_eq!((first.len(), rest.len()), (2, 1));
    let by_vessel = Filter {
        mmsi: Some(MMSI),
        state: Some(PortCallState::Planned),
    };
    assert_eq!(
        store.port_calls(&by_vessel, "", 100).await.unwrap().len(),
        2
    );
    let none = Filter {
        state: Some(PortCallState::Berthed),
        ..Filter::default()
    };
    assert!(store.port_calls(&none, "", 100).await.unwrap().is_empty());
}

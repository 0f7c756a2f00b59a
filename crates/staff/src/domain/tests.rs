use super::*;

const H: i64 = 60 * 60 * 1000;
const T0: i64 = 1_800_000_000_000;

fn pilot(licence_expires: Option<i64>) -> Person {
    Person {
        id: "p".into(),
        name: "Ines Berg".into(),
        roles: vec![Role::Pilot],
        certifications: licence_expires
            .map(|e| Certification {
                kind: CertificationKind::PilotLicence,
                expires_at_ms: e,
            })
            .into_iter()
            .collect(),
        version: 1,
        updated_at_ms: T0,
    }
}

fn shift(id: &str, from_h: i64, to_h: i64) -> Shift {
    Shift {
        id: id.into(),
        person_id: "p".into(),
        window: Window::new(T0 + from_h * H, T0 + to_h * H).unwrap(),
    }
}

fn w(from_h: i64, to_h: i64) -> Window {
    Window::new(T0 + from_h * H, T0 + to_h * H).unwrap()
}

fn check(
    person: &Person,
    shifts: &[Shift],
    booked: &[(String, Window)],
    at: Window,
) -> Result<(), Refusal> {
    check_assignment(person, shifts, booked, TaskKind::PilotageIn, at)
}

#[test]
fn a_certified_pilot_on_shift_and_rested_is_accepted() {
    let p = pilot(Some(T0 + 1000 * H));
    assert_eq!(check(&p, &[shift("s", 0, 8)], &[], w(1, 3)), Ok(()));
}

#[test]
fn the_role_comes_first() {
    let mut p = pilot(Some(T0 + 1000 * H));
    p.roles = vec![Role::Stevedore];
    let r = check(&p, &[shift("s", 0, 8)], &[], w(1, 3)).unwrap_err();
    assert_eq!(r.reason(), "role_missing");
}

#[test]
fn a_missing_certification_is_refused() {
    let r = check(&pilot(None), &[shift("s", 0, 8)], &[], w(1, 3)).unwrap_err();
    assert_eq!(
        r,
        Refusal::CertificationMissing {
            kind: "pilot_licence"
        }
    );
    assert_eq!(r.reason(), "certification_missing");
}

#[test]
fn a_certification_expiring_during_the_task_is_expired() {
    let p = pilot(Some(T0 + 2 * H));
    let r = check(&p, &[shift("s", 0, 8)], &[], w(1, 3)).unwrap_err();
    assert_eq!(r.reason(), "certification_expired");
    // Valid through the task's end: fine.
    let p = pilot(Some(T0 + 3 * H));
    assert_eq!(check(&p, &[shift("s", 0, 8)], &[], w(1, 3)), Ok(()));
}

#[test]
fn a_task_must_lie_wholly_inside_a_shift() {
    let p = pilot(Some(T0 + 1000 * H));
    let r = check(&p, &[shift("s", 0, 8)], &[], w(7, 9)).unwrap_err();
    assert_eq!(r, Refusal::NotOnShift);
    assert_eq!(
        check(&p, &[], &[], w(1, 2)).unwrap_err().reason(),
        "not_on_shift"
    );
}

#[test]
fn overlapping_assignments_are_double_booking_touching_ones_are_not() {
    let p = pilot(Some(T0 + 1000 * H));
    let booked = [("t1".to_owned(), w(2, 4))];
    let r = check(&p, &[shift("s", 0, 8)], &booked, w(3, 5)).unwrap_err();
    assert_eq!(
        r,
        Refusal::DoubleBooking {
            task_id: "t1".into()
        }
    );
    assert_eq!(check(&p, &[shift("s", 0, 8)], &booked, w(4, 6)), Ok(()));
}

#[test]
fn rest_between_worked_shifts_is_at_least_the_minimum() {
    let p = pilot(Some(T0 + 1000 * H));
    // Worked 0-8; the next shift starts at 17: 9 h of rest.
    let shifts = [shift("a", 0, 8), shift("b", 17, 25)];
    let booked = [("t1".to_owned(), w(1, 2))];
    let r = check(&p, &shifts, &booked, w(18, 19)).unwrap_err();
    assert_eq!(r, Refusal::InsufficientRest { rest_ms: 9 * H });
    // Exactly 10 h is enough.
    let shifts = [shift("a", 0, 8), shift("b", 18, 26)];
    assert_eq!(check(&p, &shifts, &booked, w(19, 20)), Ok(()));
    // A shift with no work in it needs no rest after it.
    let shifts = [shift("a", 0, 8), shift("b", 17, 25)];
    assert_eq!(check(&p, &shifts, &[], w(18, 19)), Ok(()));
}

#[test]
fn rest_counts_before_and_after() {
    let p = pilot(Some(T0 + 1000 * H));
    // Worked the later shift; the earlier one ends 4 h before it.
    let shifts = [shift("a", 0, 8), shift("b", 12, 20)];
    let booked = [("t1".to_owned(), w(13, 14))];
    let r = check(&p, &shifts, &booked, w(1, 2)).unwrap_err();
    assert_eq!(r.reason(), "insufficient_rest");
}

#[test]
fn arrival_tasks_are_pilotage_in_then_mooring_around_the_eta() {
    let [pilotage, mooring] = arrival_tasks(T0);
    assert_eq!(pilotage.kind, TaskKind::PilotageIn);
    assert_eq!(pilotage.window, w(-1, 1));
    assert_eq!(mooring.kind, TaskKind::Mooring);
    assert_eq!(mooring.window, w(0, 2));
}

#[test]
fn inputs_are_validated_with_field_names() {
    assert!(check_name("  ").is_err());
    assert_eq!(check_name(" Ines ").unwrap(), "Ines");
    assert_eq!(
        parse_roles(&["stevedore", "pilot", "pilot"]).unwrap(),
        [Role::Pilot, Role::Stevedore]
    );
    let Err(ApiError::InvalidArgument(v)) = parse_roles(&["captain"]) else {
        panic!("captain is not a role");
    };
    assert_eq!(v[0].field, "roles");
    assert!(check_shift(T0, T0).is_err());
    assert!(check_shift(T0, T0 + 17 * H).is_err());
    assert!(check_shift(T0, T0 + 8 * H).is_ok());
    assert!(check_port_call_id("NOOSL 1").is_err());
}

#[test]
fn every_task_kind_has_a_role_with_a_certification() {
    for kind in TaskKind::ALL {
        let role = kind.role();
        assert!(Role::ALL.contains(&role));
        let _ = role.required_certification();
    }
}

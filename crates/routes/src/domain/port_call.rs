//! The port-call state machine: the transitions a client may ask for, and
//! the ones the position stream makes on its own.

use super::{PortCallState, ZoneKind};

use PortCallState::*;

/// Every allowed transition. Departed and cancelled are final.
const TRANSITIONS: &[(PortCallState, PortCallState)] = &[
    (Planned, Approaching),
    (Planned, Cancelled),
    (Approaching, Berthed),
    (Approaching, Cancelled),
    (Berthed, Departed),
];

/// Below this speed over ground a vessel in its berth zone is alongside.
pub const BERTHED_MAX_SOG_KN: f64 = 0.5;

/// Whether `from` may become `to`, with the reason when it may not.
pub fn check_transition(from: PortCallState, to: PortCallState) -> Result<(), String> {
    if TRANSITIONS.contains(&(from, to)) {
        return Ok(());
    }
    let next: Vec<&str> = TRANSITIONS
        .iter()
        .filter(|(f, _)| *f == from)
        .map(|(_, t)| t.as_str())
        .collect();
    Err(if next.is_empty() {
        format!("a {} port call is final", from.as_str())
    } else {
        format!(
            "a {} port call can become {}, not {}",
            from.as_str(),
            next.join(" or "),
            to.as_str()
        )
    })
}

/// What one position tells about a vessel's port call.
#[derive(Debug, Clone, Copy)]
pub struct Observation<'a> {
    /// Kinds of the zones the vessel entered with this position.
    pub entered: &'a [ZoneKind],
    /// Whether it is now inside the call's berth zone, and was before.
    pub in_berth: bool,
    pub was_in_berth: bool,
    pub sog_kn: Option<f64>,
}

/// The state a port call moves to after `o`, if any: approaching on
/// entering a port approach, berthed once inside its berth zone at less
/// than 0.5 kn, departed on leaving the berth zone.
pub fn advance(state: PortCallState, o: &Observation<'_>) -> Option<PortCallState> {
    let slow = o.sog_kn.is_some_and(|s| s < BERTHED_MAX_SOG_KN);
    let next = match state {
        Planned if o.entered.contains(&ZoneKind::PortApproach) => Approaching,
        Approaching if o.in_berth && slow => Berthed,
        Berthed if o.was_in_berth && !o.in_berth => Departed,
        _ => return None,
    };
    debug_assert!(check_transition(state, next).is_ok());
    Some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(entered: &[ZoneKind], was: bool, now: bool, sog: f64) -> Observation<'_> {
        Observation {
            entered,
            in_berth: now,
            was_in_berth: was,
            sog_kn: Some(sog),
        }
    }

    #[test]
    fn the_table_allows_the_voyage_and_cancelling_before_berthing() {
        assert!(check_transition(Planned, Approaching).is_ok());
        assert!(check_transition(Approaching, Berthed).is_ok());
        assert!(check_transition(Berthed, Departed).is_ok());
        assert!(check_transition(Planned, Cancelled).is_ok());
        assert!(check_transition(Approaching, Cancelled).is_ok());
    }

    #[test]
    fn other_transitions_are_refused_with_a_reason() {
        assert_eq!(
            check_transition(Planned, Berthed).unwrap_err(),
            "a planned port call can become approaching or cancelled, not berthed"
        );
        assert_eq!(
            check_transition(Departed, Planned).unwrap_err(),
            "a departed port call is final"
        );
        assert!(check_transition(Berthed, Cancelled).is_err());
        assert!(check_transition(Cancelled, Approaching).is_err());
        assert!(check_transition(Planned, Planned).is_err());
    }

    #[test]
    fn positions_move_a_call_through_its_visit() {
        let approach = [ZoneKind::PortApproach];
        assert_eq!(
            advance(Planned, &seen(&approach, false, false, 12.0)),
            Some(Approaching)
        );
        assert_eq!(
            advance(Planned, &seen(&[ZoneKind::Fairway], false, false, 12.0)),
            None
        );
        assert_eq!(
            advance(Approaching, &seen(&[], false, true, 3.0)),
            None,
            "still moving"
        );
        assert_eq!(
            advance(Approaching, &seen(&[], true, true, 0.2)),
            Some(Berthed)
        );
        assert_eq!(advance(Berthed, &seen(&[], true, true, 0.0)), None);
        assert_eq!(
            advance(Berthed, &seen(&[], true, false, 4.0)),
            Some(Departed)
        );
        assert_eq!(advance(Departed, &seen(&approach, false, false, 9.0)), None);
        assert_eq!(
            advance(Cancelled, &seen(&approach, false, false, 9.0)),
            None
        );
    }
}

//! Bit layout of extended ship static and voyage-related data, DAC 1 FI 24
//! (IMO SN.1/Circ.289): 304 bits of application data from bit 56.

use crate::bits::BitReader;
use crate::message::{ExtendedStaticVoyage, SolasStatus};

/// The last field (persons on board) ends here; only the 10 spare bits
/// after it may be missing.
const PERSONS_END: usize = 350;

/// `None` when the message is too short to hold every field: gpsd does not
/// type this payload, so there is no lenient reading to agree with.
pub(super) fn extended_static_voyage(r: &BitReader<'_>) -> Option<ExtendedStaticVoyage> {
    if r.len() < PERSONS_END {
        return None;
    }
    Some(ExtendedStaticVoyage {
        linkage: r.u(56, 10) as u16,
        air_draught: r.u(66, 13) as u16,
        last_port: r.text(79, 5),
        next_port: r.text(109, 5),
        second_port: r.text(139, 5),
        solas: std::array::from_fn(|k| SolasStatus::from_raw(r.u(169 + 2 * k, 2) as u8)),
        ice_class: r.u(221, 4) as u8,
        shaft_power: r.u(225, 18),
        vhf_channel: r.u(243, 12) as u16,
        lloyds_ship_type: r.text(255, 7),
        gross_tonnage: r.u(297, 18),
        laden: r.u(315, 2) as u8,
        heavy_fuel_oil: r.u(317, 2) as u8,
        light_fuel_oil: r.u(319, 2) as u8,
        diesel: r.u(321, 2) as u8,
        bunker_oil: r.u(323, 14) as u16,
        persons: r.u(337, 13) as u16,
    })
}

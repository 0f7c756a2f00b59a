//! Bit layout of area notices (DAC 1 FI 22), as IMO289 and libais's
//! `ais8_1_22.cpp` read them: header from bit 56, 87-bit sub-areas from 111.

use super::{day_time, milli_minutes, unless};
use crate::bits::BitReader;
use crate::message::{AreaNotice, SubArea};

const SUB_AREAS_AT: usize = 111;
const SUB_AREA_BITS: usize = 87;

pub(super) fn area_notice(r: &BitReader<'_>) -> AreaNotice {
    let whole = r.len().saturating_sub(SUB_AREAS_AT) / SUB_AREA_BITS;
    AreaNotice {
        linkage: r.u(56, 10) as u16,
        notice_type: r.u(66, 7) as u8,
        start: day_time(r, 73),
        duration: unless(r.u(93, 18), 262_143),
        sub_areas: (0..whole)
            .map(|k| sub_area(r, SUB_AREAS_AT + SUB_AREA_BITS * k))
            .collect(),
    }
}

/// A 3-bit shape, then (for the shapes with a position) a 2-bit scale,
/// longitude (25), latitude (24) and precision (3) from `at + 5`.
fn sub_area(r: &BitReader<'_>, at: usize) -> SubArea {
    let shape = r.u(at, 3) as u8;
    let scale = [1, 10, 100, 1000][r.u(at + 3, 2) as usize];
    let lon = milli_minutes(r, at + 5, 25, 180.0);
    let lat = milli_minutes(r, at + 30, 24, 90.0);
    let precision = r.u(at + 54, 3) as u8;
    let body = at + 57;
    match shape {
        0 => SubArea::Circle {
            lon,
            lat,
            precision,
            radius: r.u(body, 12) * scale,
        },
        1 => SubArea::Rectangle {
            lon,
            lat,
            precision,
            east: r.u(body, 8) * scale,
            north: r.u(body + 8, 8) * scale,
            orientation: r.u(body + 16, 9) as u16,
        },
        2 => SubArea::Sector {
            lon,
            lat,
            precision,
            radius: r.u(body, 12) * scale,
            left: r.u(body + 12, 9) as u16,
            right: r.u(body + 21, 9) as u16,
        },
        3 | 4 => {
            let points = (0..4)
                .map(|k| {
                    let p = at + 5 + 20 * k;
                    (r.u(p, 10) as u16, r.u(p + 10, 10) * scale)
                })
                .take_while(|&(_, distance)| distance != 0)
                .collect();
            if shape == 3 {
                SubArea::Polyline(points)
            } else {
                SubArea::Polygon(points)
            }
        }
        5 => SubArea::Text(r.text(at + 3, 14)),
        other => SubArea::Reserved(other),
    }
}

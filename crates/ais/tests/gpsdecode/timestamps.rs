//! The 6-bit time stamp of every position report type, at every value:
//! gpsd prints the code as sent, 61-63 included.

use super::built::{hand_built, six_bit};
use super::harness::{differential, gpsdecode};

/// Fields up to the time stamp, the time stamp, and the rest, for each
/// report type that carries one (ITU-R M.1371 layouts).
fn report(msg_type: u64, second: u64) -> Vec<(u64, usize)> {
    let position = [(1, 1), (4_170_000, 28), (30_558_000, 27)];
    let mut f = vec![(msg_type, 6), (0, 2), (211_000_000 + msg_type, 30)];
    match msg_type {
        1 => {
            // Status, turn, speed, position, course, heading.
            f.extend([(0, 4), (0, 8), (123, 10)]);
            f.extend(position);
            f.extend([(900, 12), (91, 9), (second, 6), (0, 2), (0, 3), (0, 1)]);
            f.push((0, 19));
        }
        9 => {
            // Altitude, speed, position, course.
            f.extend([(150, 12), (120, 10)]);
            f.extend(position);
            f.extend([(900, 12), (second, 6), (0, 8), (0, 1), (0, 3), (0, 1)]);
            f.extend([(0, 1), (0, 20)]);
        }
        18 | 19 => {
            // Reserved, speed, position, course, heading.
            f.extend([(0, 8), (55, 10)]);
            f.extend(position);
            f.extend([(900, 12), (91, 9), (second, 6)]);
            if msg_type == 18 {
                f.extend([(0, 2), (1, 1), (0, 5), (0, 1), (0, 20)]);
            } else {
                f.push((0, 4));
                f.extend(six_bit("TIME STAMP", 20));
                f.extend([(37, 8), (10, 9), (5, 9), (2, 6), (2, 6), (1, 4)]);
                f.extend([(0, 1), (1, 1), (0, 1), (0, 4)]);
            }
        }
        21 => {
            // Aid type, name, accuracy and position, dimensions, EPFD.
            f.push((1, 5));
            f.extend(six_bit("BUOY", 20));
            f.extend(position);
            f.extend([(0, 9), (0, 9), (0, 6), (0, 6), (7, 4), (second, 6)]);
            f.extend([(0, 1), (0, 8), (0, 1), (0, 1), (0, 1), (0, 1)]);
        }
        _ => unreachable!(),
    }
    f
}

#[test]
fn every_time_stamp_agrees_with_gpsdecode() {
    let types = [1, 9, 18, 19, 21];
    let lines: Vec<String> = types
        .iter()
        .flat_map(|&t| (0..64).map(move |s| hand_built(&report(t, s))))
        .collect();
    let input = lines.join("\n") + "\n";
    // gpsd prints what was sent: 0-59 seconds, then 60 not available, 61
    // manual input, 62 dead reckoning, 63 inoperative.
    let seconds: Vec<u64> = gpsdecode(&input)
        .iter()
        .map(|o| o.map["second"].as_u64().unwrap())
        .collect();
    let sent: Vec<u64> = types.iter().flat_map(|_| 0..64).collect();
    assert_eq!(seconds, sent);
    let tally = differential("time stamps", &input);
    assert_eq!((tally.compared, tally.agreed), (320, 320), "{tally:?}");
    assert!(tally.mismatches.is_empty(), "{:#?}", tally.mismatches);
}

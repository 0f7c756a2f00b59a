use super::*;
use crate::sentence::xor;

fn line(count: u8, number: u8, seq: u8, channel: char, payload: &str) -> String {
    let body = format!("AIVDM,{count},{number},{seq},{channel},{payload},0");
    format!("!{body}*{:02X}", xor(&body))
}

fn push(a: &mut Assembler, l: &str, now: u64) -> Option<String> {
    let s = Sentence::parse(l).unwrap();
    a.push(&s, now).unwrap().map(|p| p.text.into_owned())
}

#[test]
fn single_part_is_borrowed() {
    let mut a = Assembler::new(AssemblerConfig::default());
    let l = line(1, 1, 0, 'A', "15RT");
    let s = Sentence::parse(&l).unwrap();
    let p = a.push(&s, 0).unwrap().unwrap();
    assert!(matches!(p.text, Cow::Borrowed("15RT")));
}

#[test]
fn two_part_interleaved_with_other_groups() {
    let mut a = Assembler::new(AssemblerConfig::default());
    assert_eq!(push(&mut a, &line(2, 1, 1, 'A', "AA"), 0), None);
    assert_eq!(push(&mut a, &line(2, 1, 2, 'A', "XX"), 0), None);
    assert_eq!(push(&mut a, &line(2, 1, 1, 'B', "BB"), 0), None);
    assert_eq!(
        push(&mut a, &line(2, 2, 2, 'A', "YY"), 0).as_deref(),
        Some("XXYY")
    );
    assert_eq!(
        push(&mut a, &line(2, 2, 1, 'A', "aa"), 0).as_deref(),
        Some("AAaa")
    );
    assert_eq!(
        push(&mut a, &line(2, 2, 1, 'B', "bb"), 0).as_deref(),
        Some("BBbb")
    );
    assert_eq!(a.pending(), 0);
    assert_eq!(a.stats().completed, 3);
}

#[test]
fn three_part_out_of_order() {
    let mut a = Assembler::new(AssemblerConfig::default());
    assert_eq!(push(&mut a, &line(3, 3, 7, 'A', "33"), 0), None);
    assert_eq!(push(&mut a, &line(3, 1, 7, 'A', "11"), 1), None);
    assert_eq!(
        push(&mut a, &line(3, 2, 7, 'A', "22"), 2).as_deref(),
        Some("112233")
    );
}

#[test]
fn timeout_drops_stale_groups() {
    let mut a = Assembler::new(AssemblerConfig {
        timeout_ms: 100,
        max_pending: 8,
    });
    assert_eq!(push(&mut a, &line(2, 1, 1, 'A', "AA"), 0), None);
    assert_eq!(push(&mut a, &line(2, 2, 1, 'A', "aa"), 101), None);
    assert_eq!(a.stats().timed_out, 1);
    assert_eq!(a.pending(), 1);
}

#[test]
fn pending_bound_evicts_oldest() {
    let mut a = Assembler::new(AssemblerConfig {
        timeout_ms: 1000,
        max_pending: 2,
    });
    push(&mut a, &line(2, 1, 1, 'A', "11"), 0);
    push(&mut a, &line(2, 1, 2, 'A', "22"), 0);
    // On the other channel, so the next line cannot continue it whatever its id.
    push(&mut a, &line(2, 1, 3, 'B', "33"), 0);
    assert_eq!(a.pending(), 2);
    assert_eq!(a.stats().evicted, 1);
    assert_eq!(push(&mut a, &line(2, 2, 1, 'A', "xx"), 0), None);
    assert_eq!(
        push(&mut a, &line(2, 2, 3, 'B', "xx"), 0).as_deref(),
        Some("33xx")
    );
}

#[test]
fn duplicate_fragment_restarts_group() {
    let mut a = Assembler::new(AssemblerConfig::default());
    push(&mut a, &line(2, 1, 1, 'A', "old"), 0);
    push(&mut a, &line(2, 1, 1, 'A', "new"), 0);
    assert_eq!(a.stats().replaced, 1);
    assert_eq!(
        push(&mut a, &line(2, 2, 1, 'A', "2"), 0).as_deref(),
        Some("new2")
    );
}

#[test]
fn a_changed_sequence_id_continues_the_fragment_just_before() {
    // Seen in live feeds: part 1 with id 4, then part 2 with id 1. gpsd
    // ignores sequence ids, so it joins them; so do we, counted.
    let mut a = Assembler::new(AssemblerConfig::default());
    assert_eq!(push(&mut a, &line(2, 1, 4, 'A', "AA"), 0), None);
    assert_eq!(
        push(&mut a, &line(2, 2, 1, 'A', "aa"), 0).as_deref(),
        Some("AAaa")
    );
    assert_eq!((a.pending(), a.stats().resequenced), (0, 1));
}

#[test]
fn a_changed_sequence_id_after_another_line_is_not_joined() {
    // A line in between (here a single-sentence one) resets gpsd's fragment
    // stream too: the part 2 opens a group of its own, the part 1 waits.
    let mut a = Assembler::new(AssemblerConfig::default());
    assert_eq!(push(&mut a, &line(2, 1, 4, 'A', "AA"), 0), None);
    assert_eq!(
        push(&mut a, &line(1, 1, 0, 'A', "15RT"), 0).as_deref(),
        Some("15RT")
    );
    assert_eq!(push(&mut a, &line(2, 2, 1, 'A', "aa"), 0), None);
    assert_eq!((a.pending(), a.stats().resequenced), (2, 0));
}

#[test]
fn a_changed_sequence_id_on_the_other_channel_or_count_is_not_joined() {
    let mut a = Assembler::new(AssemblerConfig::default());
    assert_eq!(push(&mut a, &line(2, 1, 4, 'A', "AA"), 0), None);
    assert_eq!(push(&mut a, &line(2, 2, 1, 'B', "bb"), 0), None);
    assert_eq!(push(&mut a, &line(3, 2, 1, 'A', "cc"), 0), None);
    assert_eq!((a.pending(), a.stats().resequenced), (3, 0));
}

#[test]
fn a_matching_sequence_id_wins_over_the_fragment_just_before() {
    let mut a = Assembler::new(AssemblerConfig::default());
    assert_eq!(push(&mut a, &line(2, 1, 1, 'A', "XX"), 0), None);
    assert_eq!(push(&mut a, &line(2, 1, 4, 'A', "AA"), 0), None);
    assert_eq!(
        push(&mut a, &line(2, 2, 1, 'A', "xx"), 0).as_deref(),
        Some("XXxx")
    );
    assert_eq!((a.pending(), a.stats().resequenced), (1, 0));
}

#[test]
fn a_changed_sequence_id_does_not_overwrite_a_fragment_already_held() {
    // Part 2 then part 1 of id 4; a part 2 with id 1 cannot continue that
    // group (it has its part 2), so it starts one of its own.
    let mut a = Assembler::new(AssemblerConfig::default());
    assert_eq!(push(&mut a, &line(3, 2, 4, 'A', "22"), 0), None);
    assert_eq!(push(&mut a, &line(3, 1, 4, 'A', "11"), 0), None);
    assert_eq!(push(&mut a, &line(3, 2, 1, 'A', "xx"), 0), None);
    assert_eq!(
        (a.pending(), a.stats().resequenced, a.stats().replaced),
        (2, 0, 0)
    );
    assert_eq!(
        push(&mut a, &line(3, 3, 4, 'A', "33"), 0).as_deref(),
        Some("112233")
    );
}

/// `line` with fill bits.
fn padded(count: u8, number: u8, payload: &str, fill: u8) -> String {
    let body = format!("AIVDM,{count},{number},4,A,{payload},{fill}");
    format!("!{body}*{:02X}", xor(&body))
}

#[test]
fn fill_bits_of_an_earlier_fragment_are_dropped_where_they_stand() {
    let mut a = Assembler::new(AssemblerConfig::default());
    let first = padded(2, 1, "w", 2);
    let last = padded(2, 2, "0", 0);
    assert!(
        a.push(&Sentence::parse(&first).unwrap(), 0)
            .unwrap()
            .is_none()
    );
    let p = a
        .push(&Sentence::parse(&last).unwrap(), 0)
        .unwrap()
        .unwrap();
    // "w" is 111111, less 2 fill bits; "0" is 000000: 1111 000000 in all,
    // armoured as 111100 ("t") and 0000 padded with 2 fill bits ("0").
    assert_eq!((p.text.as_ref(), p.fill_bits), ("t0", 2));
}

#[test]
fn fill_bits_of_the_last_fragment_are_kept_for_the_reader() {
    let mut a = Assembler::new(AssemblerConfig::default());
    a.push(&Sentence::parse(&padded(2, 1, "w", 0)).unwrap(), 0)
        .unwrap();
    let last = padded(2, 2, "0", 4);
    let p = a
        .push(&Sentence::parse(&last).unwrap(), 0)
        .unwrap()
        .unwrap();
    assert_eq!((p.text.as_ref(), p.fill_bits), ("w0", 4));
}

use super::*;

const TYPE1: &str = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";

#[test]
fn parses_plain_sentence() {
    let s = Sentence::parse(TYPE1).unwrap();
    assert_eq!(s.talker, "AI");
    assert!(!s.own_ship);
    assert_eq!(
        (s.fragment_count, s.fragment_number, s.sequence_id),
        (1, 1, None)
    );
    assert_eq!(s.channel, Some('A'));
    assert_eq!(s.payload, "15RTgt0PAso;90TKcjM8h6g208CQ");
    assert_eq!(s.fill_bits, 0);
    assert!(s.checksum_ok);
    assert_eq!(s.tag_block, None);
}

#[test]
fn tolerates_crlf_and_whitespace() {
    let line = format!("  {TYPE1}  \r\n");
    assert_eq!(
        Sentence::parse(&line).unwrap().payload,
        "15RTgt0PAso;90TKcjM8h6g208CQ"
    );
}

#[test]
fn bad_checksum_rejected_or_flagged() {
    let bad = TYPE1.replace("*4A", "*4B");
    assert_eq!(
        Sentence::parse(&bad).unwrap_err(),
        Reject::BadChecksum {
            computed: 0x4A,
            found: 0x4B
        }
    );
    let s = Sentence::parse_with(&bad, ChecksumPolicy::AcceptAndFlag).unwrap();
    assert!(!s.checksum_ok);
}

#[test]
fn own_ship_and_other_talkers() {
    let body = "BSVDO,1,1,,B,15RTgt0PAso;90TKcjM8h6g208CQ,0";
    let line = format!("!{body}*{:02X}", xor(body));
    let s = Sentence::parse(&line).unwrap();
    assert_eq!(s.talker, "BS");
    assert!(s.own_ship);
}

#[test]
fn parses_tag_block() {
    let line = r"\g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37\!AIVDM,2,1,6,A,53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63";
    let s = Sentence::parse(line).unwrap();
    let tag = s.tag_block.unwrap();
    assert_eq!(tag.receive_time, Some(1_418_169_601));
    assert_eq!(tag.source, Some("rORBCOMM008"));
    assert_eq!(
        tag.group,
        Some(TagGroup {
            number: 1,
            count: 2,
            id: 1604
        })
    );
    assert_eq!(s.sequence_id, Some(6));
}

#[test]
fn bad_tag_block_checksum() {
    let line = r"\s:rORBCOMM104,c:1418172113*00\!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78";
    assert!(matches!(
        Sentence::parse(line),
        Err(Reject::BadChecksum { .. })
    ));
    let s = Sentence::parse_with(line, ChecksumPolicy::AcceptAndFlag).unwrap();
    assert!(!s.checksum_ok);
    let unterminated = r"\s:x*00!AIVDM,1,1,,B,13F,0*78";
    assert_eq!(
        Sentence::parse(unterminated).unwrap_err(),
        Reject::BadTagBlock("unterminated")
    );
}

#[test]
fn parses_uscg_trailer() {
    let line = "!AIVDM,1,1,,A,403Ovl@000Htt<tSF0l4Q@100`Pq,0*28,d-109,S2105,t050056.00,T56.13718694,r003669946,1325394060,1325394001";
    let s = Sentence::parse(line).unwrap();
    assert_eq!(s.vendor.station, Some("r003669946"));
    assert_eq!(s.vendor.time, Some(1_325_394_001));
}

#[test]
fn fill_bits_range() {
    for (fill, ok) in [(0, true), (5, true), (6, true), (7, false)] {
        let body = format!("AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,{fill}");
        let line = format!("!{body}*{:02X}", xor(&body));
        match Sentence::parse(&line) {
            Ok(s) => assert!(ok && s.fill_bits == fill),
            Err(e) => assert!(!ok && e == Reject::BadFillBits(7)),
        }
    }
}

fn with_checksum(body: &str) -> String {
    format!("!{body}*{:02X}", xor(body))
}

#[test]
fn each_structural_rejection() {
    let cases: [(&str, Reject); 9] = [
        ("", Reject::Empty),
        ("AIVDM,1,1,,A,1,0*00", Reject::Malformed("missing '!'")),
        ("!AIVDM,1,1,,A,1,0", Reject::Malformed("missing checksum")),
        (
            &with_checksum("AIVDM,1,1,,A,1"),
            Reject::Malformed("too few fields"),
        ),
        (
            &with_checksum("GPGGA,1,1,,A,1,0"),
            Reject::Malformed("not VDM/VDO"),
        ),
        (
            &with_checksum("AIVDM,1,2,,A,1,0"),
            Reject::BadFragment("fragment number out of range"),
        ),
        (
            &with_checksum("AIVDM,x,1,,A,1,0"),
            Reject::BadFragment("bad fragment count"),
        ),
        (
            &with_checksum("AIVDM,1,1,,C,1,0"),
            Reject::Malformed("bad channel"),
        ),
        (
            &with_checksum("AIVDM,1,1,,A,,0"),
            Reject::Malformed("empty payload"),
        ),
    ];
    for (line, want) in cases {
        assert_eq!(Sentence::parse(line).unwrap_err(), want, "{line}");
    }
    let long = "!".repeat(MAX_LINE_LEN + 1);
    assert_eq!(
        Sentence::parse(&long).unwrap_err(),
        Reject::TooLong(MAX_LINE_LEN + 1)
    );
}

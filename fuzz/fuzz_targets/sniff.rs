//! A file's bytes through decoding, splitting and format detection, as `import` runs
//! them. Besides crashes, it checks what provenance relies on: every record has its own
//! position, positions follow the file's order, and each record's line is where its text
//! starts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use scimtrail::ingest::fuzzing::{self, Split};

fuzz_target!(|data: &[u8]| {
    let Ok(loaded) = fuzzing::decode(data) else {
        return;
    };
    let Ok(split) = fuzzing::split(&loaded.text) else {
        return;
    };
    check_records(&loaded.text, &split);
    check_positions(&split);
    let _ = fuzzing::detect(&split);
});

/// Checks that each record's text lies inside the file and that its line is where it starts.
fn check_records(text: &str, split: &Split<'_>) {
    for record in &split.records {
        let offset = (record.text.as_ptr() as usize)
            .checked_sub(text.as_ptr() as usize)
            .expect("record text starts before the file");
        let inside = text.get(offset..offset + record.text.len());
        assert_eq!(
            inside,
            Some(record.text),
            "record text is not part of the file"
        );
        let line = text[..offset].matches('\n').count() + 1;
        assert_eq!(
            record.line, line,
            "record {} starts on line {line}",
            record.pos
        );
    }
    for bad in &split.bad {
        assert!(bad.line >= 1, "bad record {} has line 0", bad.pos);
    }
}

/// Checks that positions run 1..=n over good and bad records together, in line order.
fn check_positions(split: &Split<'_>) {
    let mut entries: Vec<(i64, usize)> = split
        .records
        .iter()
        .map(|r| (r.pos, r.line))
        .chain(split.bad.iter().map(|b| (b.pos, b.line)))
        .collect();
    entries.sort_unstable();
    let positions: Vec<i64> = entries.iter().map(|(pos, _)| *pos).collect();
    let expected: Vec<i64> = (1..=entries.len() as i64).collect();
    assert_eq!(positions, expected, "positions are not 1..=n");
    assert!(
        entries.windows(2).all(|pair| pair[0].1 <= pair[1].1),
        "positions do not follow line order: {entries:?}"
    );
}

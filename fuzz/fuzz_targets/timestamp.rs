//! Text and numbers through the timestamp parser. Besides crashes, it checks that a parsed
//! time reads back the same when written as RFC 3339, that a negative epoch value lands
//! before 1970, and that integers of up to 11 digits are read as seconds.

#![no_main]

use libfuzzer_sys::fuzz_target;
use scimtrail::ingest::timestamp;
use serde_json::Number;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(parsed) = timestamp::parse(&text) {
        check_round_trip(parsed.utc);
    }
    if let Ok(number) = serde_json::from_str::<Number>(text.trim()) {
        check_number(&number);
    }
    if let Some(raw) = data.get(..8) {
        let raw: [u8; 8] = raw.try_into().expect("eight bytes");
        let integer = i64::from_le_bytes(raw);
        check_number(&Number::from(integer));
        check_seconds(integer);
        if let Some(float) = Number::from_f64(f64::from_le_bytes(raw)) {
            check_number(&float);
        }
    }
});

fn check_round_trip(utc: chrono::NaiveDateTime) {
    use chrono::Datelike;
    if !(0..=9999).contains(&utc.year()) {
        return;
    }
    let written = utc.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string();
    let again = timestamp::parse(&written).map(|p| p.utc);
    assert_eq!(again, Ok(utc), "{written} does not read back");
}

/// Checks that a parsed epoch value lies on the same side of 1970 as the number.
fn check_number(number: &Number) {
    let Ok(parsed) = timestamp::parse_number(number) else {
        return;
    };
    let epoch = chrono::DateTime::UNIX_EPOCH.naive_utc();
    let value = number.as_f64().expect("a JSON number is finite");
    if parsed.utc != epoch && value != 0.0 {
        assert_eq!(
            parsed.utc < epoch,
            value < 0.0,
            "{number} was read as {}",
            parsed.utc
        );
    }
}

/// Checks that an integer of up to 11 digits, with or without a sign, is read as seconds.
fn check_seconds(seconds: i64) {
    if seconds.unsigned_abs() >= 100_000_000_000 {
        return;
    }
    let Ok(parsed) = timestamp::parse_number(&Number::from(seconds)) else {
        return;
    };
    let expected = chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.naive_utc());
    assert_eq!(
        Some(parsed.utc),
        expected,
        "{seconds} is not read as seconds"
    );
}

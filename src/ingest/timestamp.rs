//! The one timestamp parser every importer uses.

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike};

/// A parsed instant in UTC, with a note when the source left something to assume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub utc: NaiveDateTime,
    pub note: Option<String>,
}

/// Parses RFC 3339 and ISO 8601 date-times with 0 to 9 fractional digits and `Z` or any
/// offset, date-times followed by ` UTC`, date-times without a zone (read as UTC and noted), and epoch seconds,
/// milliseconds, microseconds or nanoseconds told apart by their number of digits.
pub fn parse(text: &str) -> Result<Parsed, String> {
    parse_text(text).map(settle_leap_second)
}

/// chrono reads a leap second (`23:59:60`) as second 59 with a fraction of a second or
/// more, which the case cannot store as it is. It is stored as the last microsecond of
/// second 59 rather than as the start of the next second, so the event stays on its own
/// day and minute. It also sorts after everything of second 59 and before the next
/// second, as the leap second does. The event keeps the original text, and a note.
fn settle_leap_second(mut parsed: Parsed) -> Parsed {
    if parsed.utc.nanosecond() < 1_000_000_000 {
        return parsed;
    }
    if let Some(settled) = parsed.utc.with_nanosecond(999_999_000) {
        parsed.utc = settled;
    }
    let note = "leap second (second 60) stored as the last microsecond of second 59";
    parsed.note = Some(match parsed.note {
        Some(earlier) => format!("{earlier}; {note}"),
        None => note.to_string(),
    });
    parsed
}

fn parse_text(text: &str) -> Result<Parsed, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty timestamp".into());
    }
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return parse_epoch(text);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Ok(utc(dt.naive_utc()));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Ok(utc(dt.naive_utc()));
        }
    }
    // BigQuery JSON exports write TIMESTAMP values in this form.
    if let Some(utc_text) = text.strip_suffix(" UTC")
        && let Ok(naive) = NaiveDateTime::parse_from_str(utc_text, "%Y-%m-%d %H:%M:%S%.f")
    {
        return Ok(utc(naive));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(Parsed {
                utc: naive,
                note: Some("no time zone in the source; read as UTC".into()),
            });
        }
    }
    Err(format!("unrecognised timestamp {text:?}"))
}

/// Parses a JSON number of epoch seconds, milliseconds, microseconds or nanoseconds.
pub fn parse_number(number: &serde_json::Number) -> Result<Parsed, String> {
    let text = number.to_string();
    if !text.contains(['e', 'E']) {
        return parse_epoch(&text);
    }
    // serde_json writes floats from 1e16 up (and below 1e-5) in exponent notation, and
    // epoch nanoseconds stored as floats reach that size. Written out in full, the value
    // gets its unit from its number of whole digits like any other.
    match number.as_f64() {
        Some(value) => parse_epoch(&format!("{value:.9}")),
        None => Err(format!("epoch value {text:?} is out of range")),
    }
}

/// A unit of epoch time, for sources that state it instead of leaving it to be guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EpochUnit {
    Seconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

impl EpochUnit {
    fn scale(self) -> (i128, &'static str) {
        match self {
            EpochUnit::Seconds => (1_000_000_000, "seconds"),
            EpochUnit::Milliseconds => (1_000_000, "milliseconds"),
            EpochUnit::Microseconds => (1_000, "microseconds"),
            EpochUnit::Nanoseconds => (1, "nanoseconds"),
        }
    }
}

/// Parses epoch time in a known unit, such as OTLP's `startTimeUnixNano`, given as text of
/// digits with an optional fraction.
pub fn parse_epoch_in(text: &str, unit: EpochUnit) -> Result<Parsed, String> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(format!("epoch {} {text:?} is not a number", unit.scale().1));
    }
    epoch_scaled(text, false, whole, fraction, unit)
}

/// Parses `[-]digits[.digits]`. The unit follows from the number of whole digits, not
/// counting the sign or leading zeros.
fn parse_epoch(text: &str) -> Result<Parsed, String> {
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = magnitude.split_once('.').unwrap_or((magnitude, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(format!("invalid epoch value {text:?}"));
    }
    // Ten digits of seconds reach 2286; thirteen of milliseconds likewise, and so on.
    let unit = match whole.trim_start_matches('0').len() {
        0..=11 => EpochUnit::Seconds,
        12..=14 => EpochUnit::Milliseconds,
        15..=17 => EpochUnit::Microseconds,
        _ => EpochUnit::Nanoseconds,
    };
    epoch_scaled(text, negative, whole, fraction, unit)
}

/// Converts validated digits of `unit` to a time; `text` is the whole value, for errors.
fn epoch_scaled(
    text: &str,
    negative: bool,
    whole: &str,
    fraction: &str,
    unit: EpochUnit,
) -> Result<Parsed, String> {
    let out_of_range = || format!("epoch value {text:?} is out of range");
    let (scale, unit) = unit.scale();
    let whole: i128 = whole.parse().map_err(|_| out_of_range())?;
    let magnitude_nanos = whole
        .checked_mul(scale)
        .and_then(|n| n.checked_add(fraction_to_units(fraction, scale)))
        .ok_or_else(out_of_range)?;
    // The fraction extends the magnitude, so -1.5 is a second and a half before 1970.
    let nanos = if negative {
        -magnitude_nanos
    } else {
        magnitude_nanos
    };
    let seconds = i64::try_from(nanos.div_euclid(1_000_000_000)).map_err(|_| out_of_range())?;
    let subsec = nanos.rem_euclid(1_000_000_000) as u32;
    let dt = DateTime::from_timestamp(seconds, subsec).ok_or_else(out_of_range)?;
    // chrono reaches about 262,000 years either side of year 0, far past any real record.
    // A year outside 1 to 9999 means a wrong unit or a corrupt value, and RFC 3339 cannot
    // write a year after 9999.
    if !(1..=9999).contains(&dt.year()) {
        return Err(format!(
            "epoch value {text:?} is in year {}, outside 1 to 9999",
            dt.year()
        ));
    }
    Ok(Parsed {
        utc: dt.naive_utc(),
        note: Some(format!("epoch {unit}")),
    })
}

/// Converts the ASCII digits after the point of an epoch value to nanoseconds, for a unit
/// of `scale` nanoseconds. Digits beyond the ninth are dropped.
fn fraction_to_units(fraction: &str, scale: i128) -> i128 {
    let digits = &fraction[..fraction.len().min(9)];
    if digits.is_empty() {
        return 0;
    }
    let value: i128 = digits.parse().unwrap_or(0);
    value * scale / 10i128.pow(digits.len() as u32)
}

fn utc(naive: NaiveDateTime) -> Parsed {
    Parsed {
        utc: naive,
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> String {
        parse(text)
            .unwrap()
            .utc
            .format("%Y-%m-%dT%H:%M:%S%.9f")
            .to_string()
    }

    #[test]
    fn rfc3339_with_z_and_offsets() {
        assert_eq!(
            iso("2020-02-14T22:18:51.843Z"),
            "2020-02-14T22:18:51.843000000"
        );
        assert_eq!(
            iso("2019-10-18T09:45:48-05:00"),
            "2019-10-18T14:45:48.000000000"
        );
        assert_eq!(
            iso("2019-10-18T09:45:48+0130"),
            "2019-10-18T08:15:48.000000000"
        );
    }

    #[test]
    fn fractional_digits_zero_to_nine() {
        assert_eq!(iso("2019-10-18T15:30:51Z"), "2019-10-18T15:30:51.000000000");
        assert_eq!(
            iso("2019-10-18T15:30:51.0273716Z"),
            "2019-10-18T15:30:51.027371600"
        );
        assert_eq!(
            iso("2019-10-18T15:30:51.123456789Z"),
            "2019-10-18T15:30:51.123456789"
        );
    }

    #[test]
    fn leap_second_ends_second_59() {
        for text in [
            "2016-12-31T23:59:60Z",
            "2016-12-31T23:59:60.5Z",
            "2017-01-01T00:59:60+01:00",
        ] {
            let parsed = parse(text).unwrap();
            assert_eq!(
                parsed.utc.format("%Y-%m-%dT%H:%M:%S%.9f").to_string(),
                "2016-12-31T23:59:59.999999000",
                "{text}"
            );
            assert!(parsed.note.unwrap().contains("leap second"), "{text}");
        }
        let zoneless = parse("2016-12-31 23:59:60").unwrap();
        assert_eq!(zoneless.utc.nanosecond(), 999_999_000);
        let note = zoneless.note.unwrap();
        assert!(note.contains("no time zone"), "{note}");
        assert!(note.contains("leap second"), "{note}");
        assert_eq!(parse("2016-12-31T23:59:59.25Z").unwrap().note, None);
    }

    #[test]
    fn utc_suffix_is_utc() {
        let parsed = parse("2020-08-05 21:59:26.456 UTC").unwrap();
        assert_eq!(parsed.note, None);
        assert_eq!(
            parsed.utc.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
            "2020-08-05T21:59:26.456"
        );
    }

    #[test]
    fn missing_zone_is_noted() {
        let parsed = parse("2019-10-18 15:30:51").unwrap();
        assert!(parsed.note.unwrap().contains("no time zone"));
    }

    #[test]
    fn epoch_units_by_digits() {
        assert_eq!(iso("1700000000"), "2023-11-14T22:13:20.000000000");
        assert_eq!(iso("1700000000123"), "2023-11-14T22:13:20.123000000");
        assert_eq!(iso("1700000000123456"), "2023-11-14T22:13:20.123456000");
        assert_eq!(iso("1700000000123456789"), "2023-11-14T22:13:20.123456789");
        assert_eq!(iso("1700000000.5"), "2023-11-14T22:13:20.500000000");
    }

    #[test]
    fn negative_epoch_keeps_its_unit() {
        let number = serde_json::Number::from(-60000000000i64);
        let parsed = parse_number(&number).unwrap();
        assert_eq!(parsed.utc.to_string(), "0068-09-03 13:20:00");
    }

    #[test]
    fn negative_fraction_is_before_epoch() {
        let number = serde_json::Number::from_f64(-1.5).unwrap();
        let parsed = parse_number(&number).unwrap();
        assert_eq!(parsed.utc.to_string(), "1969-12-31 23:59:58.500");
    }

    #[test]
    fn float_in_exponent_notation() {
        let number = serde_json::Number::from_f64(1.7e18).unwrap();
        let parsed = parse_number(&number).unwrap();
        assert_eq!(parsed.utc.to_string(), "2023-11-14 22:13:20");
        assert_eq!(parsed.note.as_deref(), Some("epoch nanoseconds"));
    }

    #[test]
    fn second_decimal_point_is_rejected() {
        let err = parse("1700000000.5.5").unwrap_err();
        assert!(err.contains("invalid epoch value"), "{err}");
    }

    #[test]
    fn epoch_in_stated_unit() {
        let nanos = parse_epoch_in("1544712660000000001", EpochUnit::Nanoseconds).unwrap();
        assert_eq!(
            nanos.utc.format("%Y-%m-%dT%H:%M:%S%.9f").to_string(),
            "2018-12-13T14:51:00.000000001"
        );
        let seconds = parse_epoch_in("17", EpochUnit::Seconds).unwrap();
        assert_eq!(seconds.utc.to_string(), "1970-01-01 00:00:17");
        assert!(parse_epoch_in("-5", EpochUnit::Milliseconds).is_err());
        assert!(parse_epoch_in("1.2.3", EpochUnit::Seconds).is_err());
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(parse("Oct 2, 2019 11:12:29 PM").is_err());
        assert!(parse("").is_err());
        assert!(parse("99999999999999999999999999999999999999999").is_err());
    }

    #[test]
    fn epoch_outside_years_1_to_9999_rejected() {
        // Fourteen digits are milliseconds, so this is in year -1199.
        for epoch in [-99999999999999i64, -62135596801] {
            let err = parse_number(&epoch.into()).unwrap_err();
            assert!(err.contains("outside 1 to 9999"), "{epoch}: {err}");
        }
        let err = parse_epoch_in("253402300800", EpochUnit::Seconds).unwrap_err();
        assert!(err.contains("in year 10000"), "{err}");
        assert!(parse_epoch_in("253402300799", EpochUnit::Seconds).is_ok());
        assert!(parse_number(&(-62135596800i64).into()).is_ok());
    }
}

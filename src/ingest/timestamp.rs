//! The one timestamp parser every importer uses.

use chrono::{DateTime, NaiveDateTime};

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
    parse_epoch(&number.to_string())
}

fn parse_epoch(text: &str) -> Result<Parsed, String> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = whole.trim_start_matches('0').len();
    // Ten digits of seconds reach 2286; thirteen of milliseconds likewise, and so on.
    let (scale, unit) = match digits {
        0..=11 => (1_000_000_000i128, "seconds"),
        12..=14 => (1_000_000, "milliseconds"),
        15..=17 => (1_000, "microseconds"),
        _ => (1, "nanoseconds"),
    };
    let whole: i128 = whole
        .parse()
        .map_err(|_| format!("epoch value {text:?} is out of range"))?;
    let fraction_nanos = fraction_to_units(fraction, scale);
    let nanos = whole
        .checked_mul(scale)
        .and_then(|n| n.checked_add(fraction_nanos))
        .ok_or_else(|| format!("epoch value {text:?} is out of range"))?;
    let seconds = i64::try_from(nanos.div_euclid(1_000_000_000))
        .map_err(|_| format!("epoch value {text:?} is out of range"))?;
    let subsec = nanos.rem_euclid(1_000_000_000) as u32;
    let dt = DateTime::from_timestamp(seconds, subsec)
        .ok_or_else(|| format!("epoch value {text:?} is out of range"))?;
    Ok(Parsed {
        utc: dt.naive_utc(),
        note: Some(format!("epoch {unit}")),
    })
}

/// Converts the digits after the point of an epoch value in `scale` nanoseconds per unit.
fn fraction_to_units(fraction: &str, scale: i128) -> i128 {
    let digits: String = fraction.chars().take(9).collect();
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
    fn garbage_is_rejected() {
        assert!(parse("Oct 2, 2019 11:12:29 PM").is_err());
        assert!(parse("").is_err());
        assert!(parse("99999999999999999999999999999999999999999").is_err());
    }
}

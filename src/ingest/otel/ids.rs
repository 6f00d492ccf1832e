//! Trace and span ids in the spellings exporters use, normalised to lower-case hex.
//!
//! OTLP/JSON writes ids as hex, but exporters built on a generic protobuf JSON printer
//! write the `bytes` fields as base64, the Python SDK's span JSON writes `0x`-prefixed hex,
//! and some frameworks dump the integer value. The lengths never overlap: a trace id is 32
//! hex digits or 24 base64 characters, a span id 16 or 12.

use serde_json::value::RawValue;

/// Bytes in a trace id.
pub const TRACE: usize = 16;
/// Bytes in a span id.
pub const SPAN: usize = 8;

/// Normalises an id given as text. Returns `Ok(None)` for an absent id: empty, or all
/// zeros, which OTLP uses for "no parent". Text that is not an id of `bytes` bytes in hex,
/// `0x` hex or base64 is an error, because OTLP requires trace ids of 16 bytes and span ids
/// of 8. The one other length accepted is a 64-bit trace id (16 hex digits, as B3 and
/// Zipkin write it), padded with leading zeros as OpenTelemetry's B3 propagator does.
pub fn from_text(text: &str, bytes: usize) -> Result<Option<String>, String> {
    let text = text.trim();
    let prefixed = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
    let hex = prefixed.unwrap_or(text);
    let is_hex = !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    let id = if text.is_empty() {
        return Ok(None);
    } else if is_hex
        && (hex.len() == bytes * 2
            || (prefixed.is_some() && hex.len() <= bytes * 2)
            || (bytes == TRACE && hex.len() == SPAN * 2))
    {
        // `0x`-prefixed values may drop leading zeros.
        format!("{:0>width$}", hex.to_ascii_lowercase(), width = bytes * 2)
    } else if let Some(decoded) = crate::ingest::base64::decode(text).filter(|d| d.len() == bytes) {
        hex::encode(decoded)
    } else {
        return Err(format!(
            "`{}` is not an id of {bytes} bytes in hex or base64",
            shorten(text)
        ));
    };
    Ok((!id.bytes().all(|b| b == b'0')).then_some(id))
}

/// Normalises an id from its raw JSON: a string as in [`from_text`], or an unsigned integer
/// as some SDK span dumps write it (a trace id does not fit in 64 bits, so the text is read
/// directly rather than through a JSON number). `null` and zero are absent ids.
pub fn from_raw(raw: &RawValue, bytes: usize) -> Result<Option<String>, String> {
    let text = raw.get().trim();
    if text.starts_with('"') {
        let value: String = serde_json::from_str(text).map_err(|err| err.to_string())?;
        return from_text(&value, bytes);
    }
    if text == "null" {
        return Ok(None);
    }
    let Ok(number) = text.parse::<u128>() else {
        return Err(format!(
            "`{}` is neither text nor an unsigned integer",
            shorten(text)
        ));
    };
    if bytes < 16 && number >> (bytes * 8) != 0 {
        return Err(format!("{number} does not fit in {bytes} bytes"));
    }
    Ok((number != 0).then(|| format!("{number:0width$x}", width = bytes * 2)))
}

/// Lists every lower-case hex id that `text` could be a spelling of: hex, `0x` hex or
/// base64 of a trace or span id, or a decimal integer. A search by an id copied from a file
/// uses them to find the normalised id that import stored.
pub fn normalised_forms(text: &str) -> Vec<String> {
    let text = text.trim();
    let mut found: Vec<String> = [TRACE, SPAN]
        .into_iter()
        .filter_map(|bytes| from_text(text, bytes).ok().flatten())
        .collect();
    if let Ok(number) = text.parse::<u128>()
        && number != 0
    {
        found.push(format!("{number:032x}"));
        if number >> 64 == 0 {
            found.push(format!("{number:016x}"));
        }
    }
    found.dedup();
    found
}

/// Shortens an id to its first 40 characters for a message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_case_hex_is_lowered() {
        assert_eq!(
            from_text("5B8EFFF798038103D269B633813FC60C", TRACE)
                .unwrap()
                .as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
    }

    #[test]
    fn base64_ids_become_hex() {
        // 0x5b8efff798038103d269b633813fc60c and 0xeee19b7ec3c1b174 in base64.
        assert_eq!(
            from_text("W47/95gDgQPSabYzgT/GDA==", TRACE)
                .unwrap()
                .as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
        assert_eq!(
            from_text("7uGbfsPBsXQ=", SPAN).unwrap().as_deref(),
            Some("eee19b7ec3c1b174")
        );
    }

    #[test]
    fn zero_and_empty_ids_are_absent() {
        assert_eq!(from_text("", SPAN), Ok(None));
        assert_eq!(from_text("0000000000000000", SPAN), Ok(None));
    }

    #[test]
    fn prefixed_hex_is_padded() {
        assert_eq!(
            from_text("0x1f", SPAN).unwrap().as_deref(),
            Some("000000000000001f")
        );
    }

    #[test]
    fn integers_beyond_64_bits() {
        let raw: Box<RawValue> =
            serde_json::from_str("100927429609276267646756448943279827607").unwrap();
        assert_eq!(
            from_raw(&raw, TRACE).unwrap().as_deref(),
            Some("4bedea77bb33b9c5f280371eae21ea97")
        );
        let span: Box<RawValue> = serde_json::from_str("12324293800750531911").unwrap();
        assert_eq!(
            from_raw(&span, SPAN).unwrap().as_deref(),
            Some("ab08afea3548c547")
        );
    }

    #[test]
    fn small_integers_become_hex() {
        let raw: Box<RawValue> = serde_json::from_str("12345").unwrap();
        assert_eq!(
            from_raw(&raw, TRACE).unwrap().as_deref(),
            Some("00000000000000000000000000003039")
        );
    }

    #[test]
    fn malformed_text_ids_rejected() {
        let long = "7f3a9c2e4b1d4e8fa0c6b5d2e1f09a31ff";
        let bad_hex = "zz3a9c2e4b1d4e8fa0c6b5d2e1f09a31";
        let accented = "7f3a9c2e4b1d4e8fa0c6b5d2e1f09aé";
        for text in ["abc", long, bad_hex, accented, "-5"] {
            assert!(from_text(text, TRACE).is_err(), "{text}");
        }
        assert!(from_text("xyz", SPAN).is_err());
        assert!(from_text("0x123456789abcdef01", SPAN).is_err());
    }

    #[test]
    fn malformed_raw_ids_rejected() {
        for text in ["-5", "2.5", "[1]", "true", "18446744073709551616"] {
            let raw: Box<RawValue> = serde_json::from_str(text).unwrap();
            assert!(from_raw(&raw, SPAN).is_err(), "{text}");
        }
    }

    #[test]
    fn b3_trace_id_is_padded() {
        assert_eq!(
            from_text("463ac35c9f6413ad", TRACE).unwrap().as_deref(),
            Some("0000000000000000463ac35c9f6413ad")
        );
    }

    #[test]
    fn forms_cover_file_spellings() {
        let trace = "4bedea77bb33b9c5f280371eae21ea97".to_string();
        assert!(normalised_forms("4BEDEA77BB33B9C5F280371EAE21EA97").contains(&trace));
        assert!(normalised_forms("100927429609276267646756448943279827607").contains(&trace));
        let base64 = normalised_forms("W47/95gDgQPSabYzgT/GDA==");
        assert!(base64.contains(&"5b8efff798038103d269b633813fc60c".to_string()));
    }
}

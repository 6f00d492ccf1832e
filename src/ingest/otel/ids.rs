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

/// Normalises an id given as text. Returns `None` for an absent id: empty, or all zeros,
/// which OTLP uses for "no parent".
pub fn from_text(text: &str, bytes: usize) -> Option<String> {
    let text = text.trim();
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    let is_hex = !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    let id = if is_hex && (hex.len() == bytes * 2 || hex.len() != text.len()) {
        // `0x`-prefixed values may drop leading zeros.
        format!("{:0>width$}", hex.to_ascii_lowercase(), width = bytes * 2)
    } else if let Some(decoded) = base64(text).filter(|d| d.len() == bytes) {
        hex::encode(decoded)
    } else if is_hex {
        // Another length, such as a 64-bit trace id from Zipkin: kept as it is.
        hex.to_ascii_lowercase()
    } else {
        return None;
    };
    (!id.bytes().all(|b| b == b'0')).then_some(id)
}

/// Normalises an id from its raw JSON: a string as in [`from_text`], or an unsigned integer
/// as some SDK span dumps write it (a trace id does not fit in 64 bits, so the text is read
/// directly rather than through a JSON number).
pub fn from_raw(raw: &RawValue, bytes: usize) -> Option<String> {
    let text = raw.get().trim();
    if text.starts_with('"') {
        let value: String = serde_json::from_str(text).ok()?;
        return from_text(&value, bytes);
    }
    let number: u128 = text.parse().ok()?;
    if number == 0 || (bytes < 16 && number >> (bytes * 8) != 0) {
        return None;
    }
    Some(format!("{number:0width$x}", width = bytes * 2))
}

/// Decodes standard or URL-safe base64, padded or not.
fn base64(text: &str) -> Option<Vec<u8>> {
    let digits = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in digits.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_case_hex_is_lowered() {
        assert_eq!(
            from_text("5B8EFFF798038103D269B633813FC60C", TRACE).as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
    }

    #[test]
    fn base64_ids_become_hex() {
        // 0x5b8efff798038103d269b633813fc60c and 0xeee19b7ec3c1b174 in base64.
        assert_eq!(
            from_text("W47/95gDgQPSabYzgT/GDA==", TRACE).as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
        assert_eq!(
            from_text("7uGbfsPBsXQ=", SPAN).as_deref(),
            Some("eee19b7ec3c1b174")
        );
    }

    #[test]
    fn zero_and_empty_ids_are_absent() {
        assert_eq!(from_text("", SPAN), None);
        assert_eq!(from_text("0000000000000000", SPAN), None);
    }

    #[test]
    fn prefixed_hex_is_padded() {
        assert_eq!(from_text("0x1f", SPAN).as_deref(), Some("000000000000001f"));
    }

    #[test]
    fn integers_beyond_64_bits() {
        let raw: Box<RawValue> =
            serde_json::from_str("100927429609276267646756448943279827607").unwrap();
        assert_eq!(
            from_raw(&raw, TRACE).as_deref(),
            Some("4bedea77bb33b9c5f280371eae21ea97")
        );
        let span: Box<RawValue> = serde_json::from_str("12324293800750531911").unwrap();
        assert_eq!(from_raw(&span, SPAN).as_deref(), Some("ab08afea3548c547"));
    }
}

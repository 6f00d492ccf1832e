//! The validity period and subject of an X.509 certificate (RFC 5280), read from the
//! base64 DER value that SCIM's `x509Certificates` carry.
//!
//! Only the path to `tbsCertificate.validity` and `tbsCertificate.subject` is walked, with
//! every length checked against the bytes left, so malformed input returns an error and
//! never panics. Signatures are not verified: the point is to see when a credential
//! expires, not to trust it.

use chrono::{NaiveDate, NaiveDateTime};

/// The validity period and subject read from one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub not_before: NaiveDateTime,
    pub not_after: NaiveDateTime,
    /// The subject's attributes as `CN=..., O=...`, in the order the certificate lists
    /// them, limited to the common attribute types; None when it has none of them.
    pub subject: Option<String>,
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
/// The `[0] EXPLICIT Version` tag that precedes the serial number in v2 and v3 certificates.
const VERSION_TAG: u8 = 0xa0;

/// Reads a certificate from its base64 text (PEM armour and whitespace allowed).
pub fn parse_base64(text: &str) -> Result<CertificateInfo, String> {
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .flat_map(|line| line.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = crate::ingest::base64::decode(&body).ok_or("the value is not base64")?;
    parse_der(&der)
}

/// Reads a certificate from its DER bytes.
pub fn parse_der(der: &[u8]) -> Result<CertificateInfo, String> {
    let mut outer = Reader::new(der);
    let certificate = outer.expect(SEQUENCE, "Certificate")?;
    let tbs = Reader::new(certificate).expect(SEQUENCE, "tbsCertificate")?;
    let mut fields = Reader::new(tbs);
    if fields.peek() == Some(VERSION_TAG) {
        fields.next_element()?;
    }
    fields.next_element()?; // serialNumber
    fields.expect(SEQUENCE, "signature algorithm")?;
    fields.expect(SEQUENCE, "issuer")?;
    let mut validity = Reader::new(fields.expect(SEQUENCE, "validity")?);
    let not_before = read_time(&mut validity)?;
    let not_after = read_time(&mut validity)?;
    let subject = fields.expect(SEQUENCE, "subject")?;
    Ok(CertificateInfo {
        not_before,
        not_after,
        subject: read_name(subject)?,
    })
}

/// A cursor over DER elements.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.first().copied()
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Returns the next element's tag and content and moves past it.
    fn next_element(&mut self) -> Result<(u8, &'a [u8]), String> {
        let (&tag, rest) = self.bytes.split_first().ok_or("the DER ends early")?;
        let (&first, rest) = rest.split_first().ok_or("the DER ends inside a length")?;
        let (length, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            // Long form: the low bits give how many length bytes follow. Four are enough
            // for any certificate, and the indefinite form (0x80) is not valid DER.
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return Err("the DER has an invalid length".into());
            }
            let length = rest[..count]
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            (length, &rest[count..])
        };
        if rest.len() < length {
            return Err("a DER element is longer than the bytes left".into());
        }
        let (content, rest) = rest.split_at(length);
        self.bytes = rest;
        Ok((tag, content))
    }

    fn expect(&mut self, tag: u8, what: &str) -> Result<&'a [u8], String> {
        match self.next_element()? {
            (found, content) if found == tag => Ok(content),
            (found, _) => Err(format!(
                "expected the {what} (tag 0x{tag:02x}), found tag 0x{found:02x}"
            )),
        }
    }
}

fn read_time(reader: &mut Reader<'_>) -> Result<NaiveDateTime, String> {
    let (tag, content) = reader.next_element()?;
    let text = std::str::from_utf8(content).map_err(|_| "a validity time is not ASCII")?;
    let digits = text
        .strip_suffix('Z')
        .ok_or_else(|| format!("the validity time {text:?} is not in UTC"))?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the validity time {text:?} is malformed"));
    }
    let full = match (tag, digits.len()) {
        // RFC 5280 section 4.1.2.5.1: two-digit years 50-99 are 19xx, 00-49 are 20xx.
        (UTC_TIME, 12) => {
            let century = if digits[..2] >= *"50" { "19" } else { "20" };
            format!("{century}{digits}")
        }
        (GENERALIZED_TIME, 14) => digits.to_string(),
        _ => return Err(format!("the validity time {text:?} is malformed")),
    };
    let number = |range: std::ops::Range<usize>| full[range].parse::<u32>().unwrap_or(u32::MAX);
    NaiveDate::from_ymd_opt(number(0..4) as i32, number(4..6), number(6..8))
        .and_then(|date| date.and_hms_opt(number(8..10), number(10..12), number(12..14)))
        .ok_or_else(|| format!("the validity time {text:?} is not a real date"))
}

/// Attribute types shown in a subject, by their OID content bytes (2.5.4.x).
const NAME_ATTRIBUTES: [(&[u8], &str); 6] = [
    (&[0x55, 0x04, 0x03], "CN"),
    (&[0x55, 0x04, 0x0a], "O"),
    (&[0x55, 0x04, 0x0b], "OU"),
    (&[0x55, 0x04, 0x06], "C"),
    (&[0x55, 0x04, 0x07], "L"),
    (&[0x55, 0x04, 0x08], "ST"),
];

/// Renders a Name (a sequence of sets of type-value pairs) with the attributes above.
fn read_name(name: &[u8]) -> Result<Option<String>, String> {
    let mut parts = Vec::new();
    let mut sets = Reader::new(name);
    while !sets.is_empty() {
        let mut pairs = Reader::new(sets.expect(SET, "subject attribute set")?);
        while !pairs.is_empty() {
            let mut pair = Reader::new(pairs.expect(SEQUENCE, "subject attribute")?);
            let oid = pair.expect(OID, "attribute type")?;
            let (_, value) = pair.next_element()?;
            if let Some((_, label)) = NAME_ATTRIBUTES.iter().find(|(o, _)| *o == oid) {
                parts.push(format!("{label}={}", String::from_utf8_lossy(value)));
            }
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wraps `content` in a DER element with `tag`.
    fn element(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        if content.len() < 0x80 {
            out.push(content.len() as u8);
        } else {
            out.extend([0x82, (content.len() >> 8) as u8, content.len() as u8]);
        }
        out.extend_from_slice(content);
        out
    }

    fn certificate(not_before: &[u8], not_after: &[u8]) -> Vec<u8> {
        let common_name = [
            element(OID, &[0x55, 0x04, 0x03]),
            element(0x0c, b"svc-build.example.com"),
        ]
        .concat();
        let subject = element(SET, &element(SEQUENCE, &common_name));
        let tbs = [
            element(VERSION_TAG, &element(0x02, &[2])),
            element(0x02, &[0x01, 0x23]),
            element(SEQUENCE, &element(OID, &[0x2a, 0x86, 0x48])),
            element(SEQUENCE, &[]),
            element(SEQUENCE, &[not_before, not_after].concat()),
            element(SEQUENCE, &subject),
        ]
        .concat();
        element(SEQUENCE, &element(SEQUENCE, &tbs))
    }

    #[test]
    fn validity_and_subject_read() {
        let der = certificate(
            &element(UTC_TIME, b"250101000000Z"),
            &element(GENERALIZED_TIME, b"20270630120000Z"),
        );
        let info = parse_der(&der).unwrap();
        assert_eq!(info.not_before.to_string(), "2025-01-01 00:00:00");
        assert_eq!(info.not_after.to_string(), "2027-06-30 12:00:00");
        assert_eq!(info.subject.as_deref(), Some("CN=svc-build.example.com"));
    }

    #[test]
    fn utc_time_before_1950_rule() {
        let der = certificate(
            &element(UTC_TIME, b"990101000000Z"),
            &element(UTC_TIME, b"490101000000Z"),
        );
        let info = parse_der(&der).unwrap();
        assert_eq!(info.not_before.to_string(), "1999-01-01 00:00:00");
        assert_eq!(info.not_after.to_string(), "2049-01-01 00:00:00");
    }

    #[test]
    fn truncated_der_is_an_error() {
        let der = certificate(
            &element(UTC_TIME, b"250101000000Z"),
            &element(UTC_TIME, b"270101000000Z"),
        );
        for end in 0..der.len() {
            assert!(parse_der(&der[..end]).is_err(), "prefix of {end} bytes");
        }
    }

    #[test]
    fn impossible_date_is_an_error() {
        let der = certificate(
            &element(UTC_TIME, b"250101000000Z"),
            &element(UTC_TIME, b"271399000000Z"),
        );
        assert!(parse_der(&der).unwrap_err().contains("not a real date"));
    }

    #[test]
    fn non_base64_is_an_error() {
        assert!(parse_base64("not base64!").is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut seed = 0x2545_f491u32;
        for _ in 0..2000 {
            let len = (seed % 64) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    (seed & 0xff) as u8
                })
                .collect();
            let _ = parse_der(&bytes);
        }
    }
}

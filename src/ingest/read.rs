//! Reading an evidence file into text: hashing, gzip, byte order marks and encodings.
//! Parquet files are binary and are only hashed here; DuckDB reads them.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// A file's bytes as they are on disk, hashed, and its decoded text.
pub struct LoadedFile {
    pub sha256: String,
    pub bytes: u64,
    /// Empty for a Parquet file.
    pub text: String,
    pub gzip: bool,
    pub parquet: bool,
}

/// The magic number at the start (and end) of every Parquet file.
const PARQUET_MAGIC: &[u8] = b"PAR1";

/// The most a gzip file may expand to, relative to its compressed size, before it is
/// rejected as a decompression bomb. Real audit logs compress about 10 to 30 times.
const MAX_GZIP_RATIO: u64 = 200;

/// Reads `path`, hashes its bytes, and decodes them to UTF-8 text.
pub fn load(path: &Path) -> Result<LoadedFile> {
    let raw = std::fs::read(path).map_err(|err| Error::io(path, err))?;
    from_bytes(path, raw)
}

/// Hashes and decodes the bytes of a file already read; `path` only names it in errors.
pub fn from_bytes(path: &Path, raw: Vec<u8>) -> Result<LoadedFile> {
    let sha256 = hex::encode(Sha256::digest(&raw));
    let bytes = raw.len() as u64;
    if raw.starts_with(PARQUET_MAGIC) {
        return Ok(LoadedFile {
            sha256,
            bytes,
            text: String::new(),
            gzip: false,
            parquet: true,
        });
    }
    let gzip = raw.starts_with(&[0x1f, 0x8b]);
    let decoded = if gzip { gunzip(path, &raw)? } else { raw };
    let text = decode_text(path, decoded)?;
    Ok(LoadedFile {
        sha256,
        bytes,
        text,
        gzip,
        parquet: false,
    })
}

fn gunzip(path: &Path, raw: &[u8]) -> Result<Vec<u8>> {
    let limit = (raw.len() as u64)
        .saturating_mul(MAX_GZIP_RATIO)
        .max(1 << 20);
    let mut out = Vec::new();
    let mut decoder = flate2::read::MultiGzDecoder::new(raw).take(limit + 1);
    decoder
        .read_to_end(&mut out)
        .map_err(|err| Error::invalid_file(path, format!("invalid gzip data: {err}")))?;
    if out.len() as u64 > limit {
        return Err(Error::invalid_file(
            path,
            format!(
                "gzip data expands more than {MAX_GZIP_RATIO} times its size; refusing a likely decompression bomb"
            ),
        ));
    }
    Ok(out)
}

/// Decodes UTF-8 with or without a byte order mark; UTF-16 is converted.
fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return utf8(path, rest.to_vec());
    }
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return utf16(path, rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return utf16(path, rest, u16::from_be_bytes);
    }
    utf8(path, bytes)
}

fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        Error::invalid_file(
            path,
            format!(
                "invalid UTF-8 at byte {offset}; convert the file to UTF-8 and import it again"
            ),
        )
    })
}

fn utf16(path: &Path, bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(Error::invalid_file(
            path,
            "UTF-16 text with an odd number of bytes",
        ));
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| unit([pair[0], pair[1]]))
        .collect();
    String::from_utf16(&units)
        .map_err(|_| Error::invalid_file(path, "invalid UTF-16 text (unpaired surrogate)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Result<String> {
        decode_text(Path::new("t.json"), bytes.to_vec())
    }

    #[test]
    fn strips_utf8_bom() {
        assert_eq!(decode(b"\xef\xbb\xbf[1]").unwrap(), "[1]");
    }

    #[test]
    fn converts_utf16_le() {
        let bytes: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("[1]".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&bytes).unwrap(), "[1]");
    }

    #[test]
    fn invalid_utf8_names_offset() {
        let err = decode(b"[\"a\xff\"]").unwrap_err().to_string();
        assert!(err.contains("byte 3"), "{err}");
    }

    #[test]
    fn gzip_bomb_is_rejected() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b' '; 8 << 20]).unwrap();
        let compressed = encoder.finish().unwrap();
        let err = gunzip(Path::new("bomb.gz"), &compressed)
            .unwrap_err()
            .to_string();
        assert!(err.contains("decompression bomb"), "{err}");
    }
}

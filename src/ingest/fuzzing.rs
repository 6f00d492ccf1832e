//! Entry points for the fuzz targets in `fuzz/`.
//!
//! Each function calls the code that `import` runs on the same input, so a crash found
//! through them is a crash of the importer. Nothing here needs the case store.

use std::path::Path;

use serde_json::Value;

use super::generic::Mapping;
use super::{container, detect, formats, generic, otel, read, scim};
use crate::model::SourceFormat;

pub use super::container::{BadRecord, RawRecord, Split};
pub use super::event::MappedEvent;
pub use super::read::LoadedFile;
pub use super::scim::{Item as ScimItem, Parsed as ScimParsed};

/// Hashes and decodes a file's bytes as `import` reads them from disk: gzip within its
/// expansion limit, a UTF-8 byte order mark, or UTF-16 with its byte order mark.
pub fn decode(bytes: &[u8]) -> crate::Result<LoadedFile> {
    read::from_bytes(Path::new("fuzz-input"), bytes.to_vec())
}

/// Splits decoded text into records, opening envelopes; see [`Split`].
pub fn split(text: &str) -> Result<Split<'_>, String> {
    container::split(text)
}

/// Detects the format of a split file from its first records.
pub fn detect(split: &Split<'_>) -> Result<SourceFormat, String> {
    detect::detect(split)
}

/// Reads one SCIM record into resources.
pub fn parse_scim(record: &Value) -> Result<ScimParsed, String> {
    scim::parse(record)
}

/// Maps one record with the mapper of every audit format in [`SourceFormat::ALL`], so
/// that a format added there is fuzzed without changing the targets.
pub fn map_all(record: &Value) -> Vec<(SourceFormat, Result<MappedEvent, String>)> {
    SourceFormat::ALL
        .into_iter()
        .filter_map(|format| Some((format, formats::mapper(format)?(record))))
        .collect()
}

/// Reads a split file as OpenTelemetry spans, as `import` does for the `otel` format, and
/// returns how many records it produced and how many of them mapped to events.
pub fn read_otel(split: &Split<'_>) -> (usize, usize) {
    let records = otel::read(split, &mut |_, _| {});
    let mapped = records.iter().filter(|r| r.result.is_ok()).count();
    (records.len(), mapped)
}

/// Reads text as CSV through a mapping, as `import --mapping` does for a file that is not
/// JSON, and returns how many records it produced.
pub fn read_csv(text: &str, mapping: &Mapping) -> Result<usize, String> {
    generic::read_csv(text, mapping, &mut |_, _| {}).map(|records| records.len())
}

/// Parses a mapping file's text, as `import --mapping` does.
pub fn parse_mapping(text: &str) -> Result<Mapping, String> {
    Mapping::parse(text)
}

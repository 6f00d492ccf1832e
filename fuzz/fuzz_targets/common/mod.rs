//! Turning fuzz input into records the way the importer does: the text split into records
//! with envelopes opened, each record parsed as JSON.

use scimtrail::ingest::fuzzing;
use serde_json::Value;

/// The records of `data` as the importer sees them. Input that does not split into records
/// (a bare string or number, or broken JSON) is tried as one JSON value, so the parsers
/// also get values that no file would hold.
pub fn records(data: &[u8]) -> Vec<Value> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Vec::new();
    };
    match fuzzing::split(text) {
        Ok(split) => split
            .records
            .iter()
            .filter_map(|record| serde_json::from_str(record.text).ok())
            .collect(),
        Err(_) => serde_json::from_str(text).into_iter().collect(),
    }
}

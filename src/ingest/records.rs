//! A file's records, each mapped to an event or rejected, in file order: the common shape
//! that every audit reader hands to the import.

use std::borrow::Cow;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::container::Split;
use super::event::MappedEvent;
use super::formats::{Mapper, Skip};

/// One record of a file and what mapping it gave.
#[derive(Debug)]
pub struct MappedRecord<'a> {
    /// 1-based position among the file's records: a line of NDJSON, an element of an
    /// array, an OpenTelemetry span, a CSV data row.
    pub pos: i64,
    /// 1-based line on which the record starts.
    pub line: usize,
    /// The record as the case keeps it in `events.raw` or `quarantine.raw`. It is owned when
    /// the reader composed it, as for a span with its resource or a CSV row as JSON.
    pub text: Cow<'a, str>,
    pub result: Result<Event, String>,
}

/// A mapped record: the event, with what import needs of the parsed JSON taken when the
/// record is mapped, so that a file's parsed records are not all held at once.
#[derive(Debug)]
pub struct Event {
    /// SHA-256 of the record's content ([`content_sha256`]): the record itself, or
    /// the inner record when the mapper unwrapped one.
    pub content_sha256: String,
    /// The reason the record is not an event (a CloudTrail digest, say), from its format's
    /// test.
    pub skip: Option<&'static str>,
    pub mapped: MappedEvent,
}

/// Computes the SHA-256 of a record with its object keys sorted and white space removed, so
/// the same event exported twice with other formatting hashes the same.
pub fn content_sha256(value: &Value) -> String {
    // serde_json's default map is ordered by key, so this serialisation is canonical.
    hex::encode(Sha256::digest(value.to_string().as_bytes()))
}

impl Event {
    pub fn new(value: &Value, mut mapped: MappedEvent, skip: Option<Skip>) -> Event {
        let content = mapped.content.take();
        Event {
            content_sha256: content_sha256(content.as_ref().unwrap_or(value)),
            skip: skip.and_then(|skip| skip(value)),
            mapped,
        }
    }
}

impl<'a> MappedRecord<'a> {
    pub fn rejected(pos: i64, line: usize, text: impl Into<Cow<'a, str>>, reason: String) -> Self {
        MappedRecord {
            pos,
            line,
            text: text.into(),
            result: Err(reason),
        }
    }
}

/// How often readers report progress, in records.
pub const PROGRESS_EVERY: usize = 1024;

/// Receives the records mapped so far and the share of the file they make up.
pub type Progress<'p> = &'p mut dyn FnMut(u64, f64);

/// Maps every record of a split file with a per-record mapper, testing each with the
/// format's `skip`. Records that were not JSON keep their positions and are returned as
/// rejected.
pub fn map_each<'a>(
    split: &Split<'a>,
    map: Mapper,
    skip: Option<Skip>,
    progress: Progress<'_>,
) -> Vec<MappedRecord<'a>> {
    map_each_with(split, map, skip, progress)
}

/// Like [`map_each`], with a mapper that carries state (an analyst's mapping file).
pub fn map_each_with<'a>(
    split: &Split<'a>,
    map: impl Fn(&Value) -> Result<MappedEvent, String>,
    skip: Option<Skip>,
    progress: Progress<'_>,
) -> Vec<MappedRecord<'a>> {
    let total = split.records.len().max(1);
    let mut out: Vec<MappedRecord<'a>> = split
        .records
        .iter()
        .enumerate()
        .map(|(index, record)| {
            if index % PROGRESS_EVERY == 0 {
                progress(index as u64, index as f64 / total as f64);
            }
            let result = serde_json::from_str::<Value>(record.text)
                .map_err(|err| format!("invalid JSON: {err}"))
                .and_then(|value| map(&value).map(|mapped| Event::new(&value, mapped, skip)));
            MappedRecord {
                pos: record.pos,
                line: record.line,
                text: Cow::Borrowed(record.text),
                result,
            }
        })
        .collect();
    out.extend(split.bad.iter().map(|bad| {
        MappedRecord::rejected(bad.pos, bad.line, bad.text.clone(), bad.reason.clone())
    }));
    out.sort_by_key(|record| record.pos);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::container::split;

    #[test]
    fn bad_lines_keep_their_position() {
        let split = split("{\"a\":1}\n{\"a\":\n{\"a\":3}\n").unwrap();
        let mapped = map_each_with(&split, |_| Ok(MappedEvent::default()), None, &mut |_, _| {});
        let positions: Vec<i64> = mapped.iter().map(|r| r.pos).collect();
        assert_eq!(positions, vec![1, 2, 3]);
        assert!(mapped[1].result.is_err());
        assert!(mapped[2].result.is_ok());
    }
}

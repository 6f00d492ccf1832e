//! Splitting a file's text into records, whatever container holds them: a JSON array,
//! NDJSON or concatenated objects, or an envelope such as a Graph page (`value`), an
//! Azure diagnostic export (`records`), a Kubernetes audit `EventList` (`items`), a
//! CloudTrail log file (`Records`), a CloudTrail lookup-events page (`Events`), a Cloud
//! Logging entries page (`entries`) or a SCIM
//! ListResponse (`Resources`).

use serde_json::value::RawValue;

/// One record: its exact source text and where it stands in the file.
#[derive(Debug, Clone, Copy)]
pub struct RawRecord<'a> {
    /// 1-based position among the file's records, after envelopes are opened.
    pub pos: i64,
    /// 1-based line on which the record starts.
    pub line: usize,
    pub text: &'a str,
}

/// A record that could not be read as JSON, kept for quarantine.
#[derive(Debug, Clone)]
pub struct BadRecord {
    pub pos: i64,
    pub line: usize,
    pub reason: String,
    pub text: String,
}

#[derive(Debug)]
pub struct Split<'a> {
    /// How the records were held, e.g. `array`, `ndjson`, `array/Resources`.
    pub container: String,
    /// Envelope keys that were opened, e.g. `Resources`, `value`.
    pub envelopes: Vec<String>,
    pub records: Vec<RawRecord<'a>>,
    pub bad: Vec<BadRecord>,
    /// Each SCIM ListResponse envelope that was opened, so that its `totalResults` can
    /// be checked against the records it held.
    pub list_pages: Vec<ListEnvelope>,
}

/// A SCIM ListResponse envelope: the `totalResults` it claims and the index range of its
/// records in [`Split::records`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEnvelope {
    pub total_results: Option<i64>,
    pub records: std::ops::Range<usize>,
}

/// Splits `text` into records. Fails only when the file as a whole is not JSON;
/// a bad line in an NDJSON file becomes a [`BadRecord`] instead.
pub fn split(text: &str) -> Result<Split<'_>, String> {
    let body = text.trim_start();
    let top = match body.chars().next() {
        None => return Err("the file is empty".into()),
        Some('[') => match parse_array(text) {
            Ok(values) => Top::Array(values),
            // Several arrays one after another, one page per line.
            Err(array_error) => match parse_stream(text) {
                Ok(Top::Stream(entries)) if entries.len() > 1 => Top::Stream(entries),
                _ => return Err(array_error),
            },
        },
        Some('{') => parse_stream(text)?,
        Some(other) => {
            return Err(format!(
                "expected JSON (an array, an object or NDJSON) but the file starts with {other:?}"
            ));
        }
    };
    let (container, entries) = match top {
        Top::Array(values) => ("array", values.into_iter().map(Entry::Good).collect()),
        Top::Stream(entries) if entries.len() == 1 => ("object", entries),
        Top::Stream(entries) => ("ndjson", entries),
    };
    let mut split = Split {
        container: container.to_string(),
        envelopes: Vec::new(),
        records: Vec::new(),
        bad: Vec::new(),
        list_pages: Vec::new(),
    };
    let mut lines = LineCounter::new(text);
    for entry in entries {
        let value = match entry {
            Entry::Good(value) => value,
            Entry::Bad(mut record) => {
                record.pos = next_pos(&split);
                split.bad.push(record);
                continue;
            }
        };
        match open_envelope(value) {
            Some((key, inner)) => {
                let first = split.records.len();
                for item in inner {
                    push(&mut split, &mut lines, text, item);
                }
                if key.eq_ignore_ascii_case("Resources") {
                    split.list_pages.push(ListEnvelope {
                        total_results: total_results(value),
                        records: first..split.records.len(),
                    });
                }
                if !split.envelopes.contains(&key) {
                    split.envelopes.push(key);
                }
            }
            None => push(&mut split, &mut lines, text, value),
        }
    }
    if let Some(key) = split.envelopes.first() {
        split.container = format!("{}/{key}", split.container);
    }
    Ok(split)
}

enum Top<'a> {
    Array(Vec<&'a RawValue>),
    /// Top-level values and unreadable lines, in file order.
    Stream(Vec<Entry<'a>>),
}

enum Entry<'a> {
    Good(&'a RawValue),
    /// An unreadable line; its position is set when the records are numbered.
    Bad(BadRecord),
}

/// Returns the position of the next record, counting good and bad records alike.
fn next_pos(split: &Split<'_>) -> i64 {
    (split.records.len() + split.bad.len()) as i64 + 1
}

fn push<'a>(
    split: &mut Split<'a>,
    lines: &mut LineCounter<'a>,
    text: &'a str,
    value: &'a RawValue,
) {
    let line = lines.line_at(offset_in(text, value.get()));
    split.records.push(RawRecord {
        pos: next_pos(split),
        line,
        text: value.get(),
    });
}

fn parse_array(text: &str) -> Result<Vec<&RawValue>, String> {
    serde_json::from_str::<Vec<&RawValue>>(text).map_err(|err| describe(&err))
}

/// Reads one object, NDJSON, or objects concatenated with any white space between.
/// When the stream breaks, the rest is read line by line so that one bad NDJSON line is
/// quarantined instead of failing the file.
fn parse_stream(text: &str) -> Result<Top<'_>, String> {
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    loop {
        match stream.next() {
            None => return Ok(Top::Stream(values.into_iter().map(Entry::Good).collect())),
            Some(Ok(value)) => values.push(value),
            Some(Err(err)) => {
                let consumed = values
                    .last()
                    .map_or(0, |v: &&RawValue| offset_in(text, v.get()) + v.get().len());
                if !is_line_delimited(text) {
                    return Err(describe(&err));
                }
                return Ok(parse_lines(text, values, consumed));
            }
        }
    }
}

/// True when the first non-blank line is a whole JSON value, as in NDJSON; a pretty-printed
/// object opens with a line that is not.
fn is_line_delimited(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .is_some_and(|line| serde_json::from_str::<&RawValue>(line).is_ok())
}

/// Reads the text after the `consumed` bytes line by line, after the values read before
/// the stream broke. Where that offset falls inside a line, the rest of the line is read
/// on its own, so text after the last good value is never dropped unread.
fn parse_lines<'a>(text: &'a str, good: Vec<&'a RawValue>, consumed: usize) -> Top<'a> {
    let mut entries: Vec<Entry<'a>> = good.into_iter().map(Entry::Good).collect();
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        if offset <= consumed {
            continue;
        }
        let rest = line[consumed.saturating_sub(start)..].trim();
        if rest.is_empty() {
            continue;
        }
        entries.push(match serde_json::from_str::<&RawValue>(rest) {
            Ok(value) => Entry::Good(value),
            Err(err) => Entry::Bad(BadRecord {
                pos: 0,
                line: index + 1,
                reason: format!("invalid JSON: {err}"),
                text: rest.to_string(),
            }),
        });
    }
    Top::Stream(entries)
}

/// Opens a known envelope, returning its key and its records. Besides the envelope
/// objects, a nested array counts as one: paging scripts often save each page's array as
/// one element of an outer array or as one NDJSON line.
fn open_envelope(value: &RawValue) -> Option<(String, Vec<&RawValue>)> {
    let text = value.get();
    if text.starts_with('[') {
        let inner: Vec<&RawValue> = serde_json::from_str(text).ok()?;
        return Some(("pages".into(), inner));
    }
    if !text.starts_with('{') {
        return None;
    }
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).ok()?;
    let key = envelope_key(&object)?;
    let fields: std::collections::HashMap<String, &RawValue> = serde_json::from_str(text).ok()?;
    let inner: Vec<&RawValue> = serde_json::from_str(fields.get(&key)?.get()).ok()?;
    Some((key, inner))
}

fn envelope_key(object: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    let is_array = |key: &str| object.get(key).is_some_and(|v| v.is_array());
    // A Graph page: `value` plus only OData annotations.
    if is_array("value")
        && object
            .keys()
            .all(|k| k == "value" || k.starts_with("@odata."))
    {
        return Some("value".into());
    }
    // Azure diagnostic settings export (`records`) and CloudTrail log files (`Records`).
    for key in ["records", "Records"] {
        if is_array(key) && object.len() == 1 {
            return Some(key.into());
        }
    }
    // `aws cloudtrail lookup-events` output and Cloud Logging `entries.list` pages, with
    // the token of the next page when there is one.
    for (key, token) in [("Events", "NextToken"), ("entries", "nextPageToken")] {
        if is_array(key) && object.keys().all(|k| k == key || k == token) {
            return Some(key.into());
        }
    }
    // A Kubernetes audit webhook batch (`audit.k8s.io` EventList).
    if is_array("items") && object.get("kind").and_then(|k| k.as_str()) == Some("EventList") {
        return Some("items".into());
    }
    // SCIM ListResponse; attribute names are case-insensitive (RFC 7643 section 2.1).
    let resources = object
        .keys()
        .find(|k| k.eq_ignore_ascii_case("Resources"))?;
    let is_list = object.iter().any(|(k, v)| {
        (k.eq_ignore_ascii_case("schemas") && v.to_string().contains("ListResponse"))
            || k.eq_ignore_ascii_case("totalResults")
    });
    (is_array(resources) && is_list).then(|| resources.clone())
}

/// Returns the `totalResults` of a ListResponse object, its name compared without case.
fn total_results(value: &RawValue) -> Option<i64> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(value.get()).ok()?;
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("totalResults"))
        .and_then(|(_, v)| v.as_i64())
}

fn describe(err: &serde_json::Error) -> String {
    // serde_json's message ends with "at line L column C".
    format!("invalid JSON: {err}")
}

fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// Counts lines forward through the text, for records visited in file order.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: usize) -> usize {
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        let end = offset.min(self.text.len());
        self.line += self.text.as_bytes()[self.offset..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.offset = end;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_of_objects() {
        let split = split("[{\"a\":1},\n{\"a\":2}]").unwrap();
        assert_eq!(split.container, "array");
        assert_eq!(split.records.len(), 2);
        assert_eq!(split.records[1].line, 2);
        assert_eq!(split.records[1].text, "{\"a\":2}");
    }

    #[test]
    fn ndjson_with_bad_line_quarantines_it() {
        let split = split("{\"a\":1}\n{\"a\":\n{\"a\":3}\n").unwrap();
        assert_eq!(split.container, "ndjson");
        assert_eq!(split.records.len(), 2);
        assert_eq!(split.bad.len(), 1);
        assert_eq!(split.bad[0].line, 2);
        assert_eq!(split.bad[0].pos, 2);
        assert_eq!(split.records[1].pos, 3);
    }

    #[test]
    fn ndjson_positions_are_distinct() {
        let split = split("{}\n{\n{}\n").unwrap();
        let positions: Vec<i64> = split.records.iter().map(|r| r.pos).collect();
        assert_eq!(positions, vec![1, 3]);
        assert_eq!(split.bad[0].pos, 2);
    }

    #[test]
    fn broken_value_after_good_one_is_quarantined() {
        let split = split("{\"a\":1}\n{\"b\":2} {\"c\":\n{\"d\":4}\n").unwrap();
        assert_eq!(split.records.len(), 3);
        assert_eq!(split.bad.len(), 1);
        assert_eq!(split.bad[0].line, 2);
        assert_eq!(split.bad[0].text, "{\"c\":");
        assert_eq!(split.bad[0].pos, 3);
    }

    #[test]
    fn graph_page_is_opened() {
        let split = split("{\"@odata.context\":\"x\",\"value\":[{\"id\":1},{\"id\":2}]}").unwrap();
        assert_eq!(split.container, "object/value");
        assert_eq!(split.records.len(), 2);
    }

    #[test]
    fn list_response_pages_in_array() {
        let page = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2,"resources":[{"id":"1"},{"id":"2"}]}"#;
        let text = format!("[{page},{page}]");
        let split = split(&text).unwrap();
        assert_eq!(split.records.len(), 4);
        assert_eq!(split.envelopes, vec!["resources".to_string()]);
        let ranges: Vec<_> = split.list_pages.iter().map(|p| p.records.clone()).collect();
        assert_eq!(ranges, [0..2, 2..4]);
        assert!(split.list_pages.iter().all(|p| p.total_results == Some(2)));
    }

    #[test]
    fn arrays_of_pages_are_flattened() {
        let lines = split("[{\"a\":1}]\n[{\"a\":2},{\"a\":3}]\n").unwrap();
        assert_eq!(lines.container, "ndjson/pages");
        assert_eq!(lines.records.len(), 3);
        assert_eq!(lines.records[2].line, 2);
        let nested = split("[[{\"a\":1}],[{\"a\":2}]]").unwrap();
        assert_eq!(nested.container, "array/pages");
        assert_eq!(nested.records.len(), 2);
    }

    #[test]
    fn cloud_envelopes_are_opened() {
        for (text, container) in [
            (r#"{"Records":[{"a":1},{"a":2}]}"#, "object/Records"),
            (
                r#"{"Events":[{"a":1},{"a":2}],"NextToken":"t"}"#,
                "object/Events",
            ),
            (
                r#"{"entries":[{"a":1},{"a":2}],"nextPageToken":"t"}"#,
                "object/entries",
            ),
        ] {
            let split = split(text).unwrap();
            assert_eq!(split.container, container);
            assert_eq!(split.records.len(), 2, "{container}");
        }
    }

    #[test]
    fn events_beside_other_keys_stay_one_record() {
        let split = split(r#"{"Events":[{"a":1}],"eventTime":"x"}"#).unwrap();
        assert_eq!(split.container, "object");
        assert_eq!(split.records.len(), 1);
    }

    #[test]
    fn single_pretty_object() {
        let split = split("{\n  \"eventType\": \"x\"\n}\n").unwrap();
        assert_eq!(split.container, "object");
        assert_eq!(split.records.len(), 1);
    }

    #[test]
    fn truncated_array_fails_with_position() {
        let err = split("[{\"a\":1},\n{\"a\":").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn empty_file_fails() {
        assert_eq!(split("  \n").unwrap_err(), "the file is empty");
    }
}

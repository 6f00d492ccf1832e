//! The whole-file readers that do not map one record at a time: OpenTelemetry requests,
//! whose records hold many spans, and CSV read through a mapping file.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scimtrail::ingest::fuzzing;

/// A mapping that names a column for every field, so that CSV rows reach the mapper.
const MAPPING: &str = r#"
action = "action"
natural_key = "id"
session = "session"
json_fields = ["details"]

[time]
field = "time"

[actor]
id = "actor"

[outcome]
field = "result"
success = ["ok"]
denied = ["denied"]
"#;

fuzz_target!(|data: &[u8]| {
    static MAPPING_FILE: OnceLock<scimtrail::ingest::Mapping> = OnceLock::new();
    let mapping = MAPPING_FILE.get_or_init(|| fuzzing::parse_mapping(MAPPING).expect("valid mapping"));
    let Ok(loaded) = fuzzing::decode(data) else {
        return;
    };
    if let Ok(split) = fuzzing::split(&loaded.text) {
        let _ = fuzzing::read_otel(&split);
    }
    let _ = fuzzing::read_csv(&loaded.text, mapping);
});

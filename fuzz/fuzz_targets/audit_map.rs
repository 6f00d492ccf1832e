//! Audit records through the mapper of every audit format in `SourceFormat::ALL`, so a
//! format added there is fuzzed without editing this target.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use scimtrail::ingest::fuzzing;

fuzz_target!(|data: &[u8]| {
    for record in common::records(data) {
        for (format, result) in fuzzing::map_all(&record) {
            if let Ok(event) = result {
                // The importer rejects a mapped event without a time, so a mapper that
                // returns one has skipped its own timestamp check.
                assert!(
                    event.ts.is_some(),
                    "{} mapped a record without a time",
                    format.as_str()
                );
            }
        }
    }
});

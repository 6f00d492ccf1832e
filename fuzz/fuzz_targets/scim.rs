//! SCIM records through the SCIM parser, as `import` reads a snapshot file.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use scimtrail::ingest::fuzzing::{self, ScimItem};

fuzz_target!(|data: &[u8]| {
    for record in common::records(data) {
        let Ok(parsed) = fuzzing::parse_scim(&record) else {
            continue;
        };
        for item in parsed.items {
            if let ScimItem::Resource(resource) = item {
                assert!(
                    resource
                        .identity_key
                        .ends_with(&format!("/{}", resource.scim_id)),
                    "identity key {:?} does not end with the id",
                    resource.identity_key
                );
            }
        }
    }
});

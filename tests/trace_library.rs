//! The trace library entry points on one connection, as the TUI's worker and a benchmark
//! call them: the link index must follow events imported after the first trace.

#![cfg(feature = "store")]

mod common;

use scimtrail::case::Case;
use scimtrail::ingest::{self, ImportOptions};
use scimtrail::trace::{self, TraceOptions};

const ISSUED_KEY: &str = "ASIAXNWLRESEARCH0042";

/// The span id of the `fetch_dataset` tool call.
const TOOL_SPAN: &str = "a1b2c3d4e5f60003";

fn import(case: &Case, file: &str) {
    let path = common::fixtures().join("crossplane").join(file);
    ingest::import(case, &[path], &ImportOptions::default(), |_| {}).expect("import");
}

#[test]
fn index_follows_later_import() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let case = Case::open(&dir.path().join("case.duckdb")).expect("case opens");
    import(&case, "cloudtrail.json");
    let before = trace::trace(&case, ISSUED_KEY).expect("trace");
    assert_eq!(before.events.len(), 3, "the STS call and the two S3 calls");

    // A span id is only a link value, so only an index rebuilt after the import finds it.
    import(&case, "agent-spans.json");
    let after = trace::trace(&case, TOOL_SPAN).expect("trace");
    assert_eq!(
        after.events.len(),
        11,
        "the three calls and the agent's eight spans"
    );
}

#[test]
fn analyse_labels_links_exact() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let case = Case::open(&dir.path().join("case.duckdb")).expect("case opens");
    import(&case, "cloudtrail.json");
    let report = trace::analyse(&case, ISSUED_KEY, &TraceOptions::default()).expect("analyse");
    let credential_links = report
        .links
        .iter()
        .filter(|l| l.kind == "credential:access_key")
        .count();
    assert_eq!(credential_links, 2);
    assert!(
        report
            .links
            .iter()
            .all(|l| l.strength == trace::graph::Strength::Exact)
    );
    assert!(report.inferred_events.is_empty());
}

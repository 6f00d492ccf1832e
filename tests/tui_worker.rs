//! The database worker thread against the demo case: results come back as actions, and a
//! decision is in the case after shutdown.

#![cfg(feature = "store")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use scimtrail::case::Case;
use scimtrail::model::{Decision, NewDecision, Verdict};
use scimtrail::tui::Action;
use scimtrail::tui::worker::{Job, Worker};
use tempfile::TempDir;
use tokio::sync::mpsc::UnboundedReceiver;

use common::Workspace;

fn demo_case() -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new().expect("temporary directory");
    let path = dir.path().join("demo.duckdb");
    scimtrail::demo::build(&path).expect("demo case builds");
    (dir, path)
}

fn next_result(results: &mut UnboundedReceiver<Action>) -> Action {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    // The timeout's timer needs the runtime's context, so it is created inside block_on.
    let wait = async { tokio::time::timeout(Duration::from_secs(60), results.recv()).await };
    runtime
        .block_on(wait)
        .expect("the worker answers within 60 s")
        .expect("the worker is running")
}

#[test]
fn worker_runs_jobs_in_order() {
    let (_dir, path) = demo_case();
    let (results_tx, mut results) = tokio::sync::mpsc::unbounded_channel();
    let worker =
        Worker::spawn(Case::open(&path).expect("case opens"), results_tx).expect("worker starts");

    worker.submit(Job::LoadIdentities {
        request: 1,
        review: Arc::default(),
    });
    let Action::IdentitiesLoaded {
        request: 1,
        result: Ok(data),
    } = next_result(&mut results)
    else {
        panic!("identities load");
    };
    assert!(data.identities.iter().any(|row| row.id == "u-1003"));

    worker.submit(Job::Trace {
        request: 2,
        id: "102aliceSess0001".into(),
    });
    let Action::TraceLoaded {
        request: 2,
        result: Ok(report),
    } = next_result(&mut results)
    else {
        panic!("trace loads");
    };
    assert_eq!(
        report.trace.events.len(),
        4,
        "scenario A has 4 events in alice's session"
    );

    worker.submit(Job::Decide {
        new: NewDecision {
            identity: "User/u-1003".into(),
            entitlement: None,
            verdict: Verdict::Revoke,
            reviewer: "rita.reviewer".into(),
            justification: "Deactivated in September".into(),
        },
        review: Arc::default(),
    });
    let Action::DecisionSaved {
        identity_key,
        result: Ok(decision),
    } = next_result(&mut results)
    else {
        panic!("decision saves");
    };
    assert_eq!(identity_key, "User/u-1003");
    assert_eq!(decision.verdict, "revoke");

    worker.shutdown();
    let case = Case::open(&path).expect("the worker closed the case");
    let decisions = case.decisions().expect("decisions");
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].justification, "Deactivated in September");
}

#[test]
fn findings_follow_the_identities() {
    let (_dir, path) = demo_case();
    let (results_tx, mut results) = tokio::sync::mpsc::unbounded_channel();
    let worker =
        Worker::spawn(Case::open(&path).expect("case opens"), results_tx).expect("worker starts");
    worker.submit(Job::LoadIdentities {
        request: 1,
        review: Arc::default(),
    });
    worker.submit(Job::LoadFindings {
        request: 2,
        review: Arc::default(),
    });
    let Action::IdentitiesLoaded {
        request: 1,
        result: Ok(data),
    } = next_result(&mut results)
    else {
        panic!("the identities come first");
    };
    assert_eq!(data.identities.len(), 11);
    let Action::FindingsLoaded {
        request: 2,
        result: Ok(found),
    } = next_result(&mut results)
    else {
        panic!("then the findings");
    };
    worker.shutdown();

    let case = Case::open(&path).expect("the worker closed the case");
    let rules = scimtrail::review::rules::RuleSet::builtin();
    let expected = scimtrail::review::findings::run(&case, &rules, None).expect("findings");
    let ids = |list: &[scimtrail::review::findings::Finding]| -> Vec<String> {
        list.iter().map(|f| f.id.clone()).collect()
    };
    assert_eq!(
        ids(&found),
        ids(&expected.findings),
        "the TUI shows what `findings` lists"
    );
    assert!(found.iter().any(|f| f.subject == "User/u-1003"));
}

#[test]
fn worker_reports_errors_as_text() {
    let (_dir, path) = demo_case();
    let (results_tx, mut results) = tokio::sync::mpsc::unbounded_channel();
    let worker =
        Worker::spawn(Case::open(&path).expect("case opens"), results_tx).expect("worker starts");
    worker.submit(Job::Decide {
        new: NewDecision {
            identity: "User/no-such-id".into(),
            entitlement: None,
            verdict: Verdict::Flag,
            reviewer: "rita.reviewer".into(),
            justification: "typo".into(),
        },
        review: Arc::default(),
    });
    let Action::DecisionSaved {
        result: Err(message),
        ..
    } = next_result(&mut results)
    else {
        panic!("an unknown identity is rejected");
    };
    assert!(message.contains("no identity matches"), "{message}");
    worker.shutdown();
}

#[test]
fn worker_stops_when_app_drops_results() {
    let (_dir, path) = demo_case();
    let (results_tx, results) = tokio::sync::mpsc::unbounded_channel();
    let worker =
        Worker::spawn(Case::open(&path).expect("case opens"), results_tx).expect("worker starts");
    drop(results);
    worker.submit(Job::LoadIdentities {
        request: 1,
        review: Arc::default(),
    });
    worker.shutdown();
    assert!(
        Case::open(&path).is_ok(),
        "the case is closed after shutdown"
    );
}

fn revoke(identity: &str, reviewer: &str) -> NewDecision {
    NewDecision {
        identity: identity.into(),
        entitlement: None,
        verdict: Verdict::Revoke,
        reviewer: reviewer.into(),
        justification: "Service account unused".into(),
    }
}

/// Runs one decision job on a fresh worker over `case` and returns its result.
fn decide_in_worker(case: &std::path::Path, new: NewDecision) -> Result<Box<Decision>, String> {
    let (results_tx, mut results) = tokio::sync::mpsc::unbounded_channel();
    let worker =
        Worker::spawn(Case::open(case).expect("case opens"), results_tx).expect("worker starts");
    worker.submit(Job::Decide {
        new,
        review: Arc::default(),
    });
    let Action::DecisionSaved { result, .. } = next_result(&mut results) else {
        panic!("a decision job returns DecisionSaved");
    };
    worker.shutdown();
    result
}

#[test]
fn worker_decision_matches_cli_row() {
    let tui = Workspace::new();
    tui.import_fixtures();
    let cli = Workspace::new();
    cli.import_fixtures();
    let reviewer = "alice.chen@northwind.example";

    let from_tui = decide_in_worker(&tui.case(), revoke("u-2002", reviewer))
        .expect("the worker records the decision");
    cli.ok(&[
        "decide",
        "--identity",
        "u-2002",
        "--verdict",
        "revoke",
        "--reviewer",
        reviewer,
        "--justification",
        "Service account unused",
    ]);
    let from_cli = Case::open(&cli.case())
        .expect("case opens")
        .decisions()
        .expect("decisions")
        .remove(0);

    assert_eq!(from_tui.identity_key, from_cli.identity_key);
    assert_eq!(from_tui.snapshot_ids, from_cli.snapshot_ids);
    assert!(
        from_tui.evidence_sha256.is_some(),
        "the findings hash is kept"
    );
    assert_eq!(from_tui.evidence_sha256, from_cli.evidence_sha256);
}

#[test]
fn worker_rejects_sponsor_decision() {
    let ws = Workspace::new();
    ws.import_fixtures();
    // Dave is the manager, and so the sponsor, of the service account u-2001.
    let result = decide_in_worker(&ws.case(), revoke("u-2001", "dave.park@northwind.example"));
    let message = result.expect_err("a sponsor may not decide on the account");
    assert!(
        message.contains("owns or sponsors User/u-2001"),
        "{message}"
    );
}

//! Campaigns and the rules a decision must pass: justification, scope, reviewers and
//! owners, and what each decision records.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, stderr};

/// The fixture organisation with campaign C1 over its service accounts and agents.
fn campaign() -> Workspace {
    let ws = Workspace::new();
    ws.import_fixtures();
    let out = ws.ok(&[
        "campaign",
        "create",
        "--name",
        "Q4 non-human",
        "--kind",
        "service",
        "--kind",
        "agent",
        "--reviewer",
        "alice.chen@northwind.example",
        "--reviewer",
        "dave.park@northwind.example",
        "--due",
        "2099-12-31",
    ]);
    assert!(
        out.contains("created campaign C1 on snapshot 1 with 4 items"),
        "{out}"
    );
    ws
}

#[test]
fn second_campaign_with_same_name_is_rejected() {
    let ws = campaign();
    let create = |name: &str| {
        ws.run(&[
            "campaign",
            "create",
            "--name",
            name,
            "--reviewer",
            "alice.chen@northwind.example",
            "--due",
            "2099-12-31",
        ])
    };
    let output = create(" q4 NON-human ");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("campaign C1 is already named \"Q4 non-human\""),
        "{}",
        stderr(&output)
    );
    assert_eq!(ws.count("select count(*) from campaigns"), 1);
    assert!(create("Q1 non-human").status.success());
}

fn decide(ws: &Workspace, args: &[&str]) -> std::process::Output {
    let mut all = vec!["decide"];
    all.extend_from_slice(args);
    ws.run(&all)
}

fn decisions(ws: &Workspace) -> i64 {
    ws.count("select count(*) from decisions")
}

#[test]
fn progress_counts_per_reviewer() {
    let ws = campaign();
    let output = decide(
        &ws,
        &[
            "--campaign",
            "C1",
            "--identity",
            "u-2002",
            "--verdict",
            "revoke",
            "--reviewer",
            "alice.chen@northwind.example",
            "--justification",
            "sponsor left",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let shown = ws.json(&["campaign", "show", "C1", "--format", "json"]);
    assert_eq!(shown["progress"]["items"], 4);
    assert_eq!(shown["progress"]["decided"], 1);
    assert_eq!(shown["progress"]["reviewers"][0]["decided"], 1);
    assert_eq!(shown["progress"]["reviewers"][1]["decided"], 0);
}

#[test]
fn sponsor_cannot_decide_own() {
    let ws = campaign();
    // Dave is the manager, and so the sponsor, of the service account svc-backup.
    let output = decide(
        &ws,
        &[
            "--campaign",
            "C1",
            "--identity",
            "u-2001",
            "--verdict",
            "approve",
            "--reviewer",
            "dave.park@northwind.example",
            "--justification",
            "mine",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("owns or sponsors User/u-2001"),
        "{}",
        stderr(&output)
    );
    assert_eq!(decisions(&ws), 0);
}

#[test]
fn identity_outside_scope_is_rejected() {
    let ws = campaign();
    let output = decide(
        &ws,
        &[
            "--campaign",
            "C1",
            "--identity",
            "u-1002",
            "--verdict",
            "flag",
            "--reviewer",
            "alice.chen@northwind.example",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("not in the scope of campaign C1"));
}

#[test]
fn outside_reviewer_is_rejected() {
    let ws = campaign();
    let output = decide(
        &ws,
        &[
            "--campaign",
            "C1",
            "--identity",
            "u-2002",
            "--verdict",
            "flag",
            "--reviewer",
            "mallory@example.org",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("is not a reviewer of campaign C1"));
}

#[test]
fn justification_rules_by_verdict() {
    let ws = campaign();
    let reviewer = ["--reviewer", "alice.chen@northwind.example"];
    let revoke = decide(
        &ws,
        &[
            &["--identity", "u-2001", "--verdict", "revoke"][..],
            &reviewer,
        ]
        .concat(),
    );
    assert!(stderr(&revoke).contains("a revoke needs a justification"));
    // svc-ci-deploy has findings, so approving it needs a reason.
    let approve = decide(
        &ws,
        &[
            &["--identity", "u-2002", "--verdict", "approve"][..],
            &reviewer,
        ]
        .concat(),
    );
    assert!(stderr(&approve).contains("approving an item with findings needs a justification"));
    // Bob has no findings.
    let clean = decide(
        &ws,
        &[
            &["--identity", "u-1002", "--verdict", "approve"][..],
            &reviewer,
        ]
        .concat(),
    );
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    let flag = decide(
        &ws,
        &[
            &["--identity", "u-2001", "--verdict", "flag"][..],
            &reviewer,
        ]
        .concat(),
    );
    assert_eq!(flag.status.code(), Some(0), "{}", stderr(&flag));
    let abstain = decide(
        &ws,
        &[
            &["--identity", "u-3001", "--verdict", "abstain"][..],
            &reviewer,
        ]
        .concat(),
    );
    assert_eq!(abstain.status.code(), Some(0), "{}", stderr(&abstain));
    assert_eq!(decisions(&ws), 3);
}

#[test]
fn bulk_decision_is_all_or_nothing() {
    let ws = campaign();
    let args = [
        "--campaign",
        "C1",
        "--identity",
        "u-2002",
        "--identity",
        "a-4001",
        "--identity",
        "u-1001",
        "--verdict",
        "flag",
        "--reviewer",
        "alice.chen@northwind.example",
    ];
    let rejected = decide(&ws, &args);
    assert_eq!(rejected.status.code(), Some(1));
    assert_eq!(decisions(&ws), 0);
    let accepted = decide(
        &ws,
        &args[..6]
            .iter()
            .chain(&args[8..])
            .copied()
            .collect::<Vec<_>>(),
    );
    assert_eq!(accepted.status.code(), Some(0), "{}", stderr(&accepted));
    assert_eq!(decisions(&ws), 2);
}

#[test]
fn decision_records_what_was_shown() {
    let ws = campaign();
    let output = decide(
        &ws,
        &[
            "--campaign",
            "C1",
            "--identity",
            "u-2002",
            "--verdict",
            "revoke",
            "--reviewer",
            "alice.chen@northwind.example",
            "--justification",
            "orphaned",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let list = ws.json(&["decisions", "--format", "json"]);
    let row = &list["decisions"][0];
    assert_eq!(row["row_version"], 2);
    assert_eq!(row["campaign"], "C1");
    assert_eq!(row["snapshot_ids"], serde_json::json!([1]));
    assert_eq!(row["evidence_sha256"].as_str().map(str::len), Some(64));
    assert!(ws.ok(&["verify"]).contains("ledger intact: 1 decisions"));
}

#[test]
fn unknown_campaign_is_an_error() {
    let ws = campaign();
    let output = ws.run(&["campaign", "show", "C9"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no campaign \"C9\""));
}

#[test]
fn revokes_checked_in_later_snapshot() {
    let ws = Workspace::new();
    let history = common::fixtures().join("scim-history");
    let import = |day: &str| {
        let taken_at = format!("{day}T00:00:00Z");
        ws.ok(&[
            "import",
            "--taken-at",
            &taken_at,
            history.join(day).to_str().unwrap(),
        ]);
    };
    import("2026-10-01");
    for who in ["u-1002", "u-1001"] {
        let args = [
            "--identity",
            who,
            "--verdict",
            "revoke",
            "--reviewer",
            "carol",
            "--justification",
            "left",
        ];
        assert_eq!(decide(&ws, &args).status.code(), Some(0));
    }
    let before = ws.json(&["remediation", "--format", "json"]);
    assert_eq!(before["remediation"][0]["status"], "pending");
    import("2026-11-15");
    let after = ws.json(&["remediation", "--format", "json"]);
    // Bob is deactivated in the later snapshot; alice is still active.
    assert_eq!(after["remediation"][0]["status"], "removed");
    assert_eq!(after["remediation"][1]["status"], "still present");
}

#[test]
fn rule_selects_bulk_items() {
    let ws = campaign();
    let output = decide(
        &ws,
        &[
            "--campaign",
            "C1",
            "--from-rule",
            "dormant-identity",
            "--verdict",
            "flag",
            "--reviewer",
            "alice.chen@northwind.example",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let keys = ws.json(&["decisions", "--format", "json"]);
    let decided: Vec<&str> = keys["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["identity_key"].as_str().unwrap())
        .collect();
    assert_eq!(decided, ["User/u-2001", "User/u-2002"]);
}

/// Decides on `identity` outside any campaign and returns the error output.
fn rejected(ws: &Workspace, identity: &str, reviewer: &str) -> String {
    let output = decide(
        ws,
        &[
            "--identity",
            identity,
            "--verdict",
            "approve",
            "--reviewer",
            reviewer,
            "--justification",
            "mine",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    stderr(&output)
}

#[test]
fn sponsor_by_scim_id_rejected() {
    let ws = campaign();
    let err = rejected(&ws, "u-2001", "u-1004");
    assert!(err.contains("owns or sponsors User/u-2001"), "{err}");
    assert_eq!(decisions(&ws), 0);
}

#[test]
fn sponsor_by_external_id_rejected() {
    let ws = campaign();
    let err = rejected(&ws, "svc-backup@northwind.example", "00u1dave000000004");
    assert!(err.contains("owns or sponsors User/u-2001"), "{err}");
    assert_eq!(decisions(&ws), 0);
}

#[test]
fn own_identity_is_rejected() {
    let ws = campaign();
    let err = rejected(
        &ws,
        "dave.park@northwind.example",
        "DAVE.PARK@northwind.example",
    );
    assert!(err.contains("their own identity"), "{err}");
    assert_eq!(decisions(&ws), 0);
}

#[test]
fn unrelated_reviewer_is_accepted() {
    let ws = campaign();
    let output = decide(
        &ws,
        &[
            "--identity",
            "u-2001",
            "--verdict",
            "flag",
            "--reviewer",
            "u-1003",
            "--justification",
            "review",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(decisions(&ws), 1);
}

/// Runs `campaign create` on the fixture organisation with `extra` arguments.
fn create(extra: &[&str]) -> (Workspace, std::process::Output) {
    let ws = Workspace::new();
    ws.import_fixtures();
    let mut args = vec!["campaign", "create", "--name", "Q", "--reviewer", "amy"];
    args.extend_from_slice(extra);
    let output = ws.run(&args);
    (ws, output)
}

#[test]
fn past_due_date_is_rejected() {
    let (ws, output) = create(&["--due", "2020-01-01"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is in the past"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ws.count("select count(*) from campaigns"), 0);
}

#[test]
fn past_due_campaign_shows_overdue() {
    let (ws, output) = create(&["--due", "2020-01-01", "--allow-past-due"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let shown = ws.ok(&["campaign", "show", "C1"]);
    assert!(shown.contains("status:    overdue"), "{shown}");
}

#[test]
fn future_campaign_is_not_overdue() {
    let ws = campaign();
    let shown = ws.json(&["campaign", "show", "C1", "--format", "json"]);
    assert_eq!(shown["overdue"], false);
}

#[test]
fn unknown_kind_is_a_usage_error() {
    let (_ws, output) = create(&["--due", "2099-12-31", "--kind", "robot"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("robot"), "{}", stderr(&output));
}

#[test]
fn empty_scope_warns() {
    let (_ws, output) = create(&["--due", "2099-12-31", "--resource-type", "Nope"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("warning: campaign C1 has no items"),
        "{}",
        stderr(&output)
    );
}

/// Decides with `--from-rule RULE` outside any campaign and returns the output.
fn from_rule(rule: &str) -> std::process::Output {
    let ws = Workspace::new();
    ws.import_fixtures();
    decide(
        &ws,
        &[
            "--from-rule",
            rule,
            "--verdict",
            "revoke",
            "--reviewer",
            "amy@example.com",
            "--justification",
            "x",
        ],
    )
}

#[test]
fn unknown_rule_is_no_such_rule() {
    let output = from_rule("nope");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no such rule \"nope\""),
        "{}",
        stderr(&output)
    );
}

#[test]
fn shadow_rule_explains_no_identity() {
    let output = from_rule("shadow-identity");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("shadow actors, which match no SCIM identity"),
        "{}",
        stderr(&output)
    );
}

/// Runs `open` with `args`, with a limit in case the checks let it reach the terminal.
fn open(ws: &Workspace, args: &[&str]) -> std::process::Output {
    let mut all = vec!["open", "--reviewer", "alice.chen@northwind.example"];
    all.extend_from_slice(args);
    ws.run_within(&all, std::time::Duration::from_secs(60))
}

#[test]
fn open_unknown_campaign_fails_early() {
    let ws = campaign();
    let output = open(&ws, &["--campaign", "C9"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no campaign \"C9\"; list them with `scimtrail campaign list`"),
        "{}",
        stderr(&output)
    );
    assert!(
        output.stdout.is_empty(),
        "the terminal was never switched to the TUI's screen"
    );
}

#[test]
fn open_campaign_needs_its_reviewer() {
    let ws = campaign();
    let output = ws.run_within(
        &["open", "--reviewer", "mallory", "--campaign", "c1"],
        std::time::Duration::from_secs(60),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("mallory is not a reviewer of campaign C1"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn open_invalid_rules_file_fails() {
    let ws = campaign();
    let rules = ws.file(
        "rules.toml",
        b"[[rule]]\nid = \"x\"\ncheck = \"no-such-check\"\n",
    );
    let rules = rules.to_str().expect("UTF-8 path");
    let output = open(&ws, &["--rules", rules, "--campaign", "C1"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let findings = ws.run(&["findings", "--rules", rules]);
    assert!(!findings.status.success());
    let reason = stderr(&findings);
    assert!(reason.contains("rules.toml"), "{reason}");
    assert_eq!(
        stderr(&output),
        reason,
        "the TUI rejects the file as `findings --rules` does"
    );
    let missing = open(&ws, &["--rules", "/no/such/rules.toml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("/no/such/rules.toml"),
        "{}",
        stderr(&missing)
    );
}

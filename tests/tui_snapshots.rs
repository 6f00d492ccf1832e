//! Snapshot tests of every TUI screen, drawn from the demo case at 80x24 and 120x40.
//!
//! Keys go through the real keymap and `App::update`, and each job the app returns runs
//! synchronously through `worker::run_job`, the function the worker thread calls. The one
//! value masked is the temporary directory in source paths, of events and of findings.

#![cfg(feature = "store")]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use scimtrail::case::{CampaignScope, Case, NewCampaign};
use scimtrail::review::rules::RuleSet;
use scimtrail::tui::app::Prompt;
use scimtrail::tui::worker::ReviewSetup;
use scimtrail::tui::{Action, App, Job, keymap, ui, worker};
use tempfile::TempDir;

/// The correlation id that links Okta and Entra events in the demo case.
const RUN_ID: &str = "b7e0c5d2-4a3f-4f8e-9c1a-6d2e8f0a1b3c";
/// What snapshots show in place of the demo case's temporary directory.
const CASE_DIR_MASK: &str = "<case-dir>";

struct Harness {
    case: Case,
    case_dir: String,
    app: App,
    /// Whether findings jobs wait in `pending_findings` instead of running, to show the
    /// screens while the rules are still running.
    hold_findings: bool,
    pending_findings: Option<Job>,
    _dir: TempDir,
}

impl Harness {
    fn new() -> Harness {
        Harness::with_review(|_| ReviewSetup::default())
    }

    /// Opens the demo case with the rules and campaign that `setup` returns for it.
    fn with_review(setup: impl FnOnce(&Case) -> ReviewSetup) -> Harness {
        Harness::build(setup, false)
    }

    /// Opens the demo case with its identities loaded and the findings job kept pending.
    fn computing_findings() -> Harness {
        Harness::build(|_| ReviewSetup::default(), true)
    }

    fn build(setup: impl FnOnce(&Case) -> ReviewSetup, hold_findings: bool) -> Harness {
        let dir = TempDir::new().expect("temporary directory");
        let path = dir.path().join("demo.duckdb");
        scimtrail::demo::build(&path).expect("demo case builds");
        let case = Case::open(&path).expect("demo case opens");
        let review = setup(&case);
        let mut harness = Harness {
            case,
            case_dir: dir.path().display().to_string(),
            app: App::new("rita.reviewer".into(), "demo.duckdb".into()).with_review(review),
            hold_findings,
            pending_findings: None,
            _dir: dir,
        };
        let job = harness.app.initial_job();
        harness.run(job);
        harness
    }

    fn run(&mut self, job: Job) {
        if self.hold_findings && matches!(job, Job::LoadFindings { .. }) {
            self.pending_findings = Some(job);
            return;
        }
        let result = self.mask_paths(worker::run_job(&self.case, job));
        self.apply(result);
    }

    fn apply(&mut self, action: Action) {
        if let Some(job) = self.app.update(action) {
            self.run(job);
        }
    }

    fn mask_paths(&self, mut action: Action) -> Action {
        if let Action::TraceLoaded {
            result: Ok(report), ..
        } = &mut action
        {
            for event in &mut report.trace.events {
                event.source_path = event.source_path.replace(&self.case_dir, CASE_DIR_MASK);
            }
        }
        // Findings' evidence rows carry the source file's path too.
        if let Action::FindingsLoaded {
            result: Ok(findings),
            ..
        } = &mut action
        {
            let rows = findings.iter_mut().flat_map(|f| f.evidence.iter_mut());
            for value in rows.flat_map(|row| row.fields.values_mut()) {
                if let serde_json::Value::String(text) = value {
                    *text = text.replace(&self.case_dir, CASE_DIR_MASK);
                }
            }
        }
        action
    }

    /// Runs the findings job kept pending, as the worker would once the rules finish.
    fn release_findings(&mut self) {
        self.hold_findings = false;
        let job = self
            .pending_findings
            .take()
            .expect("a pending findings job");
        self.run(job);
    }

    fn press(&mut self, code: KeyCode) {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        let action = keymap::action_for(self.app.mode(), key)
            .unwrap_or_else(|| panic!("{code:?} does nothing in {:?}", self.app.mode()));
        self.apply(action);
    }

    fn press_ctrl(&mut self, c: char) {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        let action = keymap::action_for(self.app.mode(), key)
            .unwrap_or_else(|| panic!("Ctrl-{c} does nothing in {:?}", self.app.mode()));
        self.apply(action);
    }

    fn keys(&mut self, text: &str) {
        text.chars().for_each(|c| self.press(KeyCode::Char(c)));
    }

    fn trace_run_id(&mut self) {
        self.press(KeyCode::Char('2'));
        self.press(KeyCode::Char('i'));
        self.keys(RUN_ID);
        self.press(KeyCode::Enter);
    }

    fn buffer(&self, width: u16, height: u16) -> ratatui::buffer::Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        terminal
            .draw(|frame| ui::render(frame, &self.app))
            .expect("draw");
        terminal.backend().buffer().clone()
    }

    fn render(&self, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        terminal
            .draw(|frame| ui::render(frame, &self.app))
            .expect("draw");
        terminal.backend().to_string()
    }
}

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn assert_screens(name: &str, harness: &Harness) {
    for (width, height) in SIZES {
        let screen = harness.render(width, height);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen);
    }
}

#[test]
fn identities_screen() {
    let harness = Harness::new();
    assert_screens("identities", &harness);
}

#[test]
fn identities_filtered() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('/'));
    harness.keys("svc");
    assert_screens("identities_filter_typing", &harness);
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Char('j'));
    insta::assert_snapshot!("identities_filter_kept_80x24", harness.render(80, 24));
}

#[test]
fn identity_detail() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('/'));
    harness.keys("dave.park");
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Enter);
    let detail = harness
        .app
        .detail
        .as_ref()
        .and_then(|view| view.data.as_ref());
    let detail = detail.expect("the detail loaded");
    assert!(!detail.relations.is_empty(), "dave has a manager");
    assert!(!detail.entitlements.is_empty(), "dave is in groups");
    assert!(!detail.activity.counts.is_empty());
    assert_screens("identity_detail", &harness);
    harness.press(KeyCode::Char('j'));
    harness.press(KeyCode::Char('j'));
    insta::assert_snapshot!("identity_detail_scrolled_80x24", harness.render(80, 24));
    harness.press(KeyCode::Enter);
    assert_eq!(
        harness.app.screen.title(),
        "Review",
        "Enter goes on to review"
    );
    assert!(harness.app.detail.is_none());
}

#[test]
fn trace_screen() {
    let mut harness = Harness::new();
    harness.trace_run_id();
    assert_eq!(
        harness.app.trace.events.len(),
        6,
        "scenario C has 5 events and the sign-in of their Okta session"
    );
    harness.press(KeyCode::Char('j'));
    harness.press(KeyCode::Char('j'));
    assert_screens("trace", &harness);
    harness.press(KeyCode::Char('J'));
    insta::assert_snapshot!("trace_detail_scrolled_80x24", harness.render(80, 24));
}

#[test]
fn trace_empty_and_prompt() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Tab);
    assert_screens("trace_empty", &harness);
    harness.press(KeyCode::Char('i'));
    harness.keys("102aliceSess0001");
    insta::assert_snapshot!("trace_prompt_80x24", harness.render(80, 24));
}

#[test]
fn trace_picker() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('2'));
    harness.press(KeyCode::Char('p'));
    assert_screens("trace_picker", &harness);
    harness.keys("b7e0");
    insta::assert_snapshot!("trace_picker_typed_80x24", harness.render(80, 24));
    harness.press(KeyCode::Enter);
    assert_eq!(harness.app.trace.query.as_deref(), Some(RUN_ID));
}

#[test]
fn trace_unknown_actor() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('2'));
    harness.press(KeyCode::Char('i'));
    harness.keys("102malSess0099");
    harness.press(KeyCode::Enter);
    insta::assert_snapshot!("trace_unknown_actor_120x40", harness.render(120, 40));
}

#[test]
fn review_screen() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('3'));
    harness.press(KeyCode::Char('/'));
    harness.keys("carol");
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Char('r'));
    harness.keys("Deactivated in September, still signing in");
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Esc);
    harness.press(KeyCode::Char('f'));
    harness.keys("Inactive in SCIM but granting tokens in Okta");
    assert_screens("review_prompt", &harness);
    harness.press(KeyCode::Enter);
    assert_screens("review", &harness);
}

/// Opens the demo case with campaign C1 over its service accounts and agents, worked by
/// rita.reviewer.
fn campaign_harness() -> Harness {
    Harness::with_review(|case| {
        let campaign = case
            .create_campaign(&NewCampaign {
                name: "Q4 non-human".into(),
                snapshot_id: None,
                scope: CampaignScope {
                    kinds: vec!["service".into(), "agent".into()],
                    ..CampaignScope::default()
                },
                reviewers: vec!["rita.reviewer".into()],
                due_date: chrono::NaiveDate::from_ymd_opt(2099, 12, 31).expect("date"),
            })
            .expect("campaign is created");
        ReviewSetup {
            campaign: Some(campaign),
            ..ReviewSetup::default()
        }
    })
}

#[test]
fn review_campaign() {
    let mut harness = campaign_harness();
    harness.press(KeyCode::Char('3'));
    assert_eq!(
        harness.app.identities.visible.len(),
        4,
        "2 agents, 2 services"
    );
    harness.press(KeyCode::Char('f'));
    harness.keys("Agent without a named owner");
    harness.press(KeyCode::Enter);
    assert_screens("review_campaign", &harness);

    let decisions = harness.case.decisions().expect("ledger");
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].campaign.as_deref(), Some("C1"));
    let campaign = harness.case.campaign("C1").expect("campaign");
    let progress = harness.case.campaign_progress(&campaign).expect("progress");
    assert_eq!((progress.decided, progress.items), (1, 4));
    assert_eq!(
        harness.app.identities.progress(),
        (1, 4),
        "the gauge agrees"
    );
    harness.press(KeyCode::Char('1'));
    assert_eq!(
        harness.app.identities.visible.len(),
        11,
        "Identities lists all"
    );
}

#[test]
fn review_rules_file_sets_findings() {
    let builtin = Harness::new();
    assert!(!builtin.app.identities.findings.is_empty());
    let mut rules = RuleSet::builtin();
    rules.rules.retain(|rule| rule.id == "orphaned-identity");
    let mut harness = Harness::with_review(|_| ReviewSetup {
        rules,
        campaign: None,
    });

    let findings = &harness.app.identities.findings;
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f.rule == "orphaned-identity"));

    harness.press(KeyCode::Char('3'));
    harness.press(KeyCode::Char('/'));
    harness.keys("carol");
    harness.press(KeyCode::Enter);
    let carol = harness
        .app
        .identities
        .selected()
        .expect("carol")
        .identity_key
        .clone();
    assert!(builtin.app.identities.finding_count(&carol) > 0);
    assert_eq!(harness.app.identities.finding_count(&carol), 0);

    harness.press(KeyCode::Char('a'));
    harness.press(KeyCode::Enter);
    let decisions = harness.case.decisions().expect("ledger");
    assert_eq!(
        decisions.len(),
        1,
        "without findings from the rules file, a blank approve is recorded"
    );
    assert_eq!(decisions[0].identity_key, carol);
}

#[test]
fn review_bulk_decision() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('3'));
    harness.press(KeyCode::Char(' '));
    harness.press(KeyCode::Char(' '));
    assert_eq!(harness.app.identities.marked.len(), 2);
    harness.press(KeyCode::Char('f'));
    harness.keys("Agents without a named owner");
    assert_screens("review_bulk_prompt", &harness);
    harness.press(KeyCode::Enter);
    assert!(
        harness.app.identities.marked.is_empty(),
        "marks clear after deciding"
    );
    let decisions = harness.case.decisions().expect("ledger");
    assert_eq!(decisions.len(), 2);
    assert!(decisions.iter().all(|d| d.verdict == "flag"));
    insta::assert_snapshot!("review_bulk_done_80x24", harness.render(80, 24));
}

#[test]
fn findings_still_computing() {
    let mut harness = Harness::computing_findings();
    assert!(harness.app.identities.loaded, "the list is in");
    assert!(!harness.app.identities.findings_loaded);
    assert_screens("computing_identities", &harness);

    harness.press(KeyCode::Char('3'));
    harness.press(KeyCode::Char('/'));
    harness.keys("carol");
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Char('a'));
    assert!(
        harness.app.prompt.is_none(),
        "no decision before the findings"
    );
    assert_screens("computing_review", &harness);
    harness.press(KeyCode::Char('e'));
    insta::assert_snapshot!("computing_explain_80x24", harness.render(80, 24));
    harness.press(KeyCode::Esc);

    harness.press(KeyCode::Char('5'));
    assert_screens("computing_overview", &harness);

    harness.release_findings();
    assert!(harness.app.identities.findings_loaded);
    let overview = harness.render(120, 40);
    assert!(!overview.contains("Computing findings"), "{overview}");
    assert!(overview.contains("HIGH"), "{overview}");
    harness.press(KeyCode::Char('3'));
    harness.press(KeyCode::Char('a'));
    assert!(
        matches!(harness.app.prompt, Some(Prompt::Justification(_))),
        "deciding opens once the findings are in"
    );
    harness.press(KeyCode::Enter);
    assert!(
        harness.case.decisions().expect("ledger").is_empty(),
        "carol's findings, now shown, need a reason for an approve"
    );
}

#[test]
fn review_refuses_empty_justification() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('3'));
    harness.press(KeyCode::Char('r'));
    harness.press(KeyCode::Enter);
    insta::assert_snapshot!("review_empty_justification_80x24", harness.render(80, 24));
}

impl Harness {
    /// Shows the Review screen with carol, who has findings, selected.
    fn review_carol(&mut self) {
        self.press(KeyCode::Char('3'));
        self.press(KeyCode::Char('/'));
        self.keys("carol");
        self.press(KeyCode::Enter);
    }
}

#[test]
fn review_abstain_keeps_context() {
    let mut harness = Harness::new();
    harness.review_carol();
    harness.press(KeyCode::Char('x'));
    harness.press(KeyCode::Enter);
    let decisions = harness.case.decisions().expect("ledger");
    assert_eq!(decisions.len(), 1, "an abstain needs no justification");
    assert_eq!(decisions[0].verdict, "abstain");
    assert!(!decisions[0].snapshot_ids.is_empty());
    assert!(
        decisions[0].evidence_sha256.is_some(),
        "the hash of the findings shown is recorded"
    );
    insta::assert_snapshot!("review_abstain_done_80x24", harness.render(80, 24));
}

#[test]
fn review_approve_needs_reason() {
    let mut harness = Harness::new();
    harness.review_carol();
    harness.press(KeyCode::Char('a'));
    harness.press(KeyCode::Enter);
    assert!(harness.case.decisions().expect("ledger").is_empty());
    assert!(
        matches!(harness.app.prompt, Some(Prompt::Justification(_))),
        "the prompt stays open for the reason"
    );
    insta::assert_snapshot!("review_approve_needs_reason_80x24", harness.render(80, 24));
}

#[test]
fn review_shows_engine_rejection() {
    let mut harness = Harness::new();
    // Dave is the manager, and so the sponsor, of the service account svc-backup.
    harness.app.reviewer = "dave.park@northwind.example".into();
    harness.press(KeyCode::Char('3'));
    harness.press(KeyCode::Char('/'));
    harness.keys("svc-backup");
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Char('a'));
    harness.keys("mine");
    harness.press(KeyCode::Enter);
    assert!(harness.case.decisions().expect("ledger").is_empty());
    let status = harness.app.status.clone().expect("the rejection is shown");
    assert!(status.is_error);
    assert!(status.text.contains("owns or sponsors"), "{}", status.text);
    assert_screens("review_rejected", &harness);
}

#[test]
fn explain_overlay() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('/'));
    harness.keys("carol");
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Char('e'));
    let key = harness.app.explain.as_ref().map(|v| v.identity_key.clone());
    assert_eq!(key.as_deref(), Some("User/u-1003"));
    assert!(
        harness.app.identities.findings_of("User/u-1003").count() > 0,
        "carol has findings"
    );
    assert_screens("explain", &harness);
    harness.press(KeyCode::Char('j'));
    insta::assert_snapshot!("explain_scrolled_80x24", harness.render(80, 24));
    harness.press(KeyCode::Esc);
    assert!(harness.app.explain.is_none());
}

#[test]
fn explain_from_detail() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('/'));
    harness.keys("dave.park");
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Char('e'));
    let key = harness.app.explain.as_ref().map(|v| v.identity_key.clone());
    assert_eq!(key.as_deref(), Some("User/u-1004"));
    harness.press(KeyCode::Char('e'));
    assert!(harness.app.explain.is_none(), "e closes it again");
    assert!(harness.app.detail.is_some(), "the detail stays open");
}

#[test]
fn help_overlay() {
    let mut harness = Harness::new();
    for screen in ['1', '2', '3', '4', '5', '6'] {
        harness.press(KeyCode::Char(screen));
        harness.press(KeyCode::Char('?'));
        let title = harness.app.screen.title().to_lowercase();
        assert_screens(&format!("help_{title}"), &harness);
        harness.press(KeyCode::Esc);
    }
}

#[test]
fn events_screen() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('4'));
    assert_eq!(
        harness.app.events.total,
        Some(35),
        "the demo case has 35 events"
    );
    assert_screens("events", &harness);
}

#[test]
fn events_filter_and_pivot() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('4'));
    harness.press(KeyCode::Char('/'));
    harness.keys("outcome:denied");
    insta::assert_snapshot!("events_filter_typing_80x24", harness.render(80, 24));
    harness.press(KeyCode::Enter);
    assert_eq!(harness.app.events.total, Some(2));
    assert_screens("events_filtered", &harness);
    harness.press(KeyCode::Enter);
    assert_eq!(harness.app.screen.title(), "Trace");
    assert!(harness.app.trace.query.is_some(), "Enter starts a trace");
}

#[test]
fn events_invalid_filter() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('4'));
    harness.press(KeyCode::Char('/'));
    harness.keys("colour:red");
    harness.press(KeyCode::Enter);
    assert!(harness.app.prompt.is_some(), "the prompt stays open");
    insta::assert_snapshot!("events_invalid_filter_80x24", harness.render(80, 24));
}

#[test]
fn events_zoom_in_and_out() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('4'));
    harness.press(KeyCode::End);
    assert_eq!(
        harness.app.events.position(),
        34,
        "G selects the last event"
    );
    // The last slice contains the newest event, so zooming into it keeps at least one.
    for _ in 0..60 {
        harness.press(KeyCode::Char('l'));
    }
    harness.press(KeyCode::Char('z'));
    let zoomed = harness.app.events.total.expect("counted");
    assert!((1..35).contains(&zoomed), "zoomed total {zoomed}");
    insta::assert_snapshot!("events_zoomed_120x40", harness.render(120, 40));
    harness.press(KeyCode::Esc);
    assert_eq!(harness.app.events.total, Some(35), "Esc zooms out");
}

#[test]
fn overview_screen() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('5'));
    assert_screens("overview", &harness);
}

#[test]
fn export_writes_view() {
    let mut harness = Harness::new();
    let out = tempfile::TempDir::new().expect("temporary directory");
    let path = out.path().join("identities.json");
    harness.press(KeyCode::Char('/'));
    harness.keys("svc");
    harness.press(KeyCode::Enter);
    harness.press_ctrl('e');
    insta::assert_snapshot!("export_prompt_80x24", harness.render(80, 24));
    let default_name = "scimtrail-identities.csv";
    for _ in default_name.chars() {
        harness.press(KeyCode::Backspace);
    }
    harness.keys(&path.display().to_string());
    harness.press(KeyCode::Enter);
    let written = std::fs::read_to_string(&path).expect("export file");
    let rows: serde_json::Value = serde_json::from_str(&written).expect("JSON export");
    let names: Vec<&str> = rows
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|row| row["name"].as_str())
        .collect();
    assert_eq!(names.len(), harness.app.identities.visible.len());
    assert!(names.iter().all(|name| name.contains("svc")), "{names:?}");
}

#[test]
fn sql_console() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char(';'));
    harness.keys("select kind, count(*) as n from current_identities group by kind order by kind");
    insta::assert_snapshot!("sql_prompt_80x24", harness.render(80, 24));
    harness.press(KeyCode::Enter);
    let rows = harness.app.console.result.as_ref().map(|r| r.rows.len());
    assert_eq!(rows, Some(4), "agent, group, human, service");
    assert_screens("sql", &harness);
}

#[test]
fn sql_console_rejects_writes() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char(';'));
    harness.keys("delete from decisions");
    harness.press(KeyCode::Enter);
    assert!(harness.app.console.result.is_none());
    insta::assert_snapshot!("sql_rejected_80x24", harness.render(80, 24));
    harness.press(KeyCode::Char(';'));
    harness.press(KeyCode::Backspace);
    harness.press(KeyCode::Up);
    let Some(Prompt::Sql(input)) = &harness.app.prompt else {
        panic!("the query prompt is open");
    };
    assert_eq!(
        input.as_str(),
        "delete from decisions",
        "Up recalls the history"
    );
}

#[test]
fn click_and_wheel_select_rows() {
    let mut harness = Harness::new();
    harness.render(80, 24);
    // Rows 0 to 3 are the tabs, the filter line, the table's border and its header.
    harness.apply(Action::Click { y: 6 });
    assert_eq!(harness.app.identities.cursor.selected, 2);
    harness.apply(Action::Click { y: 3 });
    assert_eq!(
        harness.app.identities.cursor.selected, 2,
        "the header selects nothing"
    );
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    };
    let action = keymap::action_for_mouse(harness.app.mode(), wheel).expect("wheel moves");
    harness.apply(action);
    assert_eq!(harness.app.identities.cursor.selected, 3);
}

#[test]
fn no_color_palette_has_no_colours() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('T'));
    harness.press(KeyCode::Char('T'));
    assert_eq!(harness.app.palette.name(), "none");
    let buffer = harness.buffer(80, 24);
    let coloured = buffer
        .content
        .iter()
        .filter(|cell| cell.fg != Color::Reset || cell.bg != Color::Reset)
        .count();
    assert_eq!(coloured, 0, "cells with a colour");
}

#[test]
fn terminal_too_small() {
    let harness = Harness::new();
    insta::assert_snapshot!("too_small_60x20", harness.render(60, 20));
}

#[test]
fn trace_bookmark_saved() {
    let mut harness = Harness::new();
    harness.trace_run_id();
    harness.press(KeyCode::Char('j'));
    harness.press(KeyCode::Char('m'));
    harness.keys("First tool call of the run");
    insta::assert_snapshot!("trace_bookmark_prompt_80x24", harness.render(80, 24));
    harness.press(KeyCode::Enter);
    let bookmarks = harness.case.bookmarks().expect("bookmarks");
    assert_eq!(bookmarks.len(), 1);
    assert_eq!(
        bookmarks[0].note.as_deref(),
        Some("First tool call of the run")
    );
    assert_eq!(bookmarks[0].author, "rita.reviewer");
    let selected = harness.app.trace.selected().map(|e| e.event_key);
    assert_eq!(Some(bookmarks[0].event_key), selected);
}

#[test]
fn trace_actor_pivot_flags() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('2'));
    harness.press(KeyCode::Char('i'));
    harness.keys("User/u-1003");
    harness.press(KeyCode::Enter);
    assert!(
        harness
            .app
            .trace
            .flags
            .iter()
            .any(|f| f.kind == "after_deactivation"),
        "carol acted after her deactivation: {:?}",
        harness.app.trace.flags
    );
    assert_screens("trace_flags", &harness);
}

#[test]
fn trace_link_pivot() {
    let mut harness = Harness::new();
    harness.trace_run_id();
    harness.press(KeyCode::Char('j'));
    let value = harness
        .app
        .trace
        .selected_position()
        .and_then(|p| p.value.clone())
        .expect("the second event has a parent link");
    harness.press(KeyCode::Char('v'));
    assert_eq!(harness.app.trace.query.as_deref(), Some(value.as_str()));
    assert!(!harness.app.trace.events.is_empty());
    let position = harness
        .app
        .trace
        .events
        .iter()
        .position(|e| e.identity.is_some())
        .expect("an event of the run has a known actor");
    let key = harness.app.trace.events[position]
        .identity
        .as_ref()
        .map(|i| i.identity_key.clone());
    harness.app.trace.cursor.selected = position;
    harness.press(KeyCode::Char('a'));
    assert_eq!(
        harness.app.trace.query, key,
        "a traces the actor's identity"
    );
}

#[test]
fn trace_search_counts_matches() {
    let mut harness = Harness::new();
    harness.trace_run_id();
    harness.press(KeyCode::Char('/'));
    harness.keys("OKTA");
    insta::assert_snapshot!("trace_search_prompt_80x24", harness.render(80, 24));
    harness.press(KeyCode::Enter);
    let status = harness
        .app
        .status
        .clone()
        .map(|s| s.text)
        .unwrap_or_default();
    assert!(status.starts_with("match 1 of "), "{status}");
    harness.press(KeyCode::Char('n'));
    insta::assert_snapshot!("trace_search_next_80x24", harness.render(80, 24));
    harness.press(KeyCode::Char('/'));
    harness.keys("no-such-text");
    harness.press(KeyCode::Enter);
    insta::assert_snapshot!("trace_search_no_match_80x24", harness.render(80, 24));
}

#[test]
fn sql_search_and_filter_words() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char(';'));
    harness.keys("select kind, count(*) as n from current_identities group by kind order by kind");
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Char('/'));
    harness.keys("Human");
    harness.press(KeyCode::Enter);
    assert_eq!(
        harness.app.console.cursor.selected, 2,
        "agent, group, human"
    );
    insta::assert_snapshot!("sql_search_80x24", harness.render(80, 24));

    harness.press(KeyCode::Char('4'));
    harness.press(KeyCode::Char('/'));
    harness.keys("session outcome:success");
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Char('n'));
    insta::assert_snapshot!("events_filter_words_80x24", harness.render(80, 24));
}

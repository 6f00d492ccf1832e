//! Rendering of hostile evidence: escape sequences and bidi controls in names, actions and
//! raw records reach the screen only as visible escapes.

#![cfg(feature = "store")]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use scimtrail::model::{IdentityKind, IdentityRow, TraceEvent};
use scimtrail::trace::Trace;
use scimtrail::tui::app::Screen;
use scimtrail::tui::worker::IdentityData;
use scimtrail::tui::{Action, App, Job, ui};

const OSC_TITLE: &str = "\x1b]0;owned\x07";
const BIDI: &str = "\u{202e}";

fn hostile_identity() -> IdentityRow {
    IdentityRow {
        identity_key: "User/evil".into(),
        id: "evil".into(),
        resource_type: "User".into(),
        kind: IdentityKind::Human,
        user_name: Some(format!("mallory{OSC_TITLE}{BIDI}")),
        display_name: None,
        external_id: None,
        active: Some(true),
        owner: Some("boss\x1b[2J".into()),
        snapshot_id: 1,
        event_count: 1,
        last_seen: None,
        decision: None,
        deleted_in: None,
    }
}

fn hostile_event() -> TraceEvent {
    TraceEvent {
        event_key: 1,
        event_id: Some(format!("e{BIDI}1")),
        ts: "2026-10-14T09:00:00.000000Z".into(),
        ts_original: "2026-10-14T09:00:00Z".into(),
        source_format: "okta".into(),
        action: format!("user.session.start{OSC_TITLE}"),
        outcome: "success".into(),
        reason: Some("\x1b[31mred".into()),
        actor_id: Some(format!("00u{OSC_TITLE}")),
        actor_type: None,
        actor_display: None,
        session_id: Some("s-1".into()),
        correlation_id: None,
        request_id: None,
        client_ip: None,
        targets: serde_json::json!([{ "displayName": format!("x{OSC_TITLE}") }]),
        links: serde_json::json!([]),
        matched_on: vec!["session_id".into()],
        identity: None,
        source_path: "/evidence/okta.json".into(),
        source_sha256: "0".repeat(64),
        record_pos: 0,
        raw: format!("{{\"actor\":\"{}\"}}", "\\u001b]0;owned\\u0007\u{202e}"),
    }
}

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal.draw(|frame| ui::render(frame, app)).expect("draw");
    terminal.backend().to_string()
}

fn assert_inert(screen: &str) {
    assert!(!screen.contains('\x1b'), "raw ESC on screen:\n{screen}");
    assert!(!screen.contains('\x07'), "raw BEL on screen:\n{screen}");
    assert!(
        !screen.contains(BIDI),
        "raw bidi override on screen:\n{screen}"
    );
}

#[test]
fn hostile_identity_is_escaped() {
    let mut app = App::new("rita".into(), "case.duckdb".into());
    let Job::LoadIdentities { request, .. } = app.initial_job() else {
        panic!("the initial job loads identities");
    };
    let data = IdentityData {
        identities: vec![hostile_identity()],
        decisions: Vec::new(),
        ..IdentityData::default()
    };
    app.update(Action::IdentitiesLoaded {
        request,
        result: Ok(data),
    });
    let screen = render(&app);
    assert_inert(&screen);
    assert!(
        screen.contains("mallory\\x1b]0;owned\\x07\\u{202e}"),
        "{screen}"
    );
}

#[test]
fn hostile_event_is_escaped() {
    let mut app = App::new("rita".into(), "case.duckdb".into());
    app.screen = Screen::Trace;
    app.trace.set_result(Trace {
        query: "s-1".into(),
        events: vec![hostile_event()],
        truncated: false,
    });
    let screen = render(&app);
    assert_inert(&screen);
    assert!(
        screen.contains("UNKNOWN actor 00u\\x1b]0;owned\\x07"),
        "{screen}"
    );
    assert!(screen.contains("\\x1b[31mred"), "{screen}");
}

#[test]
fn hostile_event_row_is_escaped() {
    let mut app = App::new("rita".into(), "case.duckdb".into());
    app.screen = Screen::Events;
    app.events.rows = vec![scimtrail::case::EventSummary {
        key: scimtrail::case::EventKey::default(),
        event_key: 1,
        ts: "2026-10-14T09:00:00.000000Z".into(),
        source_format: "okta".into(),
        action: format!("user.session.start{OSC_TITLE}"),
        outcome: format!("denied{BIDI}"),
        actor: Some(format!("00u{OSC_TITLE}")),
        client_ip: Some("\x1b[2J".into()),
        correlation_id: None,
        session_id: None,
        request_id: None,
        event_id: None,
    }];
    app.events.total = Some(1);
    app.events.loaded = true;
    let screen = render(&app);
    assert_inert(&screen);
    assert!(screen.contains("00u\\x1b]0;owned\\x07"), "{screen}");
}

#[test]
fn hostile_query_result_is_escaped() {
    let mut app = App::new("rita".into(), "case.duckdb".into());
    app.screen = Screen::Sql;
    app.console.query = Some(format!("select '{OSC_TITLE}'"));
    app.console
        .set_result(scimtrail::tui::console::QueryResult {
            columns: vec![format!("col{BIDI}")],
            rows: vec![vec![format!("value{OSC_TITLE}")]],
            truncated: false,
        });
    let screen = render(&app);
    assert_inert(&screen);
    assert!(screen.contains("value\\x1b]0;owned\\x07"), "{screen}");
}

#[test]
fn hostile_identity_in_explain_pane() {
    let mut app = App::new("rita".into(), "case.duckdb".into());
    let Job::LoadIdentities { request, .. } = app.initial_job() else {
        panic!("the initial job loads identities");
    };
    let mut identity = hostile_identity();
    identity.active = Some(false);
    let data = IdentityData {
        identities: vec![identity],
        decisions: Vec::new(),
        ..IdentityData::default()
    };
    app.update(Action::IdentitiesLoaded {
        request,
        result: Ok(data),
    });
    app.update(Action::ShowScreen(Screen::Review));
    let screen = render(&app);
    assert_inert(&screen);
    assert!(screen.contains("Why review it"), "{screen}");
    assert!(
        screen.contains("! Inactive in the newest snapshot"),
        "{screen}"
    );
}

use super::*;
use crate::model::{Decision, IdentityKind, IdentityRef, IdentityRow, TraceEvent};
use crate::review::findings::Finding;
use crate::trace::{Trace, TraceReport};
use crate::tui::worker::IdentityData;

fn identity(id: &str, user_name: &str, kind: IdentityKind, active: bool) -> IdentityRow {
    IdentityRow {
        identity_key: format!("User/{id}"),
        id: id.into(),
        resource_type: "User".into(),
        kind,
        user_name: Some(user_name.into()),
        display_name: None,
        external_id: None,
        active: Some(active),
        owner: None,
        snapshot_id: 1,
        event_count: 2,
        last_seen: Some("2026-11-02T10:14:58.731000Z".into()),
        decision: None,
        deleted_in: None,
    }
}

fn event(actor: Option<&IdentityRow>) -> TraceEvent {
    TraceEvent {
        event_key: 1,
        event_id: Some("evt-1".into()),
        ts: "2026-11-02T10:14:58.731000Z".into(),
        ts_original: "2026-11-02T10:14:58.731Z".into(),
        source_format: "okta".into(),
        action: "user.session.start".into(),
        outcome: "success".into(),
        reason: None,
        actor_id: Some("00u-actor".into()),
        actor_type: Some("User".into()),
        actor_display: None,
        session_id: None,
        correlation_id: Some("run-1".into()),
        request_id: None,
        client_ip: None,
        targets: serde_json::Value::Null,
        links: serde_json::json!([]),
        matched_on: vec!["correlation_id".into()],
        identity: actor.map(|row| IdentityRef {
            identity_key: row.identity_key.clone(),
            id: row.id.clone(),
            user_name: row.user_name.clone(),
            resource_type: row.resource_type.clone(),
            kind: row.kind,
            active: row.active,
            owner: row.owner.clone(),
            matched_by: "externalId".into(),
            snapshot_id: row.snapshot_id,
            state_basis: crate::model::StateBasis::AsOf,
        }),
        source_path: "/evidence/okta.json".into(),
        source_sha256: "ab".repeat(32),
        record_pos: 3,
        raw: r#"{"uuid":"evt-1"}"#.into(),
    }
}

/// Builds an app with three identities loaded, as after the initial job.
fn loaded_app() -> App {
    let mut app = App::new("rita".into(), "case.duckdb".into());
    let Job::LoadIdentities { request, .. } = app.initial_job() else {
        panic!("the initial job loads identities");
    };
    let data = IdentityData {
        identities: vec![
            identity("u-1", "alice.chen", IdentityKind::Human, true),
            identity("u-2", "bob.okafor", IdentityKind::Human, true),
            identity("u-3", "invoice-bot", IdentityKind::Agent, false),
        ],
        decisions: Vec::new(),
        ..IdentityData::default()
    };
    load(&mut app, request, data, Vec::new());
    app
}

/// Applies `data` as the result of the identities' `request`, then `findings` as the
/// result of the findings job that it requests, in the order the worker returns them.
fn load(app: &mut App, request: u64, data: IdentityData, findings: Vec<Finding>) {
    let job = app.update(Action::IdentitiesLoaded {
        request,
        result: Ok(data),
    });
    let Some(Job::LoadFindings { request, .. }) = job else {
        panic!("the identities ask for their findings next: {job:?}");
    };
    app.update(Action::FindingsLoaded {
        request,
        result: Ok(findings),
    });
}

/// Wraps `trace` as the worker sends it, without links, flags or gaps.
fn report(trace: Trace) -> Box<TraceReport> {
    Box::new(TraceReport {
        trace,
        links: Vec::new(),
        tree: Default::default(),
        stages: Vec::new(),
        flags: Vec::new(),
        gaps: Vec::new(),
        inferred_events: Vec::new(),
        inferred_window_seconds: None,
    })
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        assert!(app.update(Action::InputChar(c)).is_none());
    }
}

fn selected_id(app: &App) -> Option<&str> {
    app.identities.selected().map(|row| row.id.as_str())
}

#[test]
fn initial_load_fills_list() {
    let app = loaded_app();
    assert_eq!(app.identities.visible.len(), 3);
    assert!(!app.requests.busy());
    assert_eq!(selected_id(&app), Some("u-1"));
}

#[test]
fn tab_cycles_screens() {
    let mut app = loaded_app();
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Trace);
    for _ in 1..Screen::ALL.len() {
        app.update(Action::NextScreen);
    }
    assert_eq!(app.screen, Screen::Identities);
    app.update(Action::PreviousScreen);
    assert_eq!(app.screen, Screen::Sql);
    app.update(Action::ShowScreen(Screen::Trace));
    assert_eq!(app.screen, Screen::Trace);
}

#[test]
fn esc_closes_help_before_filter() {
    let mut app = loaded_app();
    app.identities.filter.push('b');
    app.identities.refilter();
    app.update(Action::ToggleHelp);
    assert_eq!(app.mode(), Mode::Help(Screen::Identities));
    app.update(Action::Back);
    assert!(!app.help_open);
    assert_eq!(app.identities.filter.as_str(), "b");
    app.update(Action::Back);
    assert_eq!(app.identities.filter.as_str(), "");
    assert!(!app.should_quit);
}

#[test]
fn filter_narrows_and_enter_keeps_it() {
    let mut app = loaded_app();
    app.update(Action::StartFilter);
    assert_eq!(app.mode(), Mode::Filter);
    type_text(&mut app, "bob");
    assert_eq!(app.identities.visible.len(), 1);
    assert_eq!(selected_id(&app), Some("u-2"));
    app.update(Action::InputSubmit);
    assert_eq!(app.mode(), Mode::Normal(Screen::Identities));
    assert_eq!(app.identities.filter.as_str(), "bob");
}

#[test]
fn filter_esc_clears_it() {
    let mut app = loaded_app();
    app.update(Action::StartFilter);
    type_text(&mut app, "zzz");
    assert!(app.identities.visible.is_empty());
    app.update(Action::InputCancel);
    assert!(app.prompt.is_none());
    assert_eq!(app.identities.visible.len(), 3);
}

#[test]
fn navigation_clamps_to_list() {
    let mut app = loaded_app();
    app.update(Action::MoveUp);
    assert_eq!(selected_id(&app), Some("u-1"));
    app.update(Action::Last);
    assert_eq!(selected_id(&app), Some("u-3"));
    app.update(Action::MoveDown);
    assert_eq!(selected_id(&app), Some("u-3"));
    app.update(Action::PageUp);
    assert_eq!(selected_id(&app), Some("u-1"));
    app.update(Action::PageDown);
    assert_eq!(selected_id(&app), Some("u-3"));
    app.update(Action::First);
    assert_eq!(selected_id(&app), Some("u-1"));
}

#[test]
fn enter_opens_detail_then_review() {
    let mut app = loaded_app();
    app.update(Action::MoveDown);
    let job = app.update(Action::Open);
    assert!(
        matches!(&job, Some(Job::LoadDetail { identity_key, .. }) if identity_key == "User/u-2"),
        "{job:?}"
    );
    assert_eq!(app.mode(), Mode::Detail);
    app.update(Action::Open);
    assert_eq!(app.screen, Screen::Review);
    assert!(app.detail.is_none());
    assert_eq!(selected_id(&app), Some("u-2"));
}

#[test]
fn esc_closes_detail() {
    let mut app = loaded_app();
    app.update(Action::Open);
    app.update(Action::Back);
    assert!(app.detail.is_none());
    assert_eq!(app.screen, Screen::Identities);
}

#[test]
fn blank_revoke_is_refused() {
    let mut app = loaded_app();
    app.update(Action::ShowScreen(Screen::Review));
    app.update(Action::StartDecision(Verdict::Revoke));
    assert_eq!(app.mode(), Mode::Justification);
    type_text(&mut app, "   ");
    assert!(app.update(Action::InputSubmit).is_none());
    assert_eq!(app.mode(), Mode::Justification);
    let status = app.status.clone().expect("a message explains the refusal");
    assert!(status.is_error);
    assert!(
        status.text.contains("needs a justification"),
        "{}",
        status.text
    );
}

#[test]
fn blank_abstain_goes_to_engine() {
    let mut app = loaded_app();
    app.update(Action::ShowScreen(Screen::Review));
    app.update(Action::StartDecision(Verdict::Abstain));
    let Some(Job::Decide { new, .. }) = app.update(Action::InputSubmit) else {
        panic!("the engine decides whether an abstain needs a justification");
    };
    assert_eq!(new.verdict, Verdict::Abstain);
    assert_eq!(new.justification, "");
}

#[test]
fn rejected_bulk_shows_reason() {
    let mut app = loaded_app();
    app.screen = Screen::Review;
    app.update(Action::ToggleMark);
    app.update(Action::ToggleMark);
    app.update(Action::StartDecision(Verdict::Approve));
    app.update(Action::InputSubmit);
    app.update(Action::DecisionsSaved {
        identity_keys: vec!["User/u-1".into(), "User/u-2".into()],
        result: Err("rita owns or sponsors User/u-2 (as u-9)".into()),
    });
    assert!(app.identities.pending.is_empty());
    let status = app.status.clone().expect("the rejection is shown");
    assert!(status.is_error);
    assert!(status.text.contains("none of the 2"), "{}", status.text);
    assert!(status.text.contains("owns or sponsors"), "{}", status.text);
}

#[test]
fn decision_is_sent_and_shown() {
    let mut app = loaded_app();
    app.update(Action::ShowScreen(Screen::Review));
    app.update(Action::MoveDown);
    app.update(Action::StartDecision(Verdict::Revoke));
    type_text(&mut app, " left the team ");
    let Some(Job::Decide { new, .. }) = app.update(Action::InputSubmit) else {
        panic!("Enter sends the decision to the worker");
    };
    assert_eq!(new.identity, "User/u-2");
    assert_eq!(new.verdict, Verdict::Revoke);
    assert_eq!(new.reviewer, "rita");
    assert_eq!(new.justification, "left the team");
    assert!(app.prompt.is_none());
    assert_eq!(
        app.identities.pending.get("User/u-2"),
        Some(&Verdict::Revoke)
    );
    assert!(app.requests.busy());

    let reload = app.update(Action::DecisionSaved {
        identity_key: "User/u-2".into(),
        result: Ok(Box::new(decision("User/u-2", "revoke"))),
    });
    assert!(app.identities.pending.is_empty());
    assert_eq!(app.identities.rows[1].decision.as_deref(), Some("revoke"));
    assert_eq!(
        app.identities.decisions["User/u-2"].justification,
        "left the team"
    );
    let Some(Job::LoadIdentities { request, .. }) = reload else {
        panic!("a saved decision reloads the findings: {reload:?}");
    };
    let mut data = IdentityData {
        identities: app.identities.rows.clone(),
        decisions: vec![decision("User/u-2", "revoke")],
        ..IdentityData::default()
    };
    data.identities.reverse();
    load(&mut app, request, data, Vec::new());
    assert!(!app.requests.busy());
    assert_eq!(
        selected_id(&app),
        Some("u-2"),
        "the reload keeps the selection"
    );
    assert_eq!(app.identities.progress(), (1, 3));
}

#[test]
fn reload_waits_for_the_last_pending_decision() {
    let mut app = loaded_app();
    app.update(Action::ShowScreen(Screen::Review));
    for key in ["User/u-1", "User/u-2"] {
        app.update(Action::StartDecision(Verdict::Flag));
        app.update(Action::InputSubmit);
        assert!(app.identities.pending.contains_key(key));
        app.update(Action::MoveDown);
    }
    assert_eq!(app.requests.saving, 2);
    let first = app.update(Action::DecisionSaved {
        identity_key: "User/u-1".into(),
        result: Ok(Box::new(decision("User/u-1", "flag"))),
    });
    assert!(first.is_none(), "another decision is still on its way");
    let failed = app.update(Action::DecisionSaved {
        identity_key: "User/u-2".into(),
        result: Err("disk full".into()),
    });
    assert!(failed.is_none(), "a failed save changes nothing to reload");
    let mut app = loaded_app();
    app.update(Action::ShowScreen(Screen::Review));
    app.update(Action::StartDecision(Verdict::Flag));
    app.update(Action::InputSubmit);
    let bulk = app.update(Action::DecisionsSaved {
        identity_keys: vec!["User/u-1".into()],
        result: Ok(vec![decision("User/u-1", "flag")]),
    });
    assert!(matches!(bulk, Some(Job::LoadIdentities { .. })), "{bulk:?}");
}

fn decision(identity_key: &str, verdict: &str) -> Decision {
    Decision {
        row_version: 2,
        seq: 1,
        decided_at: "2026-12-01T00:00:00.000000Z".into(),
        campaign: None,
        identity_key: identity_key.into(),
        entitlement: None,
        verdict: verdict.into(),
        reviewer: "rita".into(),
        justification: "left the team".into(),
        snapshot_ids: vec![1],
        evidence_sha256: None,
        prev_sha256: "0".repeat(64),
        sha256: "1".repeat(64),
        current: true,
    }
}

#[test]
fn failed_decision_shows_error() {
    let mut app = loaded_app();
    app.update(Action::ShowScreen(Screen::Review));
    app.update(Action::StartDecision(Verdict::Flag));
    type_text(&mut app, "check");
    app.update(Action::InputSubmit);
    app.update(Action::DecisionSaved {
        identity_key: "User/u-1".into(),
        result: Err("database error: disk full".into()),
    });
    assert!(app.identities.pending.is_empty());
    assert_eq!(app.identities.rows[0].decision, None);
    let status = app.status.clone().expect("error status");
    assert!(status.is_error);
    assert!(status.text.contains("disk full"), "{}", status.text);
}

#[test]
fn decision_keys_ignored_outside_review() {
    let mut app = loaded_app();
    app.update(Action::StartDecision(Verdict::Approve));
    assert!(app.prompt.is_none());
}

#[test]
fn trace_prompt_starts_trace() {
    let mut app = loaded_app();
    app.update(Action::ShowScreen(Screen::Trace));
    app.update(Action::StartTraceInput);
    assert!(
        app.update(Action::InputSubmit).is_none(),
        "an empty ID is refused"
    );
    assert_eq!(app.mode(), Mode::TraceInput);
    type_text(&mut app, " run-1 ");
    let Some(Job::Trace { request, id }) = app.update(Action::InputSubmit) else {
        panic!("Enter traces the ID");
    };
    assert_eq!(id, "run-1");
    assert!(!app.trace.loaded);

    let alice = app.identities.rows[0].clone();
    app.update(Action::TraceLoaded {
        request,
        result: Ok(report(Trace {
            query: id,
            events: vec![event(Some(&alice)), event(None)],
            truncated: false,
        })),
    });
    assert!(app.trace.loaded);
    assert_eq!(app.trace.events.len(), 2);
}

#[test]
fn stale_trace_result_is_dropped() {
    let mut app = loaded_app();
    app.update(Action::StartTraceInput);
    type_text(&mut app, "old");
    let Some(Job::Trace { request: old, .. }) = app.update(Action::InputSubmit) else {
        panic!("first trace");
    };
    app.update(Action::StartTraceInput);
    type_text(&mut app, "new");
    let Some(Job::Trace { request: new, .. }) = app.update(Action::InputSubmit) else {
        panic!("second trace");
    };

    let stale = Trace {
        query: "old".into(),
        events: vec![event(None)],
        truncated: false,
    };
    app.update(Action::TraceLoaded {
        request: old,
        result: Ok(report(stale)),
    });
    assert!(!app.trace.loaded);
    assert_eq!(app.trace.query.as_deref(), Some("new"));

    let current = Trace {
        query: "new".into(),
        events: Vec::new(),
        truncated: false,
    };
    app.update(Action::TraceLoaded {
        request: new,
        result: Ok(report(current)),
    });
    assert!(app.trace.loaded);
    assert!(app.trace.events.is_empty());
}

#[test]
fn enter_on_event_selects_actor() {
    let mut app = loaded_app();
    let bot = app.identities.rows[2].clone();
    app.trace.set_result(Trace {
        query: "run-1".into(),
        events: vec![event(None), event(Some(&bot))],
        truncated: false,
    });
    app.update(Action::ShowScreen(Screen::Trace));
    app.update(Action::Open);
    assert_eq!(
        app.screen,
        Screen::Trace,
        "an unknown actor has no identity to open"
    );
    assert!(app.status.is_some());
    app.update(Action::MoveDown);
    app.update(Action::Open);
    assert_eq!(app.screen, Screen::Identities);
    assert_eq!(selected_id(&app), Some("u-3"));
}

#[test]
fn detail_scroll_resets_on_move() {
    let mut app = loaded_app();
    app.trace.set_result(Trace {
        query: "run-1".into(),
        events: vec![event(None), event(None)],
        truncated: false,
    });
    app.update(Action::ShowScreen(Screen::Trace));
    app.update(Action::ScrollDetailDown);
    assert_eq!(app.trace.detail_scroll, 3);
    app.update(Action::MoveDown);
    assert_eq!(app.trace.detail_scroll, 0);
}

#[test]
fn picker_loads_once_and_traces_pick() {
    let mut app = loaded_app();
    app.update(Action::ShowScreen(Screen::Trace));
    let Some(Job::LoadKnownIds { request }) = app.update(Action::OpenPicker) else {
        panic!("the first picker loads the IDs");
    };
    assert_eq!(app.mode(), Mode::Picker);
    let ids = vec![
        KnownId {
            id: "sess-7".into(),
            kind: "session".into(),
            count: 4,
        },
        KnownId {
            id: "run-1".into(),
            kind: "correlation".into(),
            count: 5,
        },
    ];
    app.update(Action::KnownIdsLoaded {
        request,
        result: Ok(ids),
    });
    type_text(&mut app, "ses");
    let Some(Job::Trace { id, .. }) = app.update(Action::InputSubmit) else {
        panic!("Enter traces the highlighted ID");
    };
    assert_eq!(id, "sess-7");
    assert!(
        app.update(Action::OpenPicker).is_none(),
        "the IDs are loaded already"
    );
}

#[test]
fn spinner_advances_only_while_busy() {
    let mut app = loaded_app();
    app.update(Action::Tick);
    assert_eq!(app.spinner, 0);
    app.update(Action::Reload);
    app.update(Action::Tick);
    assert_eq!(app.spinner, 1);
}

#[test]
fn load_error_shows_in_status() {
    let mut app = loaded_app();
    let Some(Job::LoadIdentities { request, .. }) = app.update(Action::Reload) else {
        panic!("R reloads");
    };
    app.update(Action::IdentitiesLoaded {
        request,
        result: Err("database error: IO Error".into()),
    });
    let status = app.status.clone().expect("error status");
    assert!(status.is_error);
    assert!(status.text.contains("IO Error"), "{}", status.text);
    assert_eq!(app.identities.rows.len(), 3, "the previous list stays");
    app.update(Action::MoveDown);
    assert!(app.status.is_none(), "a key press clears the message");
}

#[test]
fn worker_stop_quits() {
    let mut app = loaded_app();
    app.update(Action::WorkerStopped);
    assert!(app.should_quit);
    assert!(app.worker_stopped);
}

#[test]
fn quit_sets_flag() {
    let mut app = loaded_app();
    app.update(Action::Quit);
    assert!(app.should_quit);
}

#[test]
fn first_visit_loads_screen_data() {
    let mut app = loaded_app();
    let job = app.update(Action::ShowScreen(Screen::Events));
    assert!(matches!(
        job,
        Some(Job::LoadEvents {
            at: crate::case::PageAt::First,
            position: 0,
            with_summary: true,
            ..
        })
    ));
    let job = app.update(Action::ShowScreen(Screen::Overview));
    assert!(matches!(job, Some(Job::LoadOverview { .. })));
    let again = app.update(Action::ShowScreen(Screen::Overview));
    assert!(again.is_none(), "a pending load is not repeated");
}

/// Returns an event summary whose key is `n` and whose time is `n` seconds in.
fn event_summary(n: usize) -> crate::case::EventSummary {
    let ts = chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
        + chrono::Duration::seconds(n as i64);
    crate::case::EventSummary {
        event_key: n as i64,
        ts: crate::case::format_ts(&ts),
        key: crate::case::EventKey {
            ts,
            event_key: n as i64,
        },
        source_format: "okta".into(),
        action: "user.session.start".into(),
        outcome: "success".into(),
        actor: None,
        client_ip: None,
        correlation_id: None,
        session_id: None,
        request_id: None,
        event_id: None,
    }
}

/// Shows Events with the page of positions `from..from + len` loaded, of `total`.
fn events_app(from: usize, len: usize, total: usize) -> App {
    use crate::tui::worker::{EventsPage, EventsSummary};
    let mut app = loaded_app();
    let Some(Job::LoadEvents { request, .. }) = app.update(Action::ShowScreen(Screen::Events))
    else {
        panic!("no events load");
    };
    app.events.pending_target = Some(from);
    let page = EventsPage {
        offset: from,
        rows: (from..from + len).map(event_summary).collect(),
        summary: Some(EventsSummary {
            total,
            histogram: crate::case::Histogram::default(),
        }),
    };
    app.update(Action::EventsLoaded {
        request,
        result: Ok(page),
    });
    app
}

#[test]
fn event_move_loads_neighbour_page() {
    use crate::case::PageAt;
    use crate::tui::worker::EVENT_PAGE_ROWS as ROWS;
    let total = ROWS * 10;
    let mut app = events_app(ROWS * 3, ROWS, total);
    assert_eq!(app.events.position(), ROWS * 3);
    assert!(
        app.update(Action::MoveDown).is_none(),
        "the next row is on the page"
    );

    assert!(
        app.update(Action::MoveUp).is_none(),
        "back on the page's first row"
    );
    let job = app.update(Action::MoveUp);
    let Some(Job::LoadEvents {
        at,
        position,
        with_summary,
        ..
    }) = job
    else {
        panic!("no load before the page: {job:?}");
    };
    assert_eq!(at, PageAt::Before(event_summary(ROWS * 3).key));
    assert_eq!((position, with_summary), (ROWS * 3, false));
    assert_eq!(app.events.pending_target, Some(ROWS * 3 - 1));

    let mut app = events_app(ROWS * 3, ROWS, total);
    app.events.cursor.selected = ROWS - 1;
    let job = app.update(Action::MoveDown);
    let Some(Job::LoadEvents { at, position, .. }) = job else {
        panic!("no load after the page: {job:?}");
    };
    assert_eq!(at, PageAt::After(event_summary(ROWS * 4 - 1).key));
    assert_eq!(position, ROWS * 4);
    assert_eq!(app.events.pending_target, Some(ROWS * 4));
}

#[test]
fn event_ends_load_the_first_and_last_pages() {
    use crate::case::PageAt;
    use crate::tui::worker::EVENT_PAGE_ROWS as ROWS;
    let total = ROWS * 10 + 7;
    let mut app = events_app(ROWS * 3, ROWS, total);
    let job = app.update(Action::Last);
    assert!(
        matches!(job, Some(Job::LoadEvents { at: PageAt::Last, position, .. }) if position == total),
        "{job:?}"
    );
    assert_eq!(app.events.pending_target, Some(total - 1));
    let job = app.update(Action::First);
    assert!(
        matches!(
            job,
            Some(Job::LoadEvents {
                at: PageAt::First,
                position: 0,
                ..
            })
        ),
        "{job:?}"
    );
    assert_eq!(app.events.pending_target, Some(0));
}

#[test]
fn event_without_ids_cannot_pivot() {
    let mut app = loaded_app();
    app.screen = Screen::Events;
    app.events.rows = vec![crate::case::EventSummary {
        event_key: 1,
        ts: String::new(),
        key: crate::case::EventKey::default(),
        source_format: "okta".into(),
        action: "a".into(),
        outcome: "success".into(),
        actor: None,
        client_ip: None,
        correlation_id: None,
        session_id: None,
        request_id: None,
        event_id: None,
    }];
    assert!(app.update(Action::Open).is_none());
    assert!(app.status.is_some(), "a message says why");
}

#[test]
fn marks_gather_bulk_decision() {
    let mut app = loaded_app();
    app.screen = Screen::Review;
    app.update(Action::ToggleMark);
    app.update(Action::ToggleMark);
    assert_eq!(app.identities.marked.len(), 2);
    assert_eq!(app.identities.cursor.selected, 2, "Space moves down");
    app.update(Action::StartDecision(Verdict::Revoke));
    for c in "left the team".chars() {
        app.update(Action::InputChar(c));
    }
    let job = app.update(Action::InputSubmit);
    let Some(Job::DecideAll { decisions, .. }) = job else {
        panic!("expected one bulk job, got {job:?}");
    };
    let keys: Vec<&str> = decisions.iter().map(|d| d.identity.as_str()).collect();
    assert_eq!(keys, ["User/u-1", "User/u-2"]);
    assert!(app.identities.marked.is_empty());
    assert_eq!(app.identities.pending.len(), 2);
}

#[test]
fn esc_on_review_clears_marks_first() {
    let mut app = loaded_app();
    app.screen = Screen::Review;
    app.update(Action::ToggleMark);
    app.update(Action::Back);
    assert!(app.identities.marked.is_empty());
}

#[test]
fn actor_pivot_traces_identity() {
    let mut app = loaded_app();
    let bot = app.identities.rows[2].clone();
    app.trace.set_result(Trace {
        query: "run-1".into(),
        events: vec![event(None), event(Some(&bot))],
        truncated: false,
    });
    app.screen = Screen::Trace;
    assert!(app.update(Action::TraceActor).is_none());
    assert!(app.status.as_ref().is_some_and(|s| s.is_error));
    app.update(Action::MoveDown);
    let Some(Job::Trace { id, .. }) = app.update(Action::TraceActor) else {
        panic!("a known actor's identity is traced");
    };
    assert_eq!(id, "User/u-3");
    assert_eq!(app.trace.query.as_deref(), Some("User/u-3"));
}

#[test]
fn link_pivot_needs_parent() {
    let mut app = loaded_app();
    app.trace.set_result(Trace {
        query: "run-1".into(),
        events: vec![event(None)],
        truncated: false,
    });
    app.screen = Screen::Trace;
    assert!(app.update(Action::TraceLinkValue).is_none());
    let status = app.status.clone().expect("a message says why");
    assert!(status.text.contains("root"), "{}", status.text);
}

#[test]
fn bookmark_prompt_sends_note() {
    let mut app = loaded_app();
    app.trace.set_result(Trace {
        query: "run-1".into(),
        events: vec![event(None)],
        truncated: false,
    });
    app.screen = Screen::Trace;
    app.update(Action::StartBookmark);
    assert_eq!(app.mode(), Mode::BookmarkNote);
    type_text(&mut app, " first use of the token ");
    let Some(Job::Bookmark {
        event_key,
        note,
        author,
    }) = app.update(Action::InputSubmit)
    else {
        panic!("Enter sends the bookmark to the worker");
    };
    assert_eq!(event_key, 1);
    assert_eq!(note, "first use of the token");
    assert_eq!(author, "rita");
    assert!(app.prompt.is_none());
}

#[test]
fn explain_opens_and_closes() {
    let mut app = loaded_app();
    app.update(Action::MoveDown);
    app.update(Action::Explain);
    assert_eq!(app.mode(), Mode::Explain);
    let key = app.explain.as_ref().map(|v| v.identity_key.as_str());
    assert_eq!(key, Some("User/u-2"));
    app.update(Action::ScrollExplain(3));
    assert_eq!(app.explain.as_ref().map(|v| v.scroll), Some(3));
    app.update(Action::Back);
    assert!(app.explain.is_none());
}

/// Builds an app whose list contains `count` identities, u-0 first.
fn app_with_identities(count: usize) -> App {
    let mut app = App::new("rita".into(), "case.duckdb".into());
    let Job::LoadIdentities { request, .. } = app.initial_job() else {
        panic!("the initial job loads identities");
    };
    let identities = (0..count)
        .map(|i| {
            identity(
                &format!("u-{i}"),
                &format!("user{i:03}"),
                IdentityKind::Human,
                true,
            )
        })
        .collect();
    let data = IdentityData {
        identities,
        ..IdentityData::default()
    };
    load(&mut app, request, data, Vec::new());
    app
}

fn draw(app: &App) -> String {
    let backend = ratatui::backend::TestBackend::new(80, 24);
    let mut terminal = ratatui::Terminal::new(backend).expect("test terminal");
    terminal
        .draw(|frame| crate::tui::ui::render(frame, app))
        .expect("draw");
    terminal.backend().to_string()
}

#[test]
fn click_on_scrolled_list() {
    let mut app = app_with_identities(100);
    draw(&app);
    let page = app.identities.cursor.page_rows.get();
    assert!(page > 5, "the table has room for rows: {page}");
    for _ in 0..page + 10 {
        app.update(Action::MoveDown);
    }
    let screen = draw(&app);
    let offset = app.identities.cursor.offset.get();
    assert_eq!(offset, 11, "scrolled just far enough to show the selection");
    assert!(screen.contains("user011"), "{screen}");
    assert!(!screen.contains("user010"), "{screen}");
    let top = app.identities.cursor.first_row_y.get().expect("drawn");
    app.update(Action::Click { y: top + 2 });
    assert_eq!(selected_id(&app), Some("u-13"));
    app.update(Action::First);
    draw(&app);
    app.update(Action::Click { y: top + 1 });
    assert_eq!(selected_id(&app), Some("u-1"), "the view scrolled back up");
    app.update(Action::Click { y: top });
    assert_eq!(selected_id(&app), Some("u-0"), "the view scrolled back up");
}

#[test]
fn owner_shows_the_owners_label() {
    let mut app = App::new("rita".into(), "case.duckdb".into());
    let Job::LoadIdentities { request, .. } = app.initial_job() else {
        panic!("the initial job loads identities");
    };
    let mut bot = identity("u-2", "invoice-bot", IdentityKind::Agent, true);
    bot.owner = Some("u-1".into());
    let mut orphan = identity("u-3", "report-bot", IdentityKind::Agent, true);
    orphan.owner = Some("gone".into());
    let data = IdentityData {
        identities: vec![
            identity("u-1", "alice.chen", IdentityKind::Human, true),
            bot,
            orphan,
        ],
        ..IdentityData::default()
    };
    load(&mut app, request, data, Vec::new());

    let screen = draw(&app);
    let row = |name: &str| {
        let line = screen.lines().find(|line| line.contains(name));
        line.unwrap_or_else(|| panic!("no row {name} in {screen}"))
            .to_string()
    };
    assert_eq!(row("invoice-bot").matches("alice.chen").count(), 1);
    assert!(
        row("report-bot").contains("gone"),
        "an unknown owner shows its id"
    );
}

fn status_text(app: &App) -> &str {
    app.status.as_ref().map_or("", |s| s.text.as_str())
}

#[test]
fn search_on_trace_counts_and_wraps() {
    let mut app = loaded_app();
    let alice = app.identities.rows[0].clone();
    let mut events: Vec<TraceEvent> = (0..5).map(|_| event(Some(&alice))).collect();
    for (i, event) in events.iter_mut().enumerate() {
        event.event_key = i as i64;
        event.ts = format!("2026-11-02T10:0{i}:00.000000Z");
    }
    events[1].action = "Token.Grant".into();
    events[3].action = "token.revoke".into();
    app.trace.set_result(Trace {
        query: "run-1".into(),
        events,
        truncated: false,
    });
    app.screen = Screen::Trace;

    app.update(Action::SearchNext);
    assert_eq!(status_text(&app), "No search yet; press / to type one.");
    app.update(Action::StartSearch);
    assert_eq!(app.mode(), Mode::SearchInput);
    type_text(&mut app, "TOKEN");
    app.update(Action::InputSubmit);
    assert!(app.prompt.is_none());
    assert_eq!(app.trace.cursor.selected, 1);
    assert_eq!(status_text(&app), "match 1 of 2 for \"TOKEN\"");
    app.update(Action::SearchNext);
    assert_eq!(app.trace.cursor.selected, 3);
    assert_eq!(status_text(&app), "match 2 of 2 for \"TOKEN\"");
    app.update(Action::SearchNext);
    assert_eq!(app.trace.cursor.selected, 1, "wraps to the first match");
    app.update(Action::SearchPrevious);
    assert_eq!(app.trace.cursor.selected, 3, "wraps to the last match");

    app.update(Action::StartSearch);
    type_text(&mut app, "nowhere");
    app.update(Action::InputSubmit);
    assert_eq!(
        app.trace.cursor.selected, 3,
        "no match leaves the selection"
    );
    assert_eq!(status_text(&app), "no match for \"nowhere\"");
}

#[test]
fn identities_n_finds_filter_text() {
    let mut app = app_with_identities(30);
    app.update(Action::SearchNext);
    assert_eq!(
        status_text(&app),
        "No filter text to look for; press / to type one."
    );
    app.update(Action::StartFilter);
    type_text(&mut app, "user02");
    app.update(Action::InputSubmit);
    let matches = app.identities.visible.len();
    assert!(matches >= 10, "user020 to user029 pass the filter");
    let before = app.identities.cursor.selected;
    app.update(Action::SearchNext);
    let after = app.identities.cursor.selected;
    assert_ne!(before, after);
    let name = app.identities.selected().and_then(|r| r.user_name.clone());
    assert!(name.is_some_and(|n| n.contains("user02")));
    assert!(status_text(&app).starts_with("match 2 of 10 for \"user02\""));
}

/// Builds a campaign over alice and invoice-bot, two of the loaded app's three identities.
fn campaign_queue() -> crate::tui::worker::CampaignQueue {
    let item = |key: &str, label: &str| crate::case::CampaignItem {
        identity_key: key.into(),
        label: label.into(),
        verdict: None,
        reviewer: None,
    };
    crate::tui::worker::CampaignQueue {
        campaign: crate::case::Campaign {
            campaign_id: "C1".into(),
            name: "Q4 mixed".into(),
            created_at: "2026-11-01T00:00:00.000000Z".into(),
            snapshot_id: 1,
            scope: crate::case::CampaignScope::default(),
            reviewers: vec!["rita".into()],
            due_date: "2099-12-31".into(),
        },
        items: vec![
            item("User/u-1", "alice.chen"),
            item("User/u-3", "invoice-bot"),
        ],
    }
}

/// Builds an app that works `campaign_queue`'s campaign, loaded as after the initial job.
fn campaign_app() -> App {
    let queue = campaign_queue();
    let mut app = App::new("rita".into(), "case.duckdb".into()).with_review(ReviewSetup {
        rules: crate::review::rules::RuleSet::builtin(),
        campaign: Some(queue.campaign.clone()),
    });
    let Job::LoadIdentities { request, review } = app.initial_job() else {
        panic!("the initial job loads identities");
    };
    assert_eq!(
        review.campaign_id(),
        Some("C1"),
        "the load asks for the items"
    );
    let data = IdentityData {
        identities: vec![
            identity("u-1", "alice.chen", IdentityKind::Human, true),
            identity("u-2", "bob.okafor", IdentityKind::Human, true),
            identity("u-3", "invoice-bot", IdentityKind::Agent, false),
        ],
        campaign: Some(queue),
        ..IdentityData::default()
    };
    load(&mut app, request, data, Vec::new());
    app
}

fn visible_ids(app: &App) -> Vec<String> {
    app.identities
        .visible_rows()
        .map(|r| r.id.clone())
        .collect()
}

#[test]
fn campaign_scopes_the_review_queue_only() {
    let mut app = campaign_app();
    assert_eq!(
        visible_ids(&app),
        ["u-1", "u-2", "u-3"],
        "Identities lists all"
    );
    app.update(Action::MoveDown);
    app.update(Action::MoveDown);
    app.update(Action::ShowScreen(Screen::Review));
    assert_eq!(visible_ids(&app), ["u-1", "u-3"]);
    assert_eq!(app.identities.total(), 2);
    assert_eq!(
        app.identities.selected().map(|r| r.id.as_str()),
        Some("u-3"),
        "the selection follows the identity into the queue"
    );
    assert_eq!(app.identities.progress(), (0, 2), "the gauge counts items");
    app.update(Action::ShowScreen(Screen::Identities));
    assert_eq!(visible_ids(&app), ["u-1", "u-2", "u-3"]);
    assert_eq!(app.identities.progress(), (0, 3));
}

#[test]
fn campaign_filter_stays_in_queue() {
    let mut app = campaign_app();
    app.update(Action::ShowScreen(Screen::Review));
    app.update(Action::StartFilter);
    type_text(&mut app, "o");
    assert_eq!(
        visible_ids(&app),
        ["u-3"],
        "bob.okafor matches but is out of scope"
    );
}

#[test]
fn campaign_decisions_carry_its_id() {
    let mut app = campaign_app();
    app.update(Action::ShowScreen(Screen::Review));
    app.update(Action::StartDecision(Verdict::Flag));
    let Some(Job::Decide { new, review }) = app.update(Action::InputSubmit) else {
        panic!("Enter sends the decision to the worker");
    };
    assert_eq!(new.identity, "User/u-1");
    assert_eq!(review.campaign_id(), Some("C1"));

    app.update(Action::ToggleMark);
    app.update(Action::ToggleMark);
    app.update(Action::StartDecision(Verdict::Flag));
    let Some(Job::DecideAll { decisions, review }) = app.update(Action::InputSubmit) else {
        panic!("a bulk decision is one job");
    };
    assert_eq!(decisions.len(), 2);
    assert_eq!(review.campaign_id(), Some("C1"));

    let mut saved = decision("User/u-1", "flag");
    saved.campaign = Some("C1".into());
    app.update(Action::DecisionSaved {
        identity_key: "User/u-1".into(),
        result: Ok(Box::new(saved)),
    });
    assert_eq!(app.identities.progress(), (1, 2));
}

#[test]
fn outside_decision_keeps_campaign_progress() {
    let mut app = campaign_app();
    app.update(Action::ShowScreen(Screen::Review));
    app.update(Action::DecisionSaved {
        identity_key: "User/u-1".into(),
        result: Ok(Box::new(decision("User/u-1", "flag"))),
    });
    assert_eq!(app.identities.progress(), (0, 2));
}

#[test]
fn without_campaign_decisions_carry_none() {
    let mut app = loaded_app();
    app.update(Action::ShowScreen(Screen::Review));
    assert_eq!(visible_ids(&app), ["u-1", "u-2", "u-3"]);
    app.update(Action::StartDecision(Verdict::Flag));
    let Some(Job::Decide { review, .. }) = app.update(Action::InputSubmit) else {
        panic!("Enter sends the decision to the worker");
    };
    assert_eq!(review.campaign_id(), None);
}

#[test]
fn deleted_identity_shows_deleted() {
    let mut app = App::new("rita".into(), "case.duckdb".into());
    let Job::LoadIdentities { request, .. } = app.initial_job() else {
        panic!("the initial job loads identities");
    };
    let mut deleted = identity("u-9", "erin.gone", IdentityKind::Human, true);
    deleted.deleted_in = Some(2);
    let data = IdentityData {
        identities: vec![deleted],
        decisions: Vec::new(),
        ..IdentityData::default()
    };
    load(&mut app, request, data, Vec::new());

    let screen = draw(&app);
    let line = screen
        .lines()
        .find(|line| line.contains("erin.gone"))
        .expect("the identity is listed");
    assert!(line.contains("deleted"), "{line}");
    assert!(!line.contains("active"), "{line}");
}

fn finding(subject: &str) -> Finding {
    Finding {
        id: format!("orphaned-identity:{subject}"),
        rule: "orphaned-identity".into(),
        check: crate::review::rules::Check::OrphanedIdentity,
        title: "No active owner or sponsor".into(),
        severity: crate::review::rules::Severity::High,
        threshold: "-".into(),
        subject: subject.into(),
        entitlement: None,
        summary: "no owner".into(),
        controls: Vec::new(),
        evidence: Vec::new(),
    }
}

/// Builds an app whose identities have arrived and whose findings are still computing,
/// and returns the findings job's request number.
fn app_computing_findings() -> (App, u64) {
    let mut app = App::new("rita".into(), "case.duckdb".into());
    let Job::LoadIdentities { request, .. } = app.initial_job() else {
        panic!("the initial job loads the identities alone");
    };
    let data = IdentityData {
        identities: vec![
            identity("u-1", "alice.chen", IdentityKind::Human, true),
            identity("u-3", "invoice-bot", IdentityKind::Agent, false),
        ],
        ..IdentityData::default()
    };
    let job = app.update(Action::IdentitiesLoaded {
        request,
        result: Ok(data),
    });
    let Some(Job::LoadFindings { request, .. }) = job else {
        panic!("the identities ask for their findings next: {job:?}");
    };
    (app, request)
}

#[test]
fn identities_show_before_findings() {
    let (mut app, request) = app_computing_findings();
    assert_eq!(
        app.identities.visible.len(),
        2,
        "the list is usable at once"
    );
    assert!(!app.identities.findings_loaded);
    assert!(app.requests.busy(), "the spinner runs while the rules do");
    let screen = draw(&app);
    let bot = screen.lines().find(|l| l.contains("invoice-bot"));
    let bot = bot.unwrap_or_else(|| panic!("the bot is listed: {screen}"));
    assert!(bot.contains('…'), "the count is not a 0 yet: {bot}");

    app.update(Action::FindingsLoaded {
        request,
        result: Ok(vec![finding("User/u-3")]),
    });
    assert!(app.identities.findings_loaded);
    assert!(!app.requests.busy());
    assert_eq!(app.identities.finding_count("User/u-3"), 1);
    assert_eq!(app.identities.finding_count("User/u-1"), 0);
    let screen = draw(&app);
    assert!(!screen.contains('…'), "{screen}");
}

#[test]
fn decisions_wait_for_findings() {
    let (mut app, request) = app_computing_findings();
    app.update(Action::ShowScreen(Screen::Review));
    app.update(Action::MoveDown);
    app.update(Action::StartDecision(Verdict::Approve));
    assert!(
        app.prompt.is_none(),
        "no decision before the findings are shown"
    );
    assert!(
        status_text(&app).contains("still being computed"),
        "{}",
        status_text(&app)
    );
    app.update(Action::ToggleMark);
    app.update(Action::StartDecision(Verdict::Flag));
    assert!(app.prompt.is_none(), "nor a bulk one");

    app.update(Action::FindingsLoaded {
        request,
        result: Ok(vec![finding("User/u-3")]),
    });
    app.update(Action::StartDecision(Verdict::Approve));
    assert_eq!(app.mode(), Mode::Justification);
    assert!(
        app.update(Action::InputSubmit).is_none(),
        "the findings that arrived make a blank approve need a reason"
    );
    assert!(status_text(&app).contains("needs a justification"));
}

#[test]
fn reload_keeps_findings_until_new_ones_arrive() {
    let mut app = loaded_app();
    let Some(Job::LoadIdentities { request, .. }) = app.update(Action::Reload) else {
        panic!("R reloads the identities");
    };
    let data = IdentityData {
        identities: app.identities.rows.clone(),
        ..IdentityData::default()
    };
    let job = app.update(Action::IdentitiesLoaded {
        request,
        result: Ok(data),
    });
    assert!(matches!(job, Some(Job::LoadFindings { .. })), "{job:?}");
    assert!(
        app.identities.findings_loaded,
        "the last findings stay shown"
    );
    app.update(Action::ShowScreen(Screen::Review));
    app.update(Action::StartDecision(Verdict::Flag));
    assert_eq!(
        app.mode(),
        Mode::Justification,
        "deciding goes on meanwhile"
    );
}

#[test]
fn stale_findings_are_dropped() {
    let (mut app, older) = app_computing_findings();
    let Some(Job::LoadIdentities { request, .. }) = app.update(Action::Reload) else {
        panic!("R reloads the identities");
    };
    let data = IdentityData {
        identities: app.identities.rows.clone(),
        ..IdentityData::default()
    };
    let job = app.update(Action::IdentitiesLoaded {
        request,
        result: Ok(data),
    });
    let Some(Job::LoadFindings { request: newer, .. }) = job else {
        panic!("the reload runs the rules again: {job:?}");
    };
    app.update(Action::FindingsLoaded {
        request: older,
        result: Ok(vec![finding("User/u-1")]),
    });
    assert!(!app.identities.findings_loaded, "a newer run is on its way");
    assert_eq!(app.identities.finding_count("User/u-1"), 0);
    app.update(Action::FindingsLoaded {
        request: newer,
        result: Ok(vec![finding("User/u-3")]),
    });
    assert_eq!(app.identities.finding_count("User/u-3"), 1);
    assert!(!app.requests.busy());
}

#[test]
fn failed_findings_leave_the_list() {
    let (mut app, request) = app_computing_findings();
    app.update(Action::FindingsLoaded {
        request,
        result: Err("out of memory".into()),
    });
    assert!(app.identities.findings_loaded);
    assert_eq!(
        app.identities.findings_error.as_deref(),
        Some("out of memory")
    );
    assert_eq!(app.identities.visible.len(), 2);
}

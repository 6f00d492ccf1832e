//! The text form of a trace: a summary, the exact links as an indented tree, the inferred
//! events apart from it, then flags and gaps.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use crate::model::{StateBasis, TraceEvent};
use crate::sanitize;
use crate::trace::TraceReport;
use crate::trace::graph::{Strength, best_links};
use crate::trace::stages::classify;

use super::{actor, identity_cell, matched_directly, outcome_cell};
use crate::cli::output::counted;

pub fn render(report: &TraceReport) -> String {
    let trace = &report.trace;
    let query = sanitize::for_terminal(&trace.query);
    let mut out = String::new();
    if trace.events.is_empty() {
        let _ = writeln!(out, "no events carry {query}");
        return out;
    }
    let direct = trace.events.iter().filter(|e| matched_directly(e)).count();
    let exact = report
        .links
        .iter()
        .filter(|l| l.strength == Strength::Exact)
        .count();
    let _ = writeln!(
        out,
        "{} {query}, {} more joined through exact links; {}",
        counted(direct, "event carries", "events carry"),
        trace.events.len() - direct,
        counted(exact, "exact link", "exact links")
    );
    write_tree(&mut out, report);
    let before_snapshots = trace
        .events
        .iter()
        .filter(|e| {
            e.identity
                .as_ref()
                .is_some_and(|i| i.state_basis == StateBasis::OldestAfter)
        })
        .count();
    if before_snapshots == 1 {
        let _ = writeln!(
            out,
            "note: 1 of these events predates every snapshot; its identity shows the state of the oldest snapshot that has it"
        );
    } else if before_snapshots > 1 {
        let _ = writeln!(
            out,
            "note: {before_snapshots} of these events predate every snapshot; their identities show the state of the oldest snapshot that has them"
        );
    }
    if let Some(seconds) = report.inferred_window_seconds {
        write_inferred(&mut out, report, seconds);
    }
    write_findings(&mut out, "flags", &report.flags, &trace.events);
    write_findings(&mut out, "gaps", &report.gaps, &trace.events);
    out
}

fn write_tree(out: &mut String, report: &TraceReport) {
    let events = &report.trace.events;
    let mut children: BTreeMap<Option<i64>, Vec<&TraceEvent>> = BTreeMap::new();
    for event in events {
        children
            .entry(report.tree.get(&event.event_key).copied())
            .or_default()
            .push(event);
    }
    let via = best_links(&report.links);
    let mut stack: Vec<(&TraceEvent, usize)> = children
        .get(&None)
        .into_iter()
        .flatten()
        .rev()
        .map(|event| (*event, 0))
        .collect();
    while let Some((event, depth)) = stack.pop() {
        let parent = report.tree.get(&event.event_key);
        let label = parent
            .and_then(|p| via.get(&(*p, event.event_key)))
            .map(|link| format!("<- {} ", link.kind))
            .unwrap_or_default();
        let _ = writeln!(out, "{}{label}{}", "  ".repeat(depth), line(event));
        if let Some(kids) = children.get(&Some(event.event_key)) {
            stack.extend(kids.iter().rev().map(|kid| (*kid, depth + 1)));
        }
    }
}

/// Formats one event: time, event key (for `bookmark`), stage, source, action, actor with
/// its identity state, and outcome.
fn line(event: &TraceEvent) -> String {
    format!(
        "{}  #{}  [{}] {}  {}  {} ({})  {}",
        event.ts,
        event.event_key,
        classify(event).label(),
        event.source_format,
        sanitize::for_terminal(&event.action),
        actor(event),
        identity_cell(event),
        outcome_cell(event)
    )
}

fn write_inferred(out: &mut String, report: &TraceReport, seconds: i64) {
    let _ = writeln!(
        out,
        "\ninferred, not exact: {} of the same identity within {seconds}s",
        counted(report.inferred_events.len(), "event", "events")
    );
    for event in &report.inferred_events {
        let _ = writeln!(out, "  ~ {}", line(event));
    }
}

fn write_findings(
    out: &mut String,
    title: &str,
    findings: &[crate::trace::Finding],
    events: &[TraceEvent],
) {
    if findings.is_empty() {
        return;
    }
    let times: HashMap<i64, &str> = events
        .iter()
        .map(|e| (e.event_key, e.ts.as_str()))
        .collect();
    let _ = writeln!(out, "\n{title}:");
    for finding in findings {
        let _ = writeln!(
            out,
            "  {}  {}  {}",
            times.get(&finding.event_key).copied().unwrap_or("-"),
            finding.kind,
            sanitize::for_terminal(&finding.detail)
        );
    }
}

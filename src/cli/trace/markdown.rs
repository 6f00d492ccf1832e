//! The Markdown form of a trace, for a report: a summary, tables of events, links,
//! flags and gaps. Evidence text is escaped so that it can neither break the table nor
//! render as a link, an image or other markup.

use std::fmt::Write as _;

use crate::model::TraceEvent;
use crate::trace::graph::Strength;
use crate::trace::stages::classify;
use crate::trace::{Finding, TraceReport};

use super::{actor, identity_cell, outcome_cell};
use crate::cli::output::counted;

pub fn render(report: &TraceReport) -> String {
    let trace = &report.trace;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Trace of `{}`\n",
        // Nothing inside a code span is markup, so only its closing backtick needs care.
        crate::sanitize::for_terminal(&trace.query).replace('`', "'")
    );
    let exact = report
        .links
        .iter()
        .filter(|l| l.strength == Strength::Exact)
        .count();
    let _ = writeln!(
        out,
        "{}, {}, {}, {}, {}.\n",
        counted(trace.events.len(), "event", "events"),
        counted(exact, "exact link", "exact links"),
        counted(
            report.links.len() - exact,
            "inferred link",
            "inferred links"
        ),
        counted(report.flags.len(), "flag", "flags"),
        counted(report.gaps.len(), "gap", "gaps")
    );
    if trace.truncated {
        out.push_str("The trace stopped following links at its limit; more events are linked.\n\n");
    }
    write_events(&mut out, "Events", &trace.events);
    if !report.inferred_events.is_empty() {
        write_events(
            &mut out,
            "Inferred events (same identity, not exact)",
            &report.inferred_events,
        );
    }
    if !report.links.is_empty() {
        out.push_str(
            "### Links\n\n| from | to | kind | strength | value |\n|---|---|---|---|---|\n",
        );
        for link in &report.links {
            let strength = match link.strength {
                Strength::Exact => "exact",
                Strength::Inferred => "inferred",
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {strength} | {} |",
                link.from,
                link.to,
                link.kind,
                cell(&link.value)
            );
        }
        out.push('\n');
    }
    write_findings(&mut out, "Flags", &report.flags);
    write_findings(&mut out, "Gaps", &report.gaps);
    out
}

fn write_events(out: &mut String, title: &str, events: &[TraceEvent]) {
    let _ = writeln!(
        out,
        "### {title}\n\n| event | time (UTC) | stage | source | action | actor | identity | outcome |\n|---|---|---|---|---|---|---|---|"
    );
    for event in events {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            event.event_key,
            event.ts,
            classify(event).label(),
            event.source_format,
            cell(&event.action),
            cell(&actor(event)),
            cell(&identity_cell(event)),
            cell(&outcome_cell(event))
        );
    }
    out.push('\n');
}

fn write_findings(out: &mut String, title: &str, findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {title}\n");
    for finding in findings {
        let _ = writeln!(
            out,
            "- event {}: {}: {}",
            finding.event_key,
            finding.kind,
            cell(&finding.detail)
        );
    }
    out.push('\n');
}

fn cell(text: &str) -> String {
    crate::sanitize::for_markdown(text)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cell_escapes_table_breakers() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("<script>"), "\\<script\\>");
        assert_eq!(cell("a\\b"), "a\\\\b");
    }

    #[test]
    fn cell_keeps_links_inert() {
        assert_eq!(cell("[x](y)"), "\\[x\\]\\(y\\)");
    }
}

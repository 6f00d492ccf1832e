//! The lines that describe one trace event: what happened, who acted, where the record
//! came from, and the raw record pretty-printed. Every evidence string is escaped.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme::{self, evidence, evidence_or_dash};
use crate::model::{StateBasis, TraceEvent};
use crate::tui::state::IdentityList;

/// How many hex digits of a source file's SHA-256 the detail shows.
const SHA256_PREFIX_LEN: usize = 16;

/// The width of the detail pane's field names, in columns.
const LABEL_WIDTH: usize = 12;

/// Returns the actor as the event table shows it: the resolved identity's userName, or
/// its label in `identities` (displayName, then SCIM id), else `UNKNOWN actor` with the
/// actor id from the event.
pub fn actor_label(event: &TraceEvent, identities: &IdentityList) -> String {
    let Some(identity) = &event.identity else {
        return match &event.actor_id {
            Some(id) => format!("UNKNOWN actor {}", evidence(id)),
            None => "UNKNOWN actor".to_string(),
        };
    };
    let name = identity
        .user_name
        .as_deref()
        .or_else(|| identities.label_of(&identity.identity_key))
        .unwrap_or(&identity.id);
    evidence(name)
}

/// Returns the warning for an event whose actor was inactive, deleted or not yet
/// provisioned in SCIM at the event's time, or is missing from it.
pub fn actor_marker(event: &TraceEvent) -> Option<Span<'static>> {
    match &event.identity {
        Some(identity) => identity
            .marker()
            .map(|marker| Span::styled(marker, theme::ERROR)),
        None => Some(Span::styled(
            "UNKNOWN",
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        )),
    }
}

/// Builds the detail pane's lines for `event`: what happened, the identity match and the
/// provenance first, so they show in a short pane, then the other ids and the raw record.
pub fn lines(event: &TraceEvent, identities: &IdentityList) -> Vec<Line<'static>> {
    let time = format!("{} · {}", event.ts, evidence(&event.source_format));
    let action = format!("{} → {}", evidence(&event.action), evidence(&event.outcome));
    let mut lines = vec![field("Time", time), field("Action", action)];
    if let Some(reason) = &event.reason {
        lines.push(field("Reason", evidence(reason)));
    }
    lines.push(actor_line(event, identities));

    let digest = sha_prefix(&event.source_sha256);
    lines.push(field("File", evidence(&event.source_path)));
    lines.push(field(
        "SHA-256",
        format!("{digest}… · record {}", event.record_pos),
    ));

    lines.push(field("Matched on", evidence(&event.matched_on.join(", "))));
    lines.push(field("Actor id", actor_ids(event)));
    lines.push(field(
        "Event id",
        evidence_or_dash(event.event_id.as_deref()),
    ));
    lines.push(field("IDs", related_ids(event)));
    lines.push(field("As recorded", evidence(&event.ts_original)));
    lines.push(field("Targets", evidence(&event.targets.to_string())));

    lines.push(Line::styled("Raw record", theme::HEADER_ROW));
    lines.extend(raw_lines(&event.raw).into_iter().map(Line::from));
    lines
}

fn field(name: &str, value: String) -> Line<'static> {
    Line::from(vec![label(name), Span::raw(value)])
}

fn label(name: &str) -> Span<'static> {
    Span::styled(format!("{name:<LABEL_WIDTH$}"), theme::LABEL)
}

fn actor_line(event: &TraceEvent, identities: &IdentityList) -> Line<'static> {
    let mut spans = vec![label("Actor")];
    let name = actor_label(event, identities);
    match &event.identity {
        Some(identity) => {
            spans.push(Span::styled(
                name,
                Style::new().add_modifier(Modifier::BOLD),
            ));
            spans.push(Span::raw(format!(" {} ", evidence(&identity.identity_key))));
            spans.push(theme::kind_badge(identity.kind));
            spans.push(Span::raw(" "));
            match identity.state_basis {
                StateBasis::Deleted => spans.push(Span::styled("DELETED", theme::ERROR)),
                StateBasis::NotYetProvisioned => {
                    spans.push(Span::styled("NOT YET PROVISIONED", theme::ERROR))
                }
                StateBasis::AsOf | StateBasis::OldestAfter => {
                    spans.push(theme::active_state(identity.active))
                }
            }
            spans.push(Span::raw(format!(" in snapshot {}", identity.snapshot_id)));
            if identity.state_basis == StateBasis::OldestAfter {
                spans.push(Span::raw(" (taken after the event)"));
            }
            let matched_by = evidence(&identity.matched_by);
            spans.push(Span::raw(format!(", matched by {matched_by}")));
        }
        None => {
            spans.push(Span::styled(name, theme::ERROR));
            spans.push(Span::raw(", not in the SCIM snapshots"));
        }
    }
    Line::from(spans)
}

fn actor_ids(event: &TraceEvent) -> String {
    format!(
        "{} · type {} · name {}",
        evidence_or_dash(event.actor_id.as_deref()),
        evidence_or_dash(event.actor_type.as_deref()),
        evidence_or_dash(event.actor_display.as_deref()),
    )
}

fn related_ids(event: &TraceEvent) -> String {
    format!(
        "session {} · correlation {} · request {} · IP {}",
        evidence_or_dash(event.session_id.as_deref()),
        evidence_or_dash(event.correlation_id.as_deref()),
        evidence_or_dash(event.request_id.as_deref()),
        evidence_or_dash(event.client_ip.as_deref()),
    )
}

fn sha_prefix(sha256: &str) -> String {
    evidence(sha256.get(..SHA256_PREFIX_LEN).unwrap_or(sha256))
}

/// Returns the raw record pretty-printed when it parses as JSON, else as stored, as one
/// escaped string per line.
pub fn raw_lines(raw: &str) -> Vec<String> {
    let pretty = serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok());
    pretty
        .as_deref()
        .unwrap_or(raw)
        .lines()
        .map(evidence)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_lines_pretty_print_json() {
        let lines = raw_lines(r#"{"a":1,"b":[true]}"#);
        assert_eq!(
            lines,
            ["{", "  \"a\": 1,", "  \"b\": [", "    true", "  ]", "}"]
        );
    }

    #[test]
    fn raw_lines_escape_controls() {
        let lines = raw_lines("{\"name\":\"x\u{202e}y\"}");
        assert!(
            lines.iter().any(|line| line.contains("x\\u{202e}y")),
            "{lines:?}"
        );
        let broken = raw_lines("not json \x1b[2J");
        assert_eq!(broken, ["not json \\x1b[2J"]);
    }
}

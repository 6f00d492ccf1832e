//! `scimtrail trace ID`: the connected events of an identifier as a tree, JSON or Markdown.

mod markdown;
mod text;

use std::path::Path;

use chrono::Duration;

use crate::case::Case;
use crate::model::TraceEvent;
use crate::sanitize;
use crate::trace::{DEFAULT_WINDOW_MINUTES, TraceOptions};

use super::output;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceFormat {
    /// An indented tree with times, outcomes, flags and gaps.
    Text,
    /// One JSON document: events, links with kind and strength, tree, stages, flags, gaps.
    Json,
    /// A Markdown section for a report.
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// A correlation, session, request, trace or event id, an identifier among the events'
    /// links (an access key, a token id, a service account key), or an identity (SCIM id,
    /// userName, email or external id).
    pub id: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
    pub format: TraceFormat,

    /// Also show inferred links: events of the same resolved identity within `--window` of
    /// its events in the trace. They are listed apart from the exact tree.
    #[arg(long)]
    pub inferred: bool,

    /// The window of inferred links, as a number with a unit: s, m, h or d (such as 90s,
    /// 15m, 2h). Implies `--inferred`.
    #[arg(long, value_parser = parse_window)]
    pub window: Option<Duration>,
}

pub fn run(case_path: &Path, args: TraceArgs) -> anyhow::Result<()> {
    if args.id.trim().is_empty() {
        use clap::CommandFactory;
        super::Cli::command()
            .error(
                clap::error::ErrorKind::InvalidValue,
                "the ID to trace must not be empty",
            )
            .exit();
    }
    let options = TraceOptions {
        inferred: args.inferred || args.window.is_some(),
        window: args
            .window
            .unwrap_or(Duration::minutes(DEFAULT_WINDOW_MINUTES)),
    };
    let case = Case::open_read_only(case_path)?;
    let report = crate::trace::analyse(&case, &args.id, &options)?;
    if report.trace.truncated {
        eprintln!(
            "warning: the trace stopped following links at its limit; more events are linked"
        );
    }
    match args.format {
        TraceFormat::Json => output::print_json(&report),
        TraceFormat::Text => print(&text::render(&report)),
        TraceFormat::Markdown => print(&markdown::render(&report)),
    }
}

fn print(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

/// Parses a window such as `90s`, `15m`, `2h` or `1d`.
fn parse_window(text: &str) -> Result<Duration, String> {
    let invalid =
        || format!("invalid window {text:?}: expected a number with s, m, h or d, such as 15m");
    let unit = text.chars().last().ok_or_else(invalid)?;
    let number: i64 = text[..text.len() - unit.len_utf8()]
        .parse()
        .map_err(|_| invalid())?;
    if number < 0 {
        return Err(invalid());
    }
    match unit {
        's' => Duration::try_seconds(number),
        'm' => Duration::try_minutes(number),
        'h' => Duration::try_hours(number),
        'd' => Duration::try_days(number),
        _ => None,
    }
    .ok_or_else(invalid)
}

/// Returns the actor's readable name.
fn actor(event: &TraceEvent) -> String {
    let actor = event
        .actor_display
        .clone()
        .or_else(|| event.actor_id.clone())
        .unwrap_or_else(|| "-".into());
    sanitize::for_terminal(&actor)
}

/// Returns the resolved identity with its state at the event's time when that needs
/// attention (inactive, deleted, not yet provisioned), or a marker that the actor is
/// unknown to every snapshot.
fn identity_cell(event: &TraceEvent) -> String {
    match &event.identity {
        None => "UNKNOWN (not in SCIM)".into(),
        Some(identity) => {
            let name = identity
                .user_name
                .clone()
                .unwrap_or_else(|| identity.identity_key.clone());
            let name = sanitize::for_terminal(&name);
            match identity.marker() {
                Some(marker) => format!("{name} [{marker}]"),
                None => name,
            }
        }
    }
}

/// Returns the outcome with its reason when the event did not succeed.
fn outcome_cell(event: &TraceEvent) -> String {
    match &event.reason {
        Some(reason) if event.outcome != "success" => {
            format!("{}: {}", event.outcome, sanitize::for_terminal(reason))
        }
        _ => event.outcome.clone(),
    }
}

/// Returns true when the event carries the traced identifier itself rather than joining
/// through a link.
fn matched_directly(event: &TraceEvent) -> bool {
    event.matched_on.iter().any(|how| {
        !(how.starts_with("handoff:") || how.starts_with("shared:") || how.starts_with("span:"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_units_parse() {
        assert_eq!(parse_window("90s"), Ok(Duration::seconds(90)));
        assert_eq!(parse_window("15m"), Ok(Duration::minutes(15)));
        assert_eq!(parse_window("2h"), Ok(Duration::hours(2)));
        assert_eq!(parse_window("1d"), Ok(Duration::days(1)));
    }

    #[test]
    fn window_without_unit_rejected() {
        assert!(parse_window("15").is_err());
        assert!(parse_window("m").is_err());
        assert!(parse_window("-5m").is_err());
        assert!(parse_window("").is_err());
        assert!(parse_window("15é").is_err());
    }
}

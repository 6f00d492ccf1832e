use std::path::Path;

use crate::case::Case;
use crate::model::{StateBasis, TraceEvent};
use crate::sanitize;

use super::listing::ListFormat;
use super::output::{self, outln};

#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// A correlation, session, request or event id, or an identifier among the events'
    /// links (an access key, a service account key, a role session).
    pub id: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
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
    let case = Case::open_read_only(case_path)?;
    let trace = crate::trace::trace(&case, &args.id)?;
    if args.format == ListFormat::Json {
        return output::print_json(&trace);
    }
    if trace.events.is_empty() {
        outln!("no events carry {}", sanitize::for_terminal(&args.id))?;
        return Ok(());
    }
    let joined = trace
        .events
        .iter()
        .filter(|e| e.matched_on.iter().all(|m| m.starts_with("handoff:")))
        .count();
    outln!(
        "{} events carry {}{}",
        trace.events.len() - joined,
        sanitize::for_terminal(&args.id),
        if joined > 0 {
            format!(", and {joined} more joined through credential hand-offs")
        } else {
            String::new()
        }
    )?;
    if trace.truncated {
        eprintln!(
            "warning: the trace stopped following credential hand-offs at its limit; more events are linked"
        );
    }
    let rows: Vec<Vec<String>> = trace.events.iter().map(row).collect();
    output::print_table(
        &[
            "TIME (UTC)",
            "SOURCE",
            "ACTOR",
            "IDENTITY",
            "ACTION",
            "OUTCOME",
            "MATCHED ON",
        ],
        &rows,
    )?;
    let before_snapshots = trace
        .events
        .iter()
        .filter(|e| {
            e.identity
                .as_ref()
                .is_some_and(|i| i.state_basis == StateBasis::OldestAfter)
        })
        .count();
    if before_snapshots > 0 {
        outln!(
            "note: {before_snapshots} of these events predate every snapshot; their identities show the state of the oldest snapshot that has them"
        )?;
    }
    Ok(())
}

fn row(event: &TraceEvent) -> Vec<String> {
    let actor = event
        .actor_display
        .clone()
        .or_else(|| event.actor_id.clone())
        .unwrap_or_else(|| "-".into());
    vec![
        event.ts.clone(),
        event.source_format.clone(),
        actor,
        identity_cell(event),
        event.action.clone(),
        match &event.reason {
            Some(reason) if event.outcome != "success" => format!("{}: {reason}", event.outcome),
            _ => event.outcome.clone(),
        },
        event.matched_on.join(","),
    ]
}

/// The resolved identity with its state at the event's time when that needs attention
/// (inactive, deleted, not yet provisioned), or a marker that the actor is unknown to
/// every snapshot.
fn identity_cell(event: &TraceEvent) -> String {
    match &event.identity {
        None => "UNKNOWN (not in SCIM)".into(),
        Some(identity) => {
            let name = identity
                .user_name
                .clone()
                .unwrap_or_else(|| identity.identity_key.clone());
            match identity.marker() {
                Some(marker) => format!("{name} [{marker}]"),
                None => name,
            }
        }
    }
}

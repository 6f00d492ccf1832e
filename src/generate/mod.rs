//! A deterministic synthetic organisation in the vendors' own export formats, for
//! benchmarks and tests: a SCIM snapshot, CloudTrail trail files, Okta System Log,
//! Entra sign-in and audit pages, and OpenTelemetry GenAI spans.
//!
//! Records are written as they are generated, so memory stays bounded by the identities,
//! not the events. The same options give the same bytes.

mod cloudtrail;
mod entra;
mod files;
mod okta;
mod org;
mod rng;
mod scim;

mod otel;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::{Error, Result};
use org::{DEACTIVATED_EVERY, DORMANT_EVERY, Org, UNKNOWN_ACTOR_PER_MILLE};
use rng::Rng;

/// The generated period in days, from [`start`].
const DAYS: i64 = 30;

/// Shares of the events per source, in thousandths; CloudTrail takes the rest.
const OKTA_PER_MILLE: u64 = 200;
const SIGNIN_PER_MILLE: u64 = 150;
const AUDIT_PER_MILLE: u64 = 50;
const OTEL_PER_MILLE: u64 = 200;

#[derive(Debug, Clone)]
pub struct Options {
    /// The folder to write into; it must be missing or empty.
    pub out: PathBuf,
    /// Audit events in total, over all sources.
    pub events: u64,
    /// SCIM identities (people, service accounts and agents).
    pub identities: usize,
    pub seed: u64,
}

/// Events and files written, per source.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub scim: SourceSummary,
    pub cloudtrail: SourceSummary,
    pub okta: SourceSummary,
    pub entra_signin: SourceSummary,
    pub entra_audit: SourceSummary,
    pub otel: SourceSummary,
    pub identities: usize,
    pub events: u64,
}

#[derive(Debug, Serialize)]
pub struct SourceSummary {
    pub events: u64,
    pub files: usize,
}

/// Events a source may still write.
struct Budget(u64);

impl Budget {
    /// Takes one event; false when none is left.
    fn take(&mut self) -> bool {
        let left = self.0 > 0;
        self.0 = self.0.saturating_sub(1);
        left
    }

    fn left(&self) -> u64 {
        self.0
    }
}

/// Returns the first instant of the generated period (2026-11-01T00:00:00Z).
fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

/// Writes the organisation described by `options` under `options.out`.
pub fn generate(options: &Options) -> Result<Summary> {
    check_out(&options.out)?;
    let start = start();
    let org = Org::new(options.identities, start, &mut Rng::stream(options.seed, 0));
    let share = |per_mille: u64| options.events * per_mille / 1000;
    let okta_events = share(OKTA_PER_MILLE);
    let signin_events = share(SIGNIN_PER_MILLE);
    let audit_events = share(AUDIT_PER_MILLE);
    let otel_events = share(OTEL_PER_MILLE);
    let cloudtrail_events =
        options.events - okta_events - signin_events - audit_events - otel_events;

    let root = options.out.as_path();
    let stream = |n| Rng::stream(options.seed, n);
    let summary = Summary {
        scim: scim::write(root, &org, start)?,
        cloudtrail: cloudtrail::write(root, &org, cloudtrail_events, stream(1), start)?,
        okta: okta::write(root, &org, okta_events, stream(2), start)?,
        entra_signin: entra::write_signins(root, &org, signin_events, stream(3), start)?,
        entra_audit: entra::write_audits(root, &org, audit_events, stream(4), start)?,
        otel: otel::write(root, &org, otel_events, stream(5), start)?,
        identities: org.identities.len(),
        events: options.events,
    };
    write_readme(root, &org)?;
    Ok(summary)
}

fn check_out(out: &Path) -> Result<()> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::InvalidInput(format!(
                    "{} is not empty; generate writes into a missing or empty folder",
                    out.display()
                )));
            }
            Ok(())
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(out).map_err(|err| Error::io(out, err))
        }
        Err(err) => Err(Error::io(out, err)),
    }
}

/// Writes `GENERATED.md`, which lists the planted findings. Import skips Markdown, so the
/// folder can be imported as it is.
fn write_readme(root: &Path, org: &Org) -> Result<()> {
    let inactive: Vec<&str> = org
        .identities
        .iter()
        .filter(|i| !i.active)
        .map(|i| i.user_name.as_str())
        .take(20)
        .collect();
    let dormant: Vec<&str> = org
        .identities
        .iter()
        .filter(|i| i.dormant)
        .map(|i| i.user_name.as_str())
        .take(20)
        .collect();
    let unknown: Vec<&str> = org
        .unknown_actors
        .iter()
        .map(|i| i.user_name.as_str())
        .collect();
    let text = format!(
        "# Generated evidence\n\n\
         Synthetic data written by `scimtrail generate`; every name is fictional.\n\n\
         Planted findings:\n\n\
         - One identity in {DEACTIVATED_EVERY} is inactive in SCIM since {} and keeps acting in the logs, for example: {}.\n\
         - One active identity in {DORMANT_EVERY} never acts (dormant), for example: {}.\n\
         - About {UNKNOWN_ACTOR_PER_MILLE} sessions in 1,000 belong to actors SCIM does not know: {}.\n\
         - Denials: CloudTrail `AccessDenied`, Okta sign-on policy `DENY`, Entra Conditional Access error 53003, \
         tool calls with span status ERROR.\n\
         - Role chains: about one CloudTrail session in ten assumes a second role with its temporary key.\n",
        org.deactivated_at.format("%Y-%m-%dT%H:%M:%SZ"),
        inactive.join(", "),
        dormant.join(", "),
        unknown.join(", "),
    );
    let path = root.join("GENERATED.md");
    std::fs::write(&path, text).map_err(|err| Error::io(&path, err))
}

//! The database worker: one thread that owns the [`Case`] and runs [`Job`]s for the TUI,
//! so no query runs on the render loop.

use std::collections::VecDeque;
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

use tokio::sync::mpsc::UnboundedSender;

use crate::case::{Campaign, CampaignItem, Case, EventFilter, EventSummary, Histogram, PageAt};
use crate::model::{Decision, IdentityRow, NewDecision};
use crate::review::decide::{self, DecisionRequest};
use crate::review::findings::{self, Finding};
use crate::review::rules::RuleSet;
use crate::trace::TraceOptions;
use crate::{Error, Result, trace};

use super::action::Action;

/// The maximum number of IDs the trace picker offers, most used first.
pub const KNOWN_ID_LIMIT: usize = 1000;

/// Identities with the ledger's decisions, loaded together for the Identities, Review and
/// Overview screens. The findings come in a job of their own ([`Job::LoadFindings`]),
/// because the rules read every event and would hold the list back for seconds on a
/// large case.
#[derive(Debug, Clone, Default)]
pub struct IdentityData {
    pub identities: Vec<IdentityRow>,
    pub decisions: Vec<Decision>,
    /// The campaign worked and its items, when the TUI was opened with one.
    pub campaign: Option<CampaignQueue>,
}

/// A campaign and the identities in its scope, each with its decision in the campaign, as
/// `scimtrail campaign show` lists them.
#[derive(Debug, Clone)]
pub struct CampaignQueue {
    pub campaign: Campaign,
    pub items: Vec<CampaignItem>,
}

/// The review settings that jobs run with: the rules whose findings are shown and checked,
/// and the campaign that decisions are recorded in. Jobs carry it, so one worker serves
/// any app.
#[derive(Debug, Clone)]
pub struct ReviewSetup {
    pub rules: RuleSet,
    pub campaign: Option<Campaign>,
}

impl Default for ReviewSetup {
    fn default() -> ReviewSetup {
        ReviewSetup {
            rules: RuleSet::builtin(),
            campaign: None,
        }
    }
}

impl ReviewSetup {
    /// Returns the id of the campaign being worked, if any.
    pub fn campaign_id(&self) -> Option<&str> {
        self.campaign.as_ref().map(|c| c.campaign_id.as_str())
    }
}

/// A correlation, session or request ID that the picker offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownId {
    pub id: String,
    /// `correlation`, `session` or `request`.
    pub kind: String,
    /// The number of events that carry the ID.
    pub count: i64,
}

/// The number of events one page of the Events screen holds.
pub const EVENT_PAGE_ROWS: usize = 200;
/// The number of time slices in the event histograms, one column each.
pub const HISTOGRAM_BUCKETS: usize = 60;

/// One page of the Events screen and, when the filter changed, the matching events' count
/// and histogram.
#[derive(Debug, Clone, Default)]
pub struct EventsPage {
    /// The position of the page's first row among all matching events.
    pub offset: usize,
    pub rows: Vec<EventSummary>,
    pub summary: Option<EventsSummary>,
}

#[derive(Debug, Clone, Default)]
pub struct EventsSummary {
    pub total: usize,
    pub histogram: Histogram,
}

/// A request to the worker. `request` numbers let the app drop a result that a newer
/// request of the same kind has made stale.
#[derive(Debug, Clone)]
pub enum Job {
    LoadIdentities {
        request: u64,
        review: Arc<ReviewSetup>,
    },
    /// Runs the review's rules over the case, the findings `scimtrail findings` lists
    /// with the same rules.
    LoadFindings {
        request: u64,
        review: Arc<ReviewSetup>,
    },
    Trace {
        request: u64,
        id: String,
    },
    LoadKnownIds {
        request: u64,
    },
    LoadOverview {
        request: u64,
    },
    LoadEvents {
        request: u64,
        filter: EventFilter,
        at: PageAt,
        /// The position among the matching events of the page's first row, or for a page
        /// that ends at its anchor ([`PageAt::ends_at_anchor`]) of the row after its last.
        position: usize,
        /// Whether to count the matches and build the histogram too, which only a changed
        /// filter needs.
        with_summary: bool,
    },
    /// Loads the detail of one identity.
    LoadDetail {
        request: u64,
        identity_key: String,
    },
    /// Runs a query of the SQL console.
    RunSql {
        request: u64,
        sql: String,
    },
    Decide {
        new: NewDecision,
        review: Arc<ReviewSetup>,
    },
    /// Bookmarks one event with a note, as `scimtrail bookmark add` does.
    Bookmark {
        event_key: i64,
        note: String,
        author: String,
    },
    /// Records decisions one after another, stopping at none: each is its own ledger entry.
    DecideAll {
        decisions: Vec<NewDecision>,
        review: Arc<ReviewSetup>,
    },
    /// Writes a table to a file, as CSV or as JSON by the file's extension.
    Export {
        path: std::path::PathBuf,
        table: super::export::Table,
    },
}

impl Job {
    /// Returns the kind of a query job, whose newer request replaces a pending one.
    /// Decisions have none, because each is a separate ledger entry and must run in order,
    /// and neither do exports, because each writes its own file.
    fn replaceable_kind(&self) -> Option<u8> {
        match self {
            Job::LoadIdentities { .. } => Some(0),
            Job::Trace { .. } => Some(1),
            Job::LoadKnownIds { .. } => Some(2),
            Job::LoadOverview { .. } => Some(3),
            Job::LoadEvents { .. } => Some(4),
            Job::RunSql { .. } => Some(5),
            Job::LoadDetail { .. } => Some(6),
            Job::LoadFindings { .. } => Some(7),
            Job::Decide { .. }
            | Job::DecideAll { .. }
            | Job::Export { .. }
            | Job::Bookmark { .. } => None,
        }
    }
}

/// Adds `job` to the pending `queue`, replacing a pending query job of the same kind.
pub fn enqueue(queue: &mut VecDeque<Job>, job: Job) {
    if let Some(kind) = job.replaceable_kind()
        && let Some(pending) = queue
            .iter_mut()
            .find(|p| p.replaceable_kind() == Some(kind))
    {
        *pending = job;
        return;
    }
    queue.push_back(job);
}

/// Runs one job against the case and returns its result as the action the app applies.
pub fn run_job(case: &Case, job: Job) -> Action {
    match job {
        Job::LoadIdentities { request, review } => Action::IdentitiesLoaded {
            request,
            result: load_identities(case, &review).map_err(|err| err.to_string()),
        },
        Job::LoadFindings { request, review } => Action::FindingsLoaded {
            request,
            result: load_findings(case, &review).map_err(|err| err.to_string()),
        },
        Job::Trace { request, id } => Action::TraceLoaded {
            request,
            result: trace::analyse(case, &id, &TraceOptions::default())
                .map(Box::new)
                .map_err(|err| err.to_string()),
        },
        Job::Bookmark {
            event_key,
            note,
            author,
        } => Action::BookmarkSaved {
            event_key,
            result: case
                .add_bookmark(&event_key.to_string(), Some(&note), &author)
                .map(|bookmark| bookmark.bookmark_id)
                .map_err(|err| err.to_string()),
        },
        Job::LoadKnownIds { request } => Action::KnownIdsLoaded {
            request,
            result: load_known_ids(case).map_err(|err| err.to_string()),
        },
        Job::LoadOverview { request } => Action::OverviewLoaded {
            request,
            result: case
                .overview(HISTOGRAM_BUCKETS)
                .map_err(|err| err.to_string()),
        },
        Job::LoadEvents {
            request,
            filter,
            at,
            position,
            with_summary,
        } => Action::EventsLoaded {
            request,
            result: load_events(case, &filter, at, position, with_summary)
                .map_err(|err| err.to_string()),
        },
        Job::LoadDetail {
            request,
            identity_key,
        } => Action::DetailLoaded {
            request,
            result: case
                .identity_detail(&identity_key, HISTOGRAM_BUCKETS)
                .map_err(|err| err.to_string()),
        },
        Job::RunSql { request, sql } => Action::SqlDone {
            request,
            result: super::console::run(case, &sql),
        },
        Job::Export { path, table } => Action::ExportWritten {
            path: path.display().to_string(),
            result: super::export::write(&path, &table).map_err(|err| err.to_string()),
        },
        Job::DecideAll { decisions, review } => Action::DecisionsSaved {
            identity_keys: decisions.iter().map(|new| new.identity.clone()).collect(),
            result: record_decisions(case, &decisions, &review).map_err(|err| err.to_string()),
        },
        Job::Decide { new, review } => Action::DecisionSaved {
            identity_key: new.identity.clone(),
            result: record_decisions(case, std::slice::from_ref(&new), &review)
                .and_then(|saved| {
                    saved.into_iter().next().ok_or_else(|| {
                        Error::InvalidInput(format!("no decision was recorded on {}", new.identity))
                    })
                })
                .map(Box::new)
                .map_err(|err| err.to_string()),
        },
    }
}

/// Records `decisions` the way `scimtrail decide` does, so a TUI row carries the same
/// snapshot ids, findings hash and campaign as a CLI row: the review's rules' findings are
/// shown, owners, sponsors and items out of the campaign's scope are rejected, and one
/// rejection records none of them.
pub fn record_decisions(
    case: &Case,
    decisions: &[NewDecision],
    review: &ReviewSetup,
) -> Result<Vec<Decision>> {
    let Some(first) = decisions.first() else {
        return Ok(Vec::new());
    };
    let request = DecisionRequest {
        identities: decisions.iter().map(|new| new.identity.clone()).collect(),
        entitlement: first.entitlement.clone(),
        verdict: first.verdict,
        reviewer: first.reviewer.clone(),
        justification: first.justification.clone(),
        campaign: review.campaign_id().map(str::to_string),
        from_rule: None,
    };
    decide::record(case, &request, &review.rules)
}

/// Loads the identities, the ledger and, with a campaign, its items: what the identity
/// list needs to draw. The findings are [`load_findings`]'s.
pub fn load_identities(case: &Case, review: &ReviewSetup) -> Result<IdentityData> {
    let campaign = match &review.campaign {
        Some(campaign) => Some(CampaignQueue {
            items: case.campaign_items(campaign)?,
            campaign: campaign.clone(),
        }),
        None => None,
    };
    Ok(IdentityData {
        identities: case.identities()?,
        decisions: case.decisions()?,
        campaign,
    })
}

/// Runs the review's rules at the default as-of time, as `scimtrail findings` and the
/// decision engine do, so the findings shown are the ones a decision's hash covers.
pub fn load_findings(case: &Case, review: &ReviewSetup) -> Result<Vec<Finding>> {
    findings::run(case, &review.rules, None)
        .map(|found| found.findings)
        .inspect_err(|err| tracing::warn!(error = %err, "computing findings failed"))
}

/// Reads the page of `filter`'s events at `at`, whose position `position` is as
/// [`Job::LoadEvents`] describes it, with the count and histogram when `with_summary`.
pub fn load_events(
    case: &Case,
    filter: &EventFilter,
    at: PageAt,
    position: usize,
    with_summary: bool,
) -> Result<EventsPage> {
    let summary = if with_summary {
        Some(EventsSummary {
            total: usize::try_from(case.count_events(filter)?).unwrap_or(0),
            histogram: case.event_histogram(filter, HISTOGRAM_BUCKETS)?,
        })
    } else {
        None
    };
    let rows = case.event_page(filter, at, EVENT_PAGE_ROWS)?;
    let offset = if at.ends_at_anchor() {
        position.saturating_sub(rows.len())
    } else {
        position
    };
    Ok(EventsPage {
        offset,
        rows,
        summary,
    })
}

pub fn load_known_ids(case: &Case) -> Result<Vec<KnownId>> {
    let ids = trace::known_ids(case, KNOWN_ID_LIMIT)?;
    Ok(ids
        .into_iter()
        .map(|(id, kind, count)| KnownId { id, kind, count })
        .collect())
}

/// The handle of the worker thread. Dropping the job sender ends the thread, which closes
/// the case.
pub struct Worker {
    jobs: mpsc::Sender<Job>,
    thread: JoinHandle<()>,
}

impl Worker {
    /// Starts the thread that owns `case` and sends each job's result to `results`.
    pub fn spawn(case: Case, results: UnboundedSender<Action>) -> Result<Worker> {
        let (jobs, job_rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("scimtrail-db".into())
            .spawn(move || serve(case, job_rx, results))
            .map_err(|err| Error::io("database worker thread", err))?;
        Ok(Worker { jobs, thread })
    }

    pub fn submit(&self, job: Job) {
        if self.jobs.send(job).is_err() {
            tracing::error!("the database worker has stopped; a job was dropped");
        }
    }

    /// Stops the thread after its current job and waits for it, so the case is closed
    /// when this returns.
    pub fn shutdown(self) {
        drop(self.jobs);
        if self.thread.join().is_err() {
            tracing::error!("the database worker thread panicked");
        }
    }
}

fn serve(case: Case, jobs: mpsc::Receiver<Job>, results: UnboundedSender<Action>) {
    tracing::debug!(case = %case.path().display(), "database worker started");
    let mut queue = VecDeque::new();
    loop {
        if queue.is_empty() {
            match jobs.recv() {
                Ok(job) => queue.push_back(job),
                Err(mpsc::RecvError) => break,
            }
        }
        while let Ok(job) = jobs.try_recv() {
            enqueue(&mut queue, job);
        }
        let Some(job) = queue.pop_front() else {
            continue;
        };
        if results.send(run_job(&case, job)).is_err() {
            break;
        }
    }
    tracing::debug!("database worker stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace_job(request: u64) -> Job {
        Job::Trace {
            request,
            id: format!("id-{request}"),
        }
    }

    fn decide_job(justification: &str) -> Job {
        Job::Decide {
            new: NewDecision {
                identity: "User/u-1".into(),
                entitlement: None,
                verdict: crate::model::Verdict::Flag,
                reviewer: "tester".into(),
                justification: justification.into(),
            },
            review: Arc::default(),
        }
    }

    #[test]
    fn newer_query_replaces_pending() {
        let mut queue = VecDeque::new();
        enqueue(&mut queue, trace_job(1));
        enqueue(
            &mut queue,
            Job::LoadIdentities {
                request: 2,
                review: Arc::default(),
            },
        );
        enqueue(&mut queue, trace_job(3));
        assert_eq!(queue.len(), 2);
        assert!(matches!(&queue[0], Job::Trace { request: 3, id } if id == "id-3"));
        assert!(matches!(queue[1], Job::LoadIdentities { request: 2, .. }));
    }

    #[test]
    fn decisions_are_never_replaced() {
        let mut queue = VecDeque::new();
        enqueue(&mut queue, decide_job("first"));
        enqueue(&mut queue, decide_job("second"));
        assert_eq!(queue.len(), 2);
        let justifications: Vec<_> = queue
            .iter()
            .map(|job| match job {
                Job::Decide { new, .. } => new.justification.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(justifications, ["first", "second"]);
    }
}

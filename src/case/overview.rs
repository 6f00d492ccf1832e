//! The summary of a whole case that the TUI's Overview screen shows.

use super::Case;
use super::event_filter::EventFilter;
use super::event_pages::Histogram;
use super::sources::SourceRecord;
use crate::Result;

/// The number of current identities of one kind in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityCount {
    pub kind: String,
    /// `deleted` (a newer snapshot of its type lacks it), `active`, `inactive`, `unknown`
    /// (no `active` attribute), or `-` for groups, which SCIM gives no state.
    pub state: String,
    pub count: i64,
}

/// Sources, identities and events of a case, summarised.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub sources: Vec<SourceRecord>,
    pub identities: Vec<IdentityCount>,
    pub events: i64,
    pub histogram: Histogram,
}

impl Case {
    /// Summarises the case, with its events over time in `buckets` slices.
    pub fn overview(&self, buckets: usize) -> Result<Overview> {
        let all = EventFilter::default();
        Ok(Overview {
            sources: self.sources()?,
            identities: self.identity_counts()?,
            events: self.count_events(&all)?,
            histogram: self.event_histogram(&all, buckets)?,
        })
    }

    fn identity_counts(&self) -> Result<Vec<IdentityCount>> {
        let mut stmt = self.conn.prepare(concat!(
            "SELECT kind,
                    CASE WHEN deleted_in IS NOT NULL THEN 'deleted'
                         WHEN kind = 'group' THEN '-'
                         WHEN active THEN 'active'
                         WHEN NOT active THEN 'inactive'
                         ELSE 'unknown' END AS state,
                    count(*)
             FROM (",
            super::identities::live_identities_sql!(),
            ") GROUP BY ALL ORDER BY ALL"
        ))?;
        let rows = stmt.query_map([], |row| {
            Ok(IdentityCount {
                kind: row.get(0)?,
                state: row.get(1)?,
                count: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

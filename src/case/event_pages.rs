//! Events read a page at a time, with their count and a histogram over time, for screens
//! that browse the whole events table without loading it.

use chrono::NaiveDateTime;
use duckdb::params_from_iter;
use duckdb::types::Value;

use super::event_filter::EventFilter;
use super::{Case, format_ts};
use crate::Result;

/// One event as a list row shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSummary {
    pub event_key: i64,
    /// RFC 3339 in UTC.
    pub ts: String,
    pub source_format: String,
    pub action: String,
    pub outcome: String,
    /// The actor's display name, else its alternate id, else its id.
    pub actor: Option<String>,
    pub client_ip: Option<String>,
    pub correlation_id: Option<String>,
    pub session_id: Option<String>,
    pub request_id: Option<String>,
    pub event_id: Option<String>,
}

impl EventSummary {
    /// Returns the ID a trace of this event starts from: its correlation, session,
    /// request or event id, whichever it has first.
    pub fn trace_id(&self) -> Option<&str> {
        [
            &self.correlation_id,
            &self.session_id,
            &self.request_id,
            &self.event_id,
        ]
        .into_iter()
        .find_map(|id| id.as_deref().filter(|id| !id.is_empty()))
    }
}

/// Event counts in equal slices of time; the last slice ends at `end`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    pub start: Option<NaiveDateTime>,
    pub end: Option<NaiveDateTime>,
    pub counts: Vec<i64>,
}

impl Histogram {
    /// Returns the width of one slice in microseconds, or 1 for an empty histogram.
    pub fn bucket_width_us(&self) -> i64 {
        match (self.start, self.end) {
            (Some(start), Some(end)) => bucket_width_us(start, end, self.counts.len()),
            _ => 1,
        }
    }

    /// Returns the time range `[from, to)` of bucket `index`.
    pub fn bucket_range(&self, index: usize) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let (start, end) = (self.start?, self.end?);
        let width = bucket_width_us(start, end, self.counts.len());
        let from = start + chrono::Duration::microseconds(width * i64::try_from(index).ok()?);
        Some((from, from + chrono::Duration::microseconds(width)))
    }
}

/// The width of one bucket in microseconds, at least one, so that `buckets` buckets cover
/// `start..=end`.
fn bucket_width_us(start: NaiveDateTime, end: NaiveDateTime, buckets: usize) -> i64 {
    let span = (end - start).num_microseconds().unwrap_or(i64::MAX).max(0) + 1;
    let buckets = i64::try_from(buckets.max(1)).unwrap_or(1);
    (span + buckets - 1) / buckets
}

const SUMMARY_COLUMNS: &str = "event_key, ts, source_format, action, outcome, \
     coalesce(actor_display, actor_alt_id, actor_id), client_ip, correlation_id, session_id, \
     request_id, event_id";

impl Case {
    /// Counts the events that `filter` matches.
    pub fn count_events(&self, filter: &EventFilter) -> Result<i64> {
        let (clause, params) = filter.to_sql();
        let sql = format!("SELECT count(*) FROM events WHERE {clause}");
        Ok(self
            .conn
            .query_row(&sql, params_from_iter(params), |row| row.get(0))?)
    }

    /// Returns up to `limit` events that `filter` matches, in time order, from position
    /// `offset`.
    pub fn event_page(
        &self,
        filter: &EventFilter,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<EventSummary>> {
        let (clause, mut params) = filter.to_sql();
        // NOTE: OFFSET makes DuckDB skip the earlier rows one by one, so a page deep into
        // millions of events costs a scan; paging by the last row's (ts, event_key) would not.
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM events WHERE {clause}
             ORDER BY ts, event_key LIMIT ? OFFSET ?"
        );
        params.push(Value::BigInt(i64::try_from(limit).unwrap_or(i64::MAX)));
        params.push(Value::BigInt(i64::try_from(offset).unwrap_or(i64::MAX)));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(params), |row| {
            let ts: NaiveDateTime = row.get(1)?;
            Ok(EventSummary {
                event_key: row.get(0)?,
                ts: format_ts(&ts),
                source_format: row.get(2)?,
                action: row.get(3)?,
                outcome: row.get(4)?,
                actor: row.get(5)?,
                client_ip: row.get(6)?,
                correlation_id: row.get(7)?,
                session_id: row.get(8)?,
                request_id: row.get(9)?,
                event_id: row.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Counts the events that `filter` matches in `buckets` equal slices of time. The
    /// range is the filter's `since` and `until` where set, else the matching events' own.
    pub fn event_histogram(&self, filter: &EventFilter, buckets: usize) -> Result<Histogram> {
        let (clause, params) = filter.to_sql();
        let sql = format!("SELECT min(ts), max(ts) FROM events WHERE {clause}");
        let (first, last): (Option<NaiveDateTime>, Option<NaiveDateTime>) =
            self.conn
                .query_row(&sql, params_from_iter(params.clone()), |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?;
        let start = filter.since.or(first);
        let end = filter
            .until
            .map(|until| until - chrono::Duration::microseconds(1))
            .or(last);
        let (Some(start), Some(end)) = (start, end) else {
            return Ok(Histogram::default());
        };
        let width = bucket_width_us(start, end, buckets);
        let mut counts = vec![0; buckets.max(1)];
        let sql = format!(
            "SELECT CAST((epoch_us(ts) - ?) // ? AS BIGINT) AS bucket, count(*)
             FROM events WHERE {clause} GROUP BY bucket"
        );
        let mut all = vec![
            Value::BigInt(start.and_utc().timestamp_micros()),
            Value::BigInt(width),
        ];
        all.extend(params);
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(all), |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (bucket, count) = row?;
            if let Some(slot) = usize::try_from(bucket).ok().and_then(|b| counts.get_mut(b)) {
                *slot += count;
            }
        }
        Ok(Histogram {
            start: Some(start),
            end: Some(end),
            counts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn buckets_cover_the_range() {
        let histogram = Histogram {
            start: Some(time("2026-11-02 00:00:00")),
            end: Some(time("2026-11-02 00:00:09")),
            counts: vec![0; 5],
        };
        let (from, to) = histogram.bucket_range(4).unwrap();
        assert_eq!(from.to_string(), "2026-11-02 00:00:07.200004");
        assert!(to > time("2026-11-02 00:00:09"));
    }

    #[test]
    fn trace_id_prefers_correlation() {
        let mut event = EventSummary {
            event_key: 1,
            ts: String::new(),
            source_format: "okta".into(),
            action: "a".into(),
            outcome: "success".into(),
            actor: None,
            client_ip: None,
            correlation_id: None,
            session_id: Some("s-1".into()),
            request_id: Some("r-1".into()),
            event_id: Some("e-1".into()),
        };
        assert_eq!(event.trace_id(), Some("s-1"));
        event.correlation_id = Some("c-1".into());
        assert_eq!(event.trace_id(), Some("c-1"));
    }
}

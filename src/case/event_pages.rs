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
    /// The event's place in the (ts, event_key) order that pages follow.
    pub key: EventKey,
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

/// An event's place in the order of the Events screen: its time, then its key, which is
/// unique, so no two events share a place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventKey {
    pub ts: NaiveDateTime,
    pub event_key: i64,
}

/// The page of the matching events to read. A page is found from a neighbouring row's
/// (ts, event_key) rather than by its position. DuckDB then reads the rows after or before
/// that place instead of skipping every row in front of it, as OFFSET would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAt {
    /// The first events.
    First,
    /// The events from this one on, itself included; a reload of a page uses it.
    From(EventKey),
    /// The events after this one.
    After(EventKey),
    /// The events just before this one, read in reverse order.
    Before(EventKey),
    /// The last events, read in reverse order.
    Last,
}

impl PageAt {
    /// Returns whether the page ends at its anchor, so that its first row's position is
    /// the anchor's position less the rows read.
    pub fn ends_at_anchor(self) -> bool {
        matches!(self, PageAt::Before(_) | PageAt::Last)
    }

    /// Returns the condition on (ts, event_key) with its parameters, and whether to read
    /// in reverse order.
    fn condition(self) -> (Option<(&'static str, EventKey)>, bool) {
        match self {
            PageAt::First => (None, false),
            PageAt::From(key) => (Some((">=", key)), false),
            PageAt::After(key) => (Some((">", key)), false),
            PageAt::Before(key) => (Some(("<", key)), true),
            PageAt::Last => (None, true),
        }
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

    /// Returns up to `limit` events that `filter` matches at `at`, in (ts, event_key)
    /// order.
    pub fn event_page(
        &self,
        filter: &EventFilter,
        at: PageAt,
        limit: usize,
    ) -> Result<Vec<EventSummary>> {
        let (clause, mut params) = filter.to_sql();
        let (condition, reverse) = at.condition();
        let keyset = match condition {
            Some((op, key)) => {
                let ts = Value::Timestamp(
                    duckdb::types::TimeUnit::Microsecond,
                    key.ts.and_utc().timestamp_micros(),
                );
                params.extend([ts.clone(), ts, Value::BigInt(key.event_key)]);
                // Spelled out rather than as a row comparison, so the plain `ts` bound can
                // skip row groups by their min and max.
                let strict = &op[..1];
                format!(" AND (ts {strict} ? OR (ts = ? AND event_key {op} ?))")
            }
            None => String::new(),
        };
        let order = if reverse {
            "ts DESC, event_key DESC"
        } else {
            "ts, event_key"
        };
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM events WHERE ({clause}){keyset}
             ORDER BY {order} LIMIT ?"
        );
        params.push(Value::BigInt(i64::try_from(limit).unwrap_or(i64::MAX)));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(params), |row| {
            let ts: NaiveDateTime = row.get(1)?;
            let event_key = row.get(0)?;
            Ok(EventSummary {
                event_key,
                ts: format_ts(&ts),
                key: EventKey { ts, event_key },
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
        let mut page = rows.collect::<Result<Vec<_>, _>>()?;
        if reverse {
            page.reverse();
        }
        Ok(page)
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

    /// Opens a case with `count` events, three to a second so that times repeat, whose
    /// keys run backwards against time, so that the key alone does not give the order.
    fn case_with_events(count: i64) -> (tempfile::TempDir, Case) {
        let dir = tempfile::TempDir::new().unwrap();
        let case = Case::open(&dir.path().join("case.duckdb")).unwrap();
        case.conn
            .execute(
                "INSERT INTO events (event_key, source_id, record_pos, event_id, content_sha256,
                     ts, ts_original, source_format, action, outcome, targets, raw)
                 SELECT 1000 - i, 1, i, 'e-' || i::VARCHAR, 'x',
                     TIMESTAMP '2026-11-02 00:00:00' + to_seconds(i // 3), '', 'okta',
                     CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END, 'success', '[]', '{}'
                 FROM range(?) t(i)",
                [count],
            )
            .unwrap();
        (dir, case)
    }

    fn keys(page: &[EventSummary]) -> Vec<i64> {
        page.iter().map(|event| event.event_key).collect()
    }

    /// Returns every event that `filter` matches, in page order, read in one query.
    fn all(case: &Case, filter: &EventFilter) -> Vec<i64> {
        keys(&case.event_page(filter, PageAt::First, usize::MAX).unwrap())
    }

    #[test]
    fn keyset_pages_walk_the_order_both_ways() {
        let (_dir, case) = case_with_events(25);
        let filter = EventFilter::default();
        let expected = all(&case, &filter);
        assert_eq!(expected.len(), 25);
        assert_eq!(
            &expected[..4],
            [998, 999, 1000, 995],
            "time first, then key"
        );

        let mut forward = Vec::new();
        let mut page = case.event_page(&filter, PageAt::First, 7).unwrap();
        while let Some(last) = page.last() {
            forward.extend(keys(&page));
            page = case
                .event_page(&filter, PageAt::After(last.key), 7)
                .unwrap();
        }
        assert_eq!(forward, expected);

        let mut backward = Vec::new();
        let mut page = case.event_page(&filter, PageAt::Last, 7).unwrap();
        assert_eq!(
            keys(&page),
            expected[18..],
            "the last page is in ascending order"
        );
        while let Some(first) = page.first() {
            backward.splice(0..0, keys(&page));
            page = case
                .event_page(&filter, PageAt::Before(first.key), 7)
                .unwrap();
        }
        assert_eq!(backward, expected);
    }

    #[test]
    fn keyset_pages_keep_the_filter_and_time_range() {
        let (_dir, case) = case_with_events(30);
        let mut filter = EventFilter::parse("action:even").unwrap();
        filter.since = Some(time("2026-11-02 00:00:02"));
        filter.until = Some(time("2026-11-02 00:00:08"));
        let expected = all(&case, &filter);
        assert_eq!(
            expected.len(),
            9,
            "seconds 2 to 7 hold 18 events, half even"
        );
        assert_eq!(case.count_events(&filter).unwrap(), 9);

        let first = case.event_page(&filter, PageAt::First, 4).unwrap();
        assert_eq!(keys(&first), expected[..4]);
        let next = case
            .event_page(&filter, PageAt::After(first[3].key), 4)
            .unwrap();
        assert_eq!(keys(&next), expected[4..8]);
        let again = case
            .event_page(&filter, PageAt::From(next[0].key), 4)
            .unwrap();
        assert_eq!(again, next, "From includes its own row");
        let back = case
            .event_page(&filter, PageAt::Before(next[0].key), 4)
            .unwrap();
        assert_eq!(back, first);
        let last = case.event_page(&filter, PageAt::Last, 4).unwrap();
        assert_eq!(keys(&last), expected[5..]);
        let before_first = case.event_page(&filter, PageAt::Before(first[0].key), 4);
        assert!(before_first.unwrap().is_empty());
    }

    #[test]
    fn trace_id_prefers_correlation() {
        let mut event = EventSummary {
            event_key: 1,
            ts: String::new(),
            key: EventKey::default(),
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

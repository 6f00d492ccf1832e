//! The zone that times are drawn in: UTC, as the case stores them, or the local zone of
//! the machine running the TUI. Only drawing changes; filters and exports stay in UTC.

use chrono::{DateTime, Local, TimeZone};

use super::theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    #[default]
    Utc,
    Local,
}

impl Zone {
    pub fn toggle(self) -> Zone {
        match self {
            Zone::Utc => Zone::Local,
            Zone::Local => Zone::Utc,
        }
    }

    /// Returns the zone's name for headers and titles.
    pub fn label(self) -> &'static str {
        match self {
            Zone::Utc => "UTC",
            Zone::Local => "local",
        }
    }

    /// Formats an RFC 3339 time as `YYYY-MM-DD HH:MM:SS` in this zone.
    pub fn short_time(self, ts: &str) -> String {
        self.format(ts, "%Y-%m-%d %H:%M:%S", theme::short_time)
    }

    /// Formats an RFC 3339 time as `YYYY-MM-DD HH:MM` in this zone.
    pub fn short_minute(self, ts: &str) -> String {
        self.format(ts, "%Y-%m-%d %H:%M", theme::short_minute)
    }

    /// Formats an RFC 3339 time as `YYYY-MM-DD` in this zone.
    pub fn date(self, ts: &str) -> String {
        self.format(ts, "%Y-%m-%d", theme::date)
    }

    /// Formats a UTC time without zone, as histograms carry them, in this zone.
    pub fn naive(self, ts: chrono::NaiveDateTime, pattern: &str) -> String {
        match self {
            Zone::Utc => ts.format(pattern).to_string(),
            Zone::Local => ts
                .and_utc()
                .with_timezone(&Local)
                .format(pattern)
                .to_string(),
        }
    }

    fn format(self, ts: &str, pattern: &str, utc: fn(&str) -> String) -> String {
        match self {
            Zone::Utc => utc(ts),
            // NOTE: a time that is not RFC 3339 is drawn as stored, which is UTC.
            Zone::Local => in_zone(ts, &Local, pattern).unwrap_or_else(|| utc(ts)),
        }
    }
}

/// Converts the RFC 3339 time `ts` to `zone` and formats it with `pattern`.
fn in_zone<Tz: TimeZone>(ts: &str, zone: &Tz, pattern: &str) -> Option<String>
where
    Tz::Offset: std::fmt::Display,
{
    let time = DateTime::parse_from_rfc3339(ts).ok()?;
    Some(time.with_timezone(zone).format(pattern).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    #[test]
    fn utc_keeps_stored_text() {
        let ts = "2026-11-02T23:14:58.731000Z";
        assert_eq!(Zone::Utc.short_time(ts), "2026-11-02 23:14:58");
        assert_eq!(Zone::Utc.date(ts), "2026-11-02");
    }

    #[test]
    fn offset_shifts_across_midnight() {
        let plus_two = FixedOffset::east_opt(2 * 3600).expect("valid offset");
        let shown = in_zone("2026-11-02T23:14:58.731000Z", &plus_two, "%Y-%m-%d %H:%M");
        assert_eq!(shown.as_deref(), Some("2026-11-03 01:14"));
    }

    #[test]
    fn invalid_time_is_not_converted() {
        assert_eq!(in_zone("yesterday", &Local, "%H:%M"), None);
    }

    #[test]
    fn toggle_alternates() {
        assert_eq!(Zone::Utc.toggle(), Zone::Local);
        assert_eq!(Zone::Local.toggle(), Zone::Utc);
    }
}

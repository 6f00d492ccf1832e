//! The event filter language of the TUI's Events screen, and its translation to a SQL
//! `WHERE` clause whose values are all bound parameters.
//!
//! A filter is whitespace-separated terms. `field:value` matches one field, where `*` in
//! the value matches any text; a bare word matches anywhere in the action, actor, reason,
//! client IP and the correlation, session and request ids. A leading `-` negates a term,
//! double quotes keep spaces inside a value, and every comparison ignores case.
//! `since:` and `until:` take a date or an RFC 3339 time in UTC.

use chrono::{NaiveDate, NaiveDateTime};
use duckdb::types::Value;

/// The fields a term may name, with the columns each one matches.
const FIELDS: &[(&str, &[&str])] = &[
    ("actor", &["actor_id", "actor_alt_id", "actor_display"]),
    ("action", &["action"]),
    ("outcome", &["outcome"]),
    ("source", &["source_format"]),
    ("category", &["category"]),
    ("reason", &["reason"]),
    ("ip", &["client_ip"]),
    ("session", &["session_id"]),
    ("correlation", &["correlation_id"]),
    ("request", &["request_id"]),
    ("id", &["event_id"]),
];

/// The columns a bare word is searched in.
const TEXT_COLUMNS: &[&str] = &[
    "action",
    "actor_id",
    "actor_alt_id",
    "actor_display",
    "reason",
    "client_ip",
    "correlation_id",
    "session_id",
    "request_id",
];

/// One condition of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub columns: &'static [&'static str],
    /// An `ILIKE` pattern with `\` as its escape character.
    pub pattern: String,
    pub negated: bool,
}

/// A parsed filter with an optional time range; times are UTC, `until` is exclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub terms: Vec<Term>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

impl EventFilter {
    /// Parses `text` in the filter language; the error names the term that is invalid.
    pub fn parse(text: &str) -> Result<EventFilter, String> {
        let mut filter = EventFilter::default();
        for token in tokens(text)? {
            filter.add(&token)?;
        }
        Ok(filter)
    }

    fn add(&mut self, token: &str) -> Result<(), String> {
        let (negated, body) = match token.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, token),
        };
        let Some((field, value)) = split_field(body) else {
            self.terms.push(Term {
                columns: TEXT_COLUMNS,
                pattern: format!("%{}%", escape_like(&unquote(body))),
                negated,
            });
            return Ok(());
        };
        let value = unquote(value);
        match field.to_ascii_lowercase().as_str() {
            "since" => self.since = Some(parse_time(&value)?),
            "until" => self.until = Some(parse_time(&value)?),
            name => {
                let columns = FIELDS
                    .iter()
                    .find(|(known, _)| *known == name)
                    .map(|(_, columns)| *columns)
                    .ok_or_else(|| unknown_field(field))?;
                self.terms.push(Term {
                    columns,
                    pattern: glob_to_like(&value),
                    negated,
                });
            }
        }
        Ok(())
    }

    /// Returns the `WHERE` clause (without the keyword, `TRUE` when empty) and its
    /// parameters. Column names come from the fixed field table, never from the filter text.
    pub fn to_sql(&self) -> (String, Vec<Value>) {
        let mut clauses = Vec::new();
        let mut params = Vec::new();
        if let Some(since) = self.since {
            clauses.push("ts >= ?".to_string());
            params.push(timestamp_value(since));
        }
        if let Some(until) = self.until {
            clauses.push("ts < ?".to_string());
            params.push(timestamp_value(until));
        }
        for term in &self.terms {
            let matches: Vec<String> = term
                .columns
                .iter()
                .map(|column| format!("coalesce({column}, '') ILIKE ? ESCAPE '\\'"))
                .collect();
            params.extend(
                term.columns
                    .iter()
                    .map(|_| Value::Text(term.pattern.clone())),
            );
            let any = format!("({})", matches.join(" OR "));
            clauses.push(if term.negated {
                format!("NOT {any}")
            } else {
                any
            });
        }
        if clauses.is_empty() {
            return ("TRUE".to_string(), params);
        }
        (clauses.join(" AND "), params)
    }
}

/// Returns the bare words of `text` that a row must contain, without their quotes: the
/// terms that name no field and are not negated. Text that does not parse has none.
pub fn free_words(text: &str) -> Vec<String> {
    let Ok(tokens) = tokens(text) else {
        return Vec::new();
    };
    tokens
        .iter()
        .filter(|token| !(token.starts_with('-') && token.len() > 1))
        .filter(|token| split_field(token).is_none())
        .map(|token| unquote(token))
        .filter(|word| !word.is_empty())
        .collect()
}

fn timestamp_value(ts: NaiveDateTime) -> Value {
    Value::Timestamp(
        duckdb::types::TimeUnit::Microsecond,
        ts.and_utc().timestamp_micros(),
    )
}

fn unknown_field(field: &str) -> String {
    let names: Vec<&str> = FIELDS.iter().map(|(name, _)| *name).collect();
    format!(
        "unknown field {:?}; use one of {}, since, until",
        crate::sanitize::for_terminal(field),
        names.join(", ")
    )
}

/// Splits `field:value` at its first colon, when the part before it is a plain word.
/// A value such as `12:30` or an IPv6 address without a field stays whole.
fn split_field(token: &str) -> Option<(&str, &str)> {
    let (field, value) = token.split_once(':')?;
    let is_word = !field.is_empty() && field.chars().all(|c| c.is_ascii_alphabetic());
    is_word.then_some((field, value))
}

/// Splits `text` at whitespace outside double quotes; the quotes stay in the tokens.
fn tokens(text: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quoted {
        return Err("a double quote is not closed".to_string());
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    Ok(tokens)
}

fn unquote(value: &str) -> String {
    value.replace('"', "")
}

/// Escapes the `ILIKE` wildcards `%` and `_` and the escape character itself.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Turns a value with `*` wildcards into an `ILIKE` pattern; without `*` it matches the
/// whole field.
fn glob_to_like(value: &str) -> String {
    value
        .split('*')
        .map(escape_like)
        .collect::<Vec<_>>()
        .join("%")
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` or an RFC 3339 time, as UTC.
fn parse_time(value: &str) -> Result<NaiveDateTime, String> {
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Ok(date.and_hms_opt(0, 0, 0).unwrap_or_default());
    }
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(value) {
        return Ok(time.naive_utc());
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(time) = NaiveDateTime::parse_from_str(value, format) {
            return Ok(time);
        }
    }
    Err(format!(
        "invalid time {:?}; write 2026-11-02 or 2026-11-02T10:15:00Z",
        crate::sanitize::for_terminal(value)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &Value) -> &str {
        match value {
            Value::Text(text) => text,
            other => panic!("not text: {other:?}"),
        }
    }

    #[test]
    fn free_words_skip_fields_and_negations() {
        let words = free_words(r#"token actor:svc-* -okta "two words" - 10:15"#);
        assert_eq!(words, ["token", "two words", "-", "10:15"]);
        assert!(free_words("outcome:denied since:2026-11-01").is_empty());
        assert!(
            free_words("\"open").is_empty(),
            "an unclosed quote parses to nothing"
        );
    }

    #[test]
    fn field_glob_becomes_like() {
        let filter = EventFilter::parse("actor:svc-* outcome:denied").unwrap();
        assert_eq!(filter.terms.len(), 2);
        assert_eq!(filter.terms[0].pattern, "svc-%");
        assert_eq!(filter.terms[0].columns.len(), 3);
        assert_eq!(filter.terms[1].pattern, "denied");
        assert_eq!(filter.terms[1].columns, ["outcome"]);
    }

    #[test]
    fn bare_word_searches_text() {
        let filter = EventFilter::parse("token").unwrap();
        assert_eq!(filter.terms[0].pattern, "%token%");
        assert_eq!(filter.terms[0].columns, TEXT_COLUMNS);
    }

    #[test]
    fn like_wildcards_are_escaped() {
        let filter = EventFilter::parse(r"action:100%_x\y").unwrap();
        assert_eq!(filter.terms[0].pattern, r"100\%\_x\\y");
    }

    #[test]
    fn quotes_keep_spaces() {
        let filter = EventFilter::parse(r#"action:"list users" -outcome:success"#).unwrap();
        assert_eq!(filter.terms[0].pattern, "list users");
        assert!(filter.terms[1].negated);
    }

    #[test]
    fn unclosed_quote_is_rejected() {
        let err = EventFilter::parse(r#"action:"list"#).unwrap_err();
        assert!(err.contains("not closed"), "{err}");
    }

    #[test]
    fn unknown_field_is_rejected() {
        let err = EventFilter::parse("colour:red").unwrap_err();
        assert!(err.contains("unknown field \"colour\""), "{err}");
        assert!(err.contains("actor"), "{err}");
    }

    #[test]
    fn time_without_field_stays_text() {
        let filter = EventFilter::parse("10:15").unwrap();
        assert_eq!(filter.terms[0].pattern, "%10:15%");
    }

    #[test]
    fn since_and_until_parse() {
        let filter = EventFilter::parse("since:2026-11-02 until:2026-11-03T10:15:00Z").unwrap();
        assert_eq!(filter.since.unwrap().to_string(), "2026-11-02 00:00:00");
        assert_eq!(filter.until.unwrap().to_string(), "2026-11-03 10:15:00");
        assert!(EventFilter::parse("since:yesterday").is_err());
    }

    #[test]
    fn sql_binds_every_value() {
        let filter = EventFilter::parse(r#"actor:"'; DROP TABLE events; --""#).unwrap();
        let (sql, params) = filter.to_sql();
        assert!(!sql.contains("DROP"), "{sql}");
        assert_eq!(params.len(), 3);
        assert_eq!(text(&params[0]), "'; DROP TABLE events; --");
    }

    #[test]
    fn empty_filter_is_true() {
        let (sql, params) = EventFilter::default().to_sql();
        assert_eq!(sql, "TRUE");
        assert!(params.is_empty());
    }
}

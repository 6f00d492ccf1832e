//! Colours and styles, and the formatting of cells that several screens show.

use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::Span;

use crate::model::IdentityKind;
use crate::sanitize::for_terminal;

pub const SELECTED: Style = Style::new()
    .bg(Color::DarkGray)
    .add_modifier(Modifier::BOLD);
pub const HEADER_ROW: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
pub const KEY: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
pub const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub const DIM: Style = Style::new().fg(Color::DarkGray);
pub const LABEL: Style = Style::new().fg(Color::Cyan);

/// Returns the coloured badge of an identity kind.
pub fn kind_badge(kind: IdentityKind) -> Span<'static> {
    let color = match kind {
        IdentityKind::Human => Color::Green,
        IdentityKind::Service => Color::Blue,
        IdentityKind::Agent => Color::Magenta,
        IdentityKind::Group => Color::Cyan,
        IdentityKind::Other => Color::Gray,
    };
    Span::styled(
        kind.as_str(),
        Style::new().fg(color).add_modifier(Modifier::BOLD),
    )
}

/// Returns the SCIM `active` state, which is unknown when the snapshot has no `active`
/// attribute.
pub fn active_state(active: Option<bool>) -> Span<'static> {
    match active {
        Some(true) => Span::styled("active", Style::new().fg(Color::Green)),
        Some(false) => Span::styled("INACTIVE", ERROR),
        None => Span::styled("unknown", DIM),
    }
}

/// Returns a verdict coloured by what it does to access.
pub fn verdict(text: &str) -> Span<'static> {
    let style = match text {
        "approve" => Style::new().fg(Color::Green),
        "revoke" => ERROR,
        "flag" => Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        _ => Style::new(),
    };
    Span::styled(for_terminal(text), style)
}

/// Formats an RFC 3339 UTC time as `YYYY-MM-DD HH:MM:SS`, the width of a table column.
pub fn short_time(ts: &str) -> String {
    match ts.get(..19) {
        Some(prefix) => prefix.replacen('T', " ", 1),
        None => for_terminal(ts),
    }
}

/// Formats an RFC 3339 UTC time as `YYYY-MM-DD HH:MM`.
pub fn short_minute(ts: &str) -> String {
    short_time(ts).chars().take(16).collect()
}

/// Formats an RFC 3339 UTC time as `YYYY-MM-DD`.
pub fn date(ts: &str) -> String {
    short_time(ts).chars().take(10).collect()
}

/// Escapes `text` for the terminal; every string from the evidence is drawn through it.
pub fn evidence(text: &str) -> String {
    for_terminal(text)
}

/// Escapes optional evidence text, drawing a missing value as `-`.
pub fn evidence_or_dash(text: Option<&str>) -> String {
    text.map_or_else(|| "-".to_string(), for_terminal)
}

pub fn key(label: &str) -> Span<'static> {
    Span::styled(format!(" {label} "), KEY)
}

pub fn spinner_frame(frame: usize) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    FRAMES[frame % FRAMES.len()]
}

/// Returns a title for a bordered block, padded by one space on each side.
pub fn title(text: impl Into<String>) -> Span<'static> {
    Span::from(format!(" {} ", text.into())).bold()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_time_drops_fraction_and_zone() {
        assert_eq!(
            short_time("2026-11-02T10:14:58.731000Z"),
            "2026-11-02 10:14:58"
        );
        assert_eq!(short_time("bad\x1b"), "bad\\x1b");
    }
}

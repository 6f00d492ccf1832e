//! Colours and styles, and the formatting of cells that several screens show.

use ratatui::buffer::Buffer;
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

/// The colours a frame is drawn with. Screens draw with the dark palette's styles above,
/// and [`Palette::apply`] rewrites the finished frame for the others, so no screen needs
/// to know which one is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Palette {
    #[default]
    Dark,
    /// For terminals with a light background.
    Light,
    /// No colours at all, as `NO_COLOR` requests, so highlights become reverse video.
    NoColor,
}

impl Palette {
    /// Returns the palette the environment requests: none when `NO_COLOR` is set to a
    /// non-empty value (see no-color.org), light when `SCIMTRAIL_THEME` is `light`.
    pub fn from_env() -> Palette {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        let theme = std::env::var("SCIMTRAIL_THEME").unwrap_or_default();
        Palette::choose(no_color, &theme)
    }

    fn choose(no_color: bool, theme: &str) -> Palette {
        if no_color {
            Palette::NoColor
        } else if theme.eq_ignore_ascii_case("light") {
            Palette::Light
        } else {
            Palette::Dark
        }
    }

    pub fn next(self) -> Palette {
        match self {
            Palette::Dark => Palette::Light,
            Palette::Light => Palette::NoColor,
            Palette::NoColor => Palette::Dark,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Palette::Dark => "dark",
            Palette::Light => "light",
            Palette::NoColor => "none",
        }
    }

    /// Rewrites the colours of every cell of a frame drawn with the dark palette.
    pub fn apply(self, buffer: &mut Buffer) {
        if self == Palette::Dark {
            return;
        }
        for cell in &mut buffer.content {
            match self {
                Palette::Dark => {}
                Palette::Light => {
                    cell.fg = light_fg(cell.fg);
                    cell.bg = light_bg(cell.bg);
                }
                Palette::NoColor => {
                    if cell.bg != Color::Reset {
                        cell.modifier.insert(Modifier::REVERSED);
                    }
                    cell.fg = Color::Reset;
                    cell.bg = Color::Reset;
                }
            }
        }
    }
}

/// Maps a foreground colour that is faint on a light background to a darker one.
fn light_fg(color: Color) -> Color {
    match color {
        Color::Yellow => Color::Blue,
        Color::Cyan => Color::Blue,
        Color::Gray | Color::White => Color::Black,
        Color::Green => Color::Rgb(0, 110, 0),
        other => other,
    }
}

fn light_bg(color: Color) -> Color {
    match color {
        Color::DarkGray => Color::Gray,
        other => other,
    }
}

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
    use ratatui::layout::Rect;

    use super::*;

    fn styled_buffer() -> Buffer {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 2, 1));
        buffer[(0, 0)].set_style(SELECTED);
        buffer[(1, 0)].set_style(HEADER_ROW);
        buffer
    }

    #[test]
    fn no_color_strips_colours() {
        let mut buffer = styled_buffer();
        Palette::NoColor.apply(&mut buffer);
        for cell in &buffer.content {
            assert_eq!(cell.fg, Color::Reset);
            assert_eq!(cell.bg, Color::Reset);
        }
        assert!(buffer[(0, 0)].modifier.contains(Modifier::REVERSED));
        assert!(!buffer[(1, 0)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn light_darkens_faint_colours() {
        let mut buffer = styled_buffer();
        Palette::Light.apply(&mut buffer);
        assert_eq!(buffer[(0, 0)].bg, Color::Gray);
        assert_eq!(buffer[(1, 0)].fg, Color::Blue);
    }

    #[test]
    fn environment_chooses_palette() {
        assert_eq!(Palette::choose(true, "light"), Palette::NoColor);
        assert_eq!(Palette::choose(false, "LIGHT"), Palette::Light);
        assert_eq!(Palette::choose(false, ""), Palette::Dark);
    }

    #[test]
    fn short_time_drops_fraction_and_zone() {
        assert_eq!(
            short_time("2026-11-02T10:14:58.731000Z"),
            "2026-11-02 10:14:58"
        );
        assert_eq!(short_time("bad\x1b"), "bad\\x1b");
    }
}

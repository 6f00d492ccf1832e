//! The header line: screen tabs, the case, the reviewer and the spinner of running jobs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs};

use super::theme;
use crate::tui::app::{App, Screen};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let titles: Vec<String> = Screen::ALL
        .iter()
        .enumerate()
        .map(|(index, screen)| format!("{} {}", index + 1, screen.title()))
        .collect();
    // Each tab has one column of padding on both sides, and a divider between tabs.
    let tabs_width: usize = titles.iter().map(|t| t.chars().count() + 3).sum();
    let tabs_width = u16::try_from(tabs_width).unwrap_or(area.width);
    let [tabs_area, info_area] =
        Layout::horizontal([Constraint::Length(tabs_width), Constraint::Fill(1)]).areas(area);
    let selected = Screen::ALL.iter().position(|&s| s == app.screen);
    let tabs = Tabs::new(titles)
        .select(selected)
        .style(Style::new().fg(Color::Gray))
        .highlight_style(
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        )
        .divider("|");
    frame.render_widget(tabs, tabs_area);
    // When the line does not fit, the case name goes first, then the labels, then the
    // reviewer, whom the Review screen names too. The spinner always stays.
    let fits = |line: &Line| line.width() <= usize::from(info_area.width);
    let mut info = info_line(app, Info::All);
    for less in [Info::NoCase, Info::NoLabels, Info::SpinnerOnly] {
        if fits(&info) {
            break;
        }
        info = info_line(app, less);
    }
    frame.render_widget(Paragraph::new(info).right_aligned(), info_area);
}

/// How much of the information the header line shows.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Info {
    All,
    NoCase,
    NoLabels,
    SpinnerOnly,
}

fn info_line(app: &App, info: Info) -> Line<'static> {
    let mut spans = Vec::new();
    if app.requests.busy() {
        let text = format!("{} loading… ", theme::spinner_frame(app.spinner));
        spans.push(Span::styled(text, Style::new().fg(Color::Yellow)));
    }
    // The zone stays at every width, because every time on screen depends on it.
    spans.push(Span::styled(format!("{} ", app.zone.label()), theme::LABEL));
    if info == Info::SpinnerOnly {
        return Line::from(spans);
    }
    if info == Info::All {
        spans.push(Span::styled("case ", theme::DIM));
        spans.push(Span::raw(theme::evidence(&app.case_name)));
        spans.push(Span::raw("  "));
    }
    if info < Info::NoLabels {
        spans.push(Span::styled("reviewer ", theme::DIM));
    }
    spans.push(Span::styled(
        theme::evidence(&app.reviewer),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    spans.push(Span::raw(" "));
    Line::from(spans)
}

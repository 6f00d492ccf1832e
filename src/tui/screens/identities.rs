//! The Identities screen: every identity of the case with its kind, state, owner,
//! activity and current decision.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::identity_detail;
use super::identity_table::{self, Column};
use crate::tui::app::App;

/// The width from which the last-seen column shows the time, not only the date.
const WIDE_FROM: u16 = 100;

const WIDE_COLUMNS: &[Column] = &[
    Column::Name,
    Column::Kind,
    Column::State,
    Column::Owner,
    Column::Events,
    Column::Findings,
    Column::LastSeen,
    Column::Decision,
];

const NARROW_COLUMNS: &[Column] = &[
    Column::Name,
    Column::Kind,
    Column::State,
    Column::Owner,
    Column::Events,
    Column::Findings,
    Column::LastSeenDate,
    Column::Decision,
];

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    if let Some(view) = &app.detail {
        identity_detail::render(frame, area, app, view);
        return;
    }
    let [filter_area, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    identity_table::render_filter(frame, filter_area, app);
    let columns = if area.width >= WIDE_FROM {
        WIDE_COLUMNS
    } else {
        NARROW_COLUMNS
    };
    identity_table::render(frame, table_area, app, "Identities", columns);
}

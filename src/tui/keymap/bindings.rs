//! The binding tables, one per screen and prompt.

use crossterm::event::KeyCode;

use super::Binding;
use crate::model::Verdict;
use crate::tui::action::Action;
use crate::tui::app::Screen;

/// Builds a binding that the footer lists as `footer`.
const fn shown(
    keys: &'static [KeyCode],
    label: &'static str,
    footer: &'static str,
    help: &'static str,
    action: Action,
) -> Binding {
    Binding {
        keys,
        label,
        help,
        action,
        reverse: None,
        footer: Some(footer),
    }
}

/// Builds a binding that only the help overlay lists.
const fn hidden(
    keys: &'static [KeyCode],
    label: &'static str,
    help: &'static str,
    action: Action,
) -> Binding {
    Binding {
        keys,
        label,
        help,
        action,
        reverse: None,
        footer: None,
    }
}

/// Builds a footer binding for a pair of opposite moves, such as j and k.
const fn pair(
    keys: [&'static [KeyCode]; 2],
    label: &'static str,
    footer: &'static str,
    help: &'static str,
    forward: Action,
    back: Action,
) -> Binding {
    Binding {
        keys: keys[0],
        label,
        help,
        action: forward,
        reverse: Some((keys[1], back)),
        footer: Some(footer),
    }
}

/// Builds a help-only binding for a pair of opposite moves.
const fn hidden_pair(
    keys: [&'static [KeyCode]; 2],
    label: &'static str,
    help: &'static str,
    forward: Action,
    back: Action,
) -> Binding {
    Binding {
        keys: keys[0],
        label,
        help,
        action: forward,
        reverse: Some((keys[1], back)),
        footer: None,
    }
}

use KeyCode::{
    BackTab, Backspace, Char, Down, End, Enter, Esc, F, Home, Left, PageDown, PageUp, Right, Tab,
    Up,
};
use Verdict::{Abstain, Approve, Flag, Revoke};

const MOVE_KEYS: [&[KeyCode]; 2] = [&[Char('j'), Down], &[Char('k'), Up]];
const SEARCH_KEYS: [&[KeyCode]; 2] = [&[Char('n')], &[Char('N')]];
const ARROW_KEYS: [&[KeyCode]; 2] = [&[Down], &[Up]];

// One binding per line reads as a table, so rustfmt leaves these alone.
#[rustfmt::skip]
pub(super) const GLOBAL: &[Binding] = &[
    shown(&[Char('?'), F(1)], "?", "help", "this help; F1 too", Action::ToggleHelp),
    shown(&[Char('q')], "q", "quit", "quit", Action::Quit),
    hidden(&[Tab], "Tab", "next screen", Action::NextScreen),
    hidden(&[BackTab], "Shift-Tab", "previous screen", Action::PreviousScreen),
    hidden(&[Char('1')], "1", "Identities screen", Action::ShowScreen(Screen::Identities)),
    hidden(&[Char('2')], "2", "Trace screen", Action::ShowScreen(Screen::Trace)),
    hidden(&[Char('3')], "3", "Review screen", Action::ShowScreen(Screen::Review)),
    hidden(&[Char('4')], "4", "Events screen", Action::ShowScreen(Screen::Events)),
    hidden(&[Char('5')], "5", "Overview screen", Action::ShowScreen(Screen::Overview)),
    hidden(&[Char('6')], "6", "SQL screen", Action::ShowScreen(Screen::Sql)),
    hidden(&[Char(';')], ";", "SQL console: type a query", Action::OpenConsole),
    hidden(&[Char('T')], "T", "colours: dark, light, none", Action::CyclePalette),
    hidden(&[Char('u')], "u", "times in UTC or local zone", Action::ToggleZone),
    // Ctrl-E and Ctrl-C are matched before the tables; these entries document them.
    hidden(&[], "Ctrl-E", "export this view to a file", Action::StartExport),
    hidden(&[], "Ctrl-C", "quit, even in a prompt", Action::Quit),
];

#[rustfmt::skip]
pub(super) const LIST_MOVES: &[Binding] = &[
    pair(MOVE_KEYS, "j/k", "move", "next or previous row, ↓ ↑", Action::MoveDown, Action::MoveUp),
    hidden(&[Char('g'), Home], "g/Home", "first row", Action::First),
    hidden(&[Char('G'), End], "G/End", "last row", Action::Last),
    hidden(&[PageDown], "PgDn", "next page", Action::PageDown),
    hidden(&[PageUp], "PgUp", "previous page", Action::PageUp),
];

#[rustfmt::skip]
pub(super) const IDENTITIES: &[Binding] = &[
    shown(&[Char('/')], "/", "filter", "fuzzy filter the identities", Action::StartFilter),
    shown(&[Esc], "Esc", "clear", "clear the filter", Action::Back),
    shown(&[Enter], "Enter", "detail", "open the identity's detail", Action::Open),
    shown(&[Char('e')], "e", "explain", "the identity's findings", Action::Explain),
    hidden_pair(SEARCH_KEYS, "n/N", "next or previous row with the filter text", Action::SearchNext, Action::SearchPrevious),
    hidden(&[Char('R')], "R", "reload from the case", Action::Reload),
];

#[rustfmt::skip]
pub(super) const TRACE: &[Binding] = &[
    shown(&[Char('i')], "i", "type ID", "type an ID to trace", Action::StartTraceInput),
    shown(&[Char('/')], "/", "find", "search the events' text", Action::StartSearch),
    hidden_pair(SEARCH_KEYS, "n/N", "next or previous match", Action::SearchNext, Action::SearchPrevious),
    shown(&[Char('p')], "p", "pick ID", "pick a known ID (fuzzy)", Action::OpenPicker),
    // `/` takes footer room at 80 columns, so j/k reads `move` as on the other screens.
    pair(MOVE_KEYS, "j/k", "move", "next or previous event, ↓ ↑", Action::MoveDown, Action::MoveUp),
    // Help-only, so the footer has room for `m` at 80 columns.
    hidden_pair([&[Char('J')], &[Char('K')]], "J/K", "scroll the event detail", Action::ScrollDetailDown, Action::ScrollDetailUp),
    hidden(&[Char('g'), Home], "g/Home", "first event", Action::First),
    hidden(&[Char('G'), End], "G/End", "last event", Action::Last),
    hidden(&[PageDown], "PgDn", "next page of events", Action::PageDown),
    hidden(&[PageUp], "PgUp", "previous page of events", Action::PageUp),
    hidden(&[Enter], "Enter", "show the actor's identity", Action::Open),
    shown(&[Char('m')], "m", "bookmark", "bookmark the event with a note", Action::StartBookmark),
    hidden(&[Char('a')], "a", "trace the actor's identity", Action::TraceActor),
    hidden(&[Char('v')], "v", "trace the parent link's value", Action::TraceLinkValue),
];

#[rustfmt::skip]
pub(super) const REVIEW: &[Binding] = &[
    shown(&[Char('a')], "a", "approve", "approve selected or marked", Action::StartDecision(Approve)),
    shown(&[Char('r')], "r", "revoke", "revoke selected or marked", Action::StartDecision(Revoke)),
    shown(&[Char('f')], "f", "flag", "flag selected or marked", Action::StartDecision(Flag)),
    shown(&[Char('x')], "x", "abstain", "abstain on selected or marked", Action::StartDecision(Abstain)),
    shown(&[Char(' ')], "Space", "mark", "mark for a bulk decision", Action::ToggleMark),
    hidden(&[Char('e')], "e", "the identity's findings", Action::Explain),
    hidden(&[Char('/')], "/", "fuzzy filter the identities", Action::StartFilter),
    hidden_pair(SEARCH_KEYS, "n/N", "next or previous row with the filter text", Action::SearchNext, Action::SearchPrevious),
    hidden(&[Esc], "Esc", "clear marks, else the filter", Action::Back),
    hidden(&[Char('R')], "R", "reload from the case", Action::Reload),
];

#[rustfmt::skip]
pub(super) const HELP: &[Binding] = &[
    shown(&[Esc, Char('?'), F(1)], "Esc ?", "close help", "close the help", Action::ToggleHelp),
    shown(&[Char('q')], "q", "quit", "quit", Action::Quit),
];

const BACKSPACE: Binding = hidden(
    &[Backspace],
    "Backspace",
    "delete the last character",
    Action::InputBackspace,
);

#[rustfmt::skip]
pub(super) const FILTER: &[Binding] = &[
    shown(&[Enter], "Enter", "keep filter", "keep the filter", Action::InputSubmit),
    shown(&[Esc], "Esc", "clear filter", "clear the filter", Action::InputCancel),
    pair(ARROW_KEYS, "↓ ↑", "move", "move while typing", Action::MoveDown, Action::MoveUp),
    BACKSPACE,
];

#[rustfmt::skip]
pub(super) const TRACE_INPUT: &[Binding] = &[
    shown(&[Enter], "Enter", "trace", "trace the typed ID", Action::InputSubmit),
    shown(&[Esc], "Esc", "cancel", "close the prompt", Action::InputCancel),
    BACKSPACE,
];

#[rustfmt::skip]
pub(super) const PICKER: &[Binding] = &[
    shown(&[Enter], "Enter", "trace", "trace the highlighted ID", Action::InputSubmit),
    shown(&[Esc], "Esc", "close", "close the picker", Action::InputCancel),
    pair(ARROW_KEYS, "↓ ↑", "highlight", "highlight next or previous", Action::MoveDown, Action::MoveUp),
    BACKSPACE,
];

#[rustfmt::skip]
pub(super) const JUSTIFICATION: &[Binding] = &[
    shown(&[Enter], "Enter", "save", "save the decision", Action::InputSubmit),
    shown(&[Esc], "Esc", "cancel", "cancel, record nothing", Action::InputCancel),
    BACKSPACE,
];

#[rustfmt::skip]
pub(super) const EVENTS: &[Binding] = &[
    shown(&[Char('/')], "/", "filter", "filter (field:value, -not)", Action::StartFilter),
    shown(&[Enter], "Enter", "trace", "trace the event's ID", Action::Open),
    hidden_pair([&[Right, Char('l')], &[Left, Char('h')]], "← → h l", "select a time slice", Action::MoveBucket(1), Action::MoveBucket(-1)),
    shown(&[Char('z'), Char('+')], "z +", "zoom slice", "zoom into the time slice", Action::ZoomIn),
    hidden_pair(SEARCH_KEYS, "n/N", "next or previous row with the filter's words", Action::SearchNext, Action::SearchPrevious),
    hidden(&[Char('Z'), Char('-')], "Z -", "zoom out", Action::ZoomOut),
    hidden(&[Esc], "Esc", "zoom out, or clear filter", Action::Back),
    hidden(&[Char('R')], "R", "reload from the case", Action::Reload),
];

#[rustfmt::skip]
pub(super) const OVERVIEW: &[Binding] = &[
    shown(&[Char('R')], "R", "reload", "reload from the case", Action::Reload),
];

#[rustfmt::skip]
pub(super) const EVENT_FILTER: &[Binding] = &[
    shown(&[Enter], "Enter", "apply", "apply the filter", Action::InputSubmit),
    shown(&[Esc], "Esc", "cancel", "close, keep the old filter", Action::InputCancel),
    BACKSPACE,
];

#[rustfmt::skip]
pub(super) const EXPORT: &[Binding] = &[
    shown(&[Enter], "Enter", "write", "write; .json gives JSON", Action::InputSubmit),
    shown(&[Esc], "Esc", "cancel", "close, write nothing", Action::InputCancel),
    BACKSPACE,
];

#[rustfmt::skip]
pub(super) const SQL: &[Binding] = &[
    // `;` reaches the prompt from every screen through the global table.
    shown(&[Enter], "Enter", "query", "type a SELECT query", Action::OpenConsole),
    shown(&[Char('/')], "/", "find", "search the result's text", Action::StartSearch),
    hidden_pair(SEARCH_KEYS, "n/N", "next or previous match", Action::SearchNext, Action::SearchPrevious),
    pair([&[Right, Char('l')], &[Left, Char('h')]], "← →", "columns", "scroll the columns, h l", Action::ScrollColumns(1), Action::ScrollColumns(-1)),
];

#[rustfmt::skip]
pub(super) const SQL_INPUT: &[Binding] = &[
    shown(&[Enter], "Enter", "run", "run the query (read-only)", Action::InputSubmit),
    shown(&[Esc], "Esc", "close", "close the prompt", Action::InputCancel),
    pair([&[Up], &[Down]], "↑ ↓", "history", "older or newer query", Action::BrowseHistory(-1), Action::BrowseHistory(1)),
    BACKSPACE,
];

#[rustfmt::skip]
pub(super) const DETAIL: &[Binding] = &[
    shown(&[Esc], "Esc", "back", "back to the list", Action::Back),
    shown(&[Enter], "Enter", "review", "review this identity", Action::Open),
    shown(&[Char('e')], "e", "explain", "the identity's findings", Action::Explain),
    pair(MOVE_KEYS, "j/k", "scroll", "scroll the detail, ↓ ↑", Action::MoveDown, Action::MoveUp),
    hidden(&[PageDown], "PgDn", "scroll a page down", Action::PageDown),
    hidden(&[PageUp], "PgUp", "scroll a page up", Action::PageUp),
    hidden(&[Char('g'), Home], "g/Home", "top of the detail", Action::First),
];

#[rustfmt::skip]
pub(super) const EXPLAIN: &[Binding] = &[
    shown(&[Esc, Char('e')], "Esc e", "close", "close the findings", Action::Explain),
    pair(MOVE_KEYS, "j/k", "scroll", "scroll the findings, ↓ ↑", Action::ScrollExplain(1), Action::ScrollExplain(-1)),
    hidden_pair([&[PageDown], &[PageUp]], "PgDn/PgUp", "scroll a page", Action::ScrollExplain(10), Action::ScrollExplain(-10)),
];

#[rustfmt::skip]
pub(super) const SEARCH_INPUT: &[Binding] = &[
    shown(&[Enter], "Enter", "find", "select the first match", Action::InputSubmit),
    shown(&[Esc], "Esc", "cancel", "close, keep the last search", Action::InputCancel),
    BACKSPACE,
];

#[rustfmt::skip]
pub(super) const BOOKMARK_NOTE: &[Binding] = &[
    shown(&[Enter], "Enter", "save", "bookmark with this note", Action::InputSubmit),
    shown(&[Esc], "Esc", "cancel", "close, bookmark nothing", Action::InputCancel),
    BACKSPACE,
];

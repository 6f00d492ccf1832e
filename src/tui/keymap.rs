//! Key bindings: one table per mode, which both maps key events to actions and lists the
//! keys in the footer and the help overlay, so the shown keys are the working ones.

use crossterm::event::KeyCode::Char;
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::action::Action;
use super::app::Screen;

mod bindings;

use bindings::{
    BOOKMARK_NOTE, DETAIL, EVENT_FILTER, EVENTS, EXPLAIN, EXPORT, FILTER, GLOBAL, HELP, IDENTITIES,
    JUSTIFICATION, LIST_MOVES, OVERVIEW, PICKER, REVIEW, SEARCH_INPUT, SQL, SQL_INPUT, TRACE,
    TRACE_INPUT,
};

/// The input mode: a screen's commands, the help overlay, or text typed into a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal(Screen),
    /// The identity detail over the Identities screen.
    Detail,
    /// The findings overlay of one identity.
    Explain,
    Help(Screen),
    Filter,
    TraceInput,
    Picker,
    Justification,
    EventFilter,
    Export,
    SqlInput,
    /// The note prompt of a bookmark.
    BookmarkNote,
    /// The search prompt of the Trace and SQL screens.
    SearchInput,
}

impl Mode {
    /// Returns whether unbound printable keys are typed into a text field.
    pub fn takes_text(self) -> bool {
        !matches!(
            self,
            Mode::Normal(_) | Mode::Help(_) | Mode::Detail | Mode::Explain
        )
    }
}

/// One key binding as the keymap, the footer and the help overlay use it.
#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [KeyCode],
    /// The keys as the footer and the help overlay show them.
    pub label: &'static str,
    pub help: &'static str,
    pub action: Action,
    /// Keys of a pair such as j/k that share one entry, with the action they trigger.
    pub reverse: Option<(&'static [KeyCode], Action)>,
    /// The footer's short text; `None` keeps the binding out of the footer, while the help
    /// overlay lists every binding.
    pub footer: Option<&'static str>,
}

/// Returns the binding tables of `mode`, most specific first.
pub fn tables(mode: Mode) -> Vec<&'static [Binding]> {
    match mode {
        Mode::Normal(Screen::Identities) => vec![IDENTITIES, LIST_MOVES, GLOBAL],
        Mode::Normal(Screen::Trace) => vec![TRACE, GLOBAL],
        Mode::Normal(Screen::Review) => vec![REVIEW, LIST_MOVES, GLOBAL],
        Mode::Normal(Screen::Events) => vec![EVENTS, LIST_MOVES, GLOBAL],
        Mode::Normal(Screen::Overview) => vec![OVERVIEW, GLOBAL],
        Mode::Normal(Screen::Sql) => vec![SQL, LIST_MOVES, GLOBAL],
        Mode::Detail => vec![DETAIL, GLOBAL],
        Mode::Explain => vec![EXPLAIN, GLOBAL],
        Mode::Help(_) => vec![HELP],
        Mode::Filter => vec![FILTER],
        Mode::TraceInput => vec![TRACE_INPUT],
        Mode::Picker => vec![PICKER],
        Mode::Justification => vec![JUSTIFICATION],
        Mode::EventFilter => vec![EVENT_FILTER],
        Mode::Export => vec![EXPORT],
        Mode::SqlInput => vec![SQL_INPUT],
        Mode::BookmarkNote => vec![BOOKMARK_NOTE],
        Mode::SearchInput => vec![SEARCH_INPUT],
    }
}

/// Returns the help overlay's sections for `screen`, its commands first, then the keys
/// of its prompts.
pub fn help_sections(screen: Screen) -> Vec<(&'static str, &'static [Binding])> {
    let mut sections: Vec<(&'static str, &'static [Binding])> = match screen {
        Screen::Identities => vec![
            ("Identities", IDENTITIES),
            ("Moving", LIST_MOVES),
            ("Filter prompt", FILTER),
            ("Identity detail", DETAIL),
            ("Findings", EXPLAIN),
        ],
        Screen::Trace => vec![
            ("Trace", TRACE),
            ("ID prompt", TRACE_INPUT),
            ("Search prompt", SEARCH_INPUT),
            ("ID picker", PICKER),
            ("Bookmark note prompt", BOOKMARK_NOTE),
        ],
        Screen::Review => vec![
            ("Review", REVIEW),
            ("Moving", LIST_MOVES),
            ("Justification prompt", JUSTIFICATION),
            ("Filter prompt", FILTER),
            ("Findings", EXPLAIN),
        ],
        Screen::Events => vec![
            ("Events", EVENTS),
            ("Moving", LIST_MOVES),
            ("Filter prompt", EVENT_FILTER),
        ],
        Screen::Overview => vec![("Overview", OVERVIEW)],
        Screen::Sql => vec![
            ("SQL", SQL),
            ("Moving", LIST_MOVES),
            ("Query prompt", SQL_INPUT),
            ("Search prompt", SEARCH_INPUT),
        ],
    };
    sections.push(("Export prompt", EXPORT));
    sections.push(("Everywhere", GLOBAL));
    sections
}

/// Returns the action that `key` triggers in `mode`, if any.
pub fn action_for(mode: Mode, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let control = key.modifiers.contains(KeyModifiers::CONTROL);
    if control && key.code == Char('c') {
        return Some(Action::Quit);
    }
    if control && key.code == Char('e') && matches!(mode, Mode::Normal(_) | Mode::Detail) {
        return Some(Action::StartExport);
    }
    if control {
        return None;
    }
    // Esc followed quickly by a key arrives as one Alt+key sequence. Outside prompts the
    // key still counts, so a fast Esc and 3 switches screens. A prompt ignores it, because
    // the user meant the key as a command, not as text.
    if key.modifiers.contains(KeyModifiers::ALT) && mode.takes_text() {
        return None;
    }
    if let Some(action) = bound_action(mode, key.code) {
        return Some(action);
    }
    match key.code {
        Char(c) if mode.takes_text() => Some(Action::InputChar(c)),
        _ => None,
    }
}

/// Returns the action of a mouse event in `mode`: the wheel moves the selection of the
/// list or picker, and a left click selects a row outside prompts.
pub fn action_for_mouse(mode: Mode, event: MouseEvent) -> Option<Action> {
    let lists = matches!(mode, Mode::Normal(_) | Mode::Picker | Mode::Filter);
    match event.kind {
        MouseEventKind::ScrollDown if lists || mode == Mode::Detail => Some(Action::MoveDown),
        MouseEventKind::ScrollUp if lists || mode == Mode::Detail => Some(Action::MoveUp),
        MouseEventKind::Down(MouseButton::Left) if matches!(mode, Mode::Normal(_)) => {
            Some(Action::Click { y: event.row })
        }
        _ => None,
    }
}

fn bound_action(mode: Mode, code: KeyCode) -> Option<Action> {
    // In a text field every printable key is text, even one that a binding lists.
    if mode.takes_text() && matches!(code, Char(_)) {
        return None;
    }
    tables(mode).into_iter().flatten().find_map(|binding| {
        if binding.keys.contains(&code) {
            return Some(binding.action.clone());
        }
        match &binding.reverse {
            Some((keys, action)) if keys.contains(&code) => Some(action.clone()),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests;

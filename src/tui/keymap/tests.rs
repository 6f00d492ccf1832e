use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::*;
use crate::model::Verdict;

const ALL_MODES: [Mode; 16] = [
    Mode::Normal(Screen::Identities),
    Mode::Normal(Screen::Trace),
    Mode::Normal(Screen::Review),
    Mode::Normal(Screen::Events),
    Mode::Normal(Screen::Overview),
    Mode::Normal(Screen::Sql),
    Mode::Detail,
    Mode::Help(Screen::Identities),
    Mode::Filter,
    Mode::TraceInput,
    Mode::Picker,
    Mode::Justification,
    Mode::EventFilter,
    Mode::Export,
    Mode::SqlInput,
    Mode::SearchInput,
];

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn action_name(mode: Mode, key: KeyEvent) -> String {
    format!("{:?}", action_for(mode, key))
}

#[test]
fn every_binding_triggers_its_action() {
    for mode in ALL_MODES {
        for binding in tables(mode).into_iter().flatten() {
            for &code in binding.keys {
                let expected = format!("{:?}", Some(&binding.action));
                assert_eq!(
                    action_name(mode, press(code)),
                    expected,
                    "{mode:?} {code:?}"
                );
            }
            if let Some((keys, action)) = &binding.reverse {
                for &code in *keys {
                    let expected = format!("{:?}", Some(action));
                    assert_eq!(
                        action_name(mode, press(code)),
                        expected,
                        "{mode:?} {code:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn no_key_bound_twice_in_a_mode() {
    for mode in ALL_MODES {
        let mut seen = Vec::new();
        for binding in tables(mode).into_iter().flatten() {
            let reverse = binding.reverse.as_ref().map_or(&[][..], |(keys, _)| *keys);
            for code in binding.keys.iter().chain(reverse) {
                assert!(!seen.contains(code), "{mode:?} binds {code:?} twice");
                seen.push(*code);
            }
        }
    }
}

#[test]
fn prompts_take_printable_keys_as_text() {
    for mode in [
        Mode::Filter,
        Mode::TraceInput,
        Mode::Picker,
        Mode::Justification,
    ] {
        for c in ['q', 'j', '?', '/', 'G', '1'] {
            let key = press(KeyCode::Char(c));
            assert!(
                matches!(action_for(mode, key), Some(Action::InputChar(typed)) if typed == c),
                "{mode:?} {c}"
            );
        }
    }
}

#[test]
fn ctrl_c_quits_everywhere() {
    let key = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for mode in ALL_MODES {
        assert!(
            matches!(action_for(mode, key), Some(Action::Quit)),
            "{mode:?}"
        );
    }
    let other = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
    assert!(action_for(Mode::Normal(Screen::Identities), other).is_none());
}

#[test]
fn key_release_is_ignored() {
    let mut key = press(KeyCode::Char('q'));
    key.kind = KeyEventKind::Release;
    assert!(action_for(Mode::Normal(Screen::Identities), key).is_none());
}

#[test]
fn shifted_letter_maps_by_its_character() {
    let key = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert!(matches!(
        action_for(Mode::Normal(Screen::Review), key),
        Some(Action::Last)
    ));
    let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert!(matches!(
        action_for(Mode::Normal(Screen::Trace), back_tab),
        Some(Action::PreviousScreen)
    ));
}

#[test]
fn g_goes_to_top_everywhere() {
    let key = press(KeyCode::Char('g'));
    assert!(matches!(
        action_for(Mode::Normal(Screen::Identities), key),
        Some(Action::First)
    ));
    assert!(matches!(
        action_for(Mode::Normal(Screen::Trace), key),
        Some(Action::First)
    ));
}

#[test]
fn p_opens_trace_picker() {
    let key = press(KeyCode::Char('p'));
    assert!(matches!(
        action_for(Mode::Normal(Screen::Trace), key),
        Some(Action::OpenPicker)
    ));
}

#[test]
fn slash_searches_where_there_is_no_filter() {
    let slash = press(KeyCode::Char('/'));
    let on = |screen| action_name(Mode::Normal(screen), slash);
    assert_eq!(on(Screen::Trace), "Some(StartSearch)");
    assert_eq!(on(Screen::Sql), "Some(StartSearch)");
    assert_eq!(on(Screen::Identities), "Some(StartFilter)");
    assert_eq!(on(Screen::Events), "Some(StartFilter)");
    let i = press(KeyCode::Char('i'));
    assert_eq!(
        action_name(Mode::Normal(Screen::Trace), i),
        "Some(StartTraceInput)"
    );
    for screen in [
        Screen::Identities,
        Screen::Trace,
        Screen::Events,
        Screen::Sql,
    ] {
        let mode = Mode::Normal(screen);
        assert_eq!(
            action_name(mode, press(KeyCode::Char('n'))),
            "Some(SearchNext)"
        );
        assert_eq!(
            action_name(mode, press(KeyCode::Char('N'))),
            "Some(SearchPrevious)"
        );
    }
    let typed = action_name(Mode::SearchInput, press(KeyCode::Char('n')));
    assert_eq!(typed, "Some(InputChar('n'))", "the prompt types n");
}

#[test]
fn decision_keys_only_on_review() {
    let key = press(KeyCode::Char('r'));
    assert!(matches!(
        action_for(Mode::Normal(Screen::Review), key),
        Some(Action::StartDecision(Verdict::Revoke))
    ));
    assert!(action_for(Mode::Normal(Screen::Identities), key).is_none());
}

#[test]
fn help_mode_closes_or_quits() {
    let mode = Mode::Help(Screen::Trace);
    assert!(matches!(
        action_for(mode, press(KeyCode::Esc)),
        Some(Action::ToggleHelp)
    ));
    assert!(matches!(
        action_for(mode, press(KeyCode::Char('q'))),
        Some(Action::Quit)
    ));
    assert!(action_for(mode, press(KeyCode::Tab)).is_none());
}

#[test]
fn help_lists_every_key_of_the_screen() {
    for screen in Screen::ALL {
        let listed: Vec<&str> = help_sections(screen)
            .into_iter()
            .flat_map(|(_, bindings)| bindings.iter().map(|b| b.label))
            .collect();
        for binding in tables(Mode::Normal(screen)).into_iter().flatten() {
            assert!(
                listed.contains(&binding.label),
                "{screen:?} help lacks {}",
                binding.label
            );
        }
    }
}

#[test]
fn every_mode_footer_shows_a_way_out() {
    for mode in ALL_MODES {
        let footer: Vec<&str> = tables(mode)
            .into_iter()
            .flatten()
            .filter(|b| b.footer.is_some())
            .map(|b| b.label)
            .collect();
        let has_exit = footer
            .iter()
            .any(|label| label.contains("Esc") || *label == "q");
        assert!(has_exit, "{mode:?} footer {footer:?}");
    }
}

#[test]
fn alt_key_acts_as_plain_key() {
    // A terminal sends Esc followed quickly by a key as one Alt+key sequence.
    let alt_three = KeyEvent::new(Char('3'), KeyModifiers::ALT);
    let action = action_name(Mode::Normal(Screen::Identities), alt_three);
    assert_eq!(action, "Some(ShowScreen(Review))");
    let alt_in_prompt = action_name(Mode::Filter, KeyEvent::new(Char('x'), KeyModifiers::ALT));
    assert_eq!(alt_in_prompt, "None", "a prompt never types an Alt key");
}

#[test]
fn ctrl_e_exports_outside_prompts() {
    let ctrl_e = KeyEvent::new(Char('e'), KeyModifiers::CONTROL);
    assert_eq!(
        action_name(Mode::Normal(Screen::Events), ctrl_e),
        "Some(StartExport)"
    );
    assert_eq!(action_name(Mode::Justification, ctrl_e), "None");
}

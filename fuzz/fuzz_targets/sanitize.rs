//! Text through the terminal and CSV sanitizers, checking the output for characters a
//! terminal or spreadsheet would act on or hide: control characters (escape included),
//! format characters such as bidi overrides and zero-width marks, line and paragraph
//! separators, and for CSV a leading formula character.

#![no_main]

use libfuzzer_sys::fuzz_target;
use scimtrail::sanitize;
use unicode_general_category::{GeneralCategory, get_general_category};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let terminal = sanitize::for_terminal(text);
    check_inert(&terminal);
    let cell = sanitize::for_csv_cell(text);
    check_inert(&cell);
    check_no_formula(&cell);
});

fn check_inert(out: &str) {
    for c in out.chars() {
        let category = get_general_category(c);
        assert!(
            !matches!(
                category,
                GeneralCategory::Control
                    | GeneralCategory::Format
                    | GeneralCategory::LineSeparator
                    | GeneralCategory::ParagraphSeparator
            ),
            "{c:?} ({category:?}) left in {out:?}"
        );
    }
}

/// A cell may start with a formula character only when it is a plain decimal number.
fn check_no_formula(cell: &str) {
    let Some(rest) = cell.strip_prefix(['=', '+', '-', '@']) else {
        return;
    };
    assert!(
        !cell.starts_with(['=', '@'])
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')),
        "cell {cell:?} starts a formula"
    );
}

//! Escaping of untrusted evidence text before it reaches a terminal, a CSV cell or a
//! Markdown document.
//!
//! Evidence comes from systems an attacker may control, so a field can carry ANSI or OSC
//! escape sequences (which retitle the window or write the clipboard), bidi overrides
//! (which reorder what the reader sees), invisible format characters (which hide text, as
//! a soft hyphen or tag characters do) or bare control characters. Each is replaced by a
//! visible escape such as `\x1b` or `\u{202e}`, so the text stays readable and inert.

/// Returns `text` with control characters, escape sequences, bidi controls and other format
/// characters made visible.
pub fn for_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push(' '),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_format_or_separator(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Returns whether `for_terminal` escapes `c`: a control character, or a format, line or
/// paragraph separator character. Tab, newline and carriage return count too.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control() || is_format_or_separator(c)
}

/// Returns `text` escaped for the terminal and, for a CSV cell, with a leading `'` when
/// it would otherwise start a spreadsheet formula. Plain decimal numbers such as `-1` or
/// `+2.5e3` stay as they are, because a spreadsheet reads them as numbers, not formulas.
pub fn for_csv_cell(text: &str) -> String {
    let escaped = for_terminal(text);
    let formula = matches!(escaped.chars().next(), Some('=' | '+' | '-' | '@'));
    if formula && !is_decimal_number(&escaped) {
        format!("'{escaped}")
    } else {
        escaped
    }
}

/// Returns `text` escaped for the terminal and then for Markdown. Every character that
/// opens a link, an image, emphasis, a code span, inline HTML, a heading, a table cell or
/// an entity gets a backslash. A viewer then shows evidence as text, with no live link and
/// no fetched image. CommonMark allows a backslash before any ASCII punctuation, so the
/// rendered text reads as the original. Line breaks are already written as `\n`, which
/// keeps a value on one table row.
pub fn for_markdown(text: &str) -> String {
    const SYNTAX: &str = "\\`*_[]()!<>|#~&";
    let escaped = for_terminal(text);
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        if SYNTAX.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Returns whether `text` is a number in decimal or exponent notation. Rust's `f64` parser
/// alone would also accept `-inf` and `+NaN`, which a spreadsheet may read as a formula.
fn is_decimal_number(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && text.parse::<f64>().is_ok()
}

/// Returns whether `c` is in the Unicode 16.0 general categories Cf (format: bidi controls,
/// zero-width marks, the soft hyphen, tag characters and others), Zl or Zp (line and
/// paragraph separators). Such characters render as nothing or move other text, so
/// evidence could hide a word or disguise one name as another.
fn is_format_or_separator(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061c}'
            | '\u{06dd}'
            | '\u{070f}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_ansi_and_osc() {
        assert_eq!(for_terminal("a\x1b[31mred"), "a\\x1b[31mred");
        assert_eq!(for_terminal("\x1b]0;title\x07"), "\\x1b]0;title\\x07");
    }

    #[test]
    fn escapes_c1_controls() {
        assert_eq!(for_terminal("x\u{9b}y"), "x\\x9by");
    }

    #[test]
    fn escapes_bidi_override() {
        assert_eq!(for_terminal("abc\u{202e}fed"), "abc\\u{202e}fed");
    }

    #[test]
    fn escapes_deprecated_format_character() {
        assert_eq!(for_terminal("bc\u{206e}f"), "bc\\u{206e}f");
    }

    #[test]
    fn escapes_hidden_text() {
        assert_eq!(for_terminal("ad\u{ad}min"), "ad\\u{00ad}min");
        assert_eq!(for_terminal("a\u{e0041}"), "a\\u{e0041}");
        assert_eq!(for_terminal("a\u{2028}b"), "a\\u{2028}b");
    }

    #[test]
    fn keeps_plain_text() {
        assert_eq!(
            for_terminal("alice.chen@northwind.example"),
            "alice.chen@northwind.example"
        );
        assert_eq!(for_terminal("Zoë 東京"), "Zoë 東京");
    }

    #[test]
    fn markdown_link_is_inert() {
        assert_eq!(
            for_markdown("[x](javascript:alert(1))"),
            "\\[x\\]\\(javascript:alert\\(1\\)\\)"
        );
    }

    #[test]
    fn markdown_image_is_inert() {
        assert_eq!(
            for_markdown("![i](http://192.0.2.1/x.png)"),
            "\\!\\[i\\]\\(http://192.0.2.1/x.png\\)"
        );
    }

    #[test]
    fn markdown_emphasis_code_and_html() {
        assert_eq!(for_markdown("*a* _b_ `c`"), "\\*a\\* \\_b\\_ \\`c\\`");
        assert_eq!(for_markdown("<img> a|b"), "\\<img\\> a\\|b");
        assert_eq!(for_markdown("# h &amp; \\"), "\\# h \\&amp; \\\\");
    }

    #[test]
    fn markdown_keeps_one_line() {
        assert_eq!(for_markdown("a\nb\x1b"), "a\\\\nb\\\\x1b");
    }

    #[test]
    fn csv_neutralises_formulas() {
        assert_eq!(for_csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(for_csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(for_csv_cell("-1+2"), "'-1+2");
        assert_eq!(for_csv_cell("-1"), "-1");
        assert_eq!(for_csv_cell("+2.5e3"), "+2.5e3");
        assert_eq!(for_csv_cell("-inf"), "'-inf");
        assert_eq!(for_csv_cell("+NaN"), "'+NaN");
        assert_eq!(for_csv_cell("plain"), "plain");
    }
}

//! Escaping of untrusted evidence text before it reaches a terminal or a CSV cell.
//!
//! Evidence comes from systems an attacker may control, so a field can carry ANSI or OSC
//! escape sequences (which retitle the window or write the clipboard), bidi overrides
//! (which reorder what the reader sees) or bare control characters. Each is replaced by a
//! visible escape such as `\x1b` or `\u{202e}`, so the text stays readable and inert.

/// Returns `text` with control characters, escape sequences and bidi controls made visible.
pub fn for_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push(' '),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_bidi_control(c) || is_invisible_format(c) => {
                out.push_str(&format!("\\u{{{:04x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Returns `text` escaped for the terminal and, for a CSV cell, with a leading `'` when
/// it would otherwise start a spreadsheet formula. Plain numbers such as `-1` stay as
/// they are, because a spreadsheet reads them as numbers, not formulas.
pub fn for_csv_cell(text: &str) -> String {
    let escaped = for_terminal(text);
    let formula = matches!(escaped.chars().next(), Some('=' | '+' | '-' | '@'));
    if formula && escaped.parse::<f64>().is_err() {
        format!("'{escaped}")
    } else {
        escaped
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
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
    fn keeps_plain_text() {
        assert_eq!(
            for_terminal("alice.chen@northwind.example"),
            "alice.chen@northwind.example"
        );
        assert_eq!(for_terminal("Zoë 東京"), "Zoë 東京");
    }

    #[test]
    fn csv_neutralises_formulas() {
        assert_eq!(for_csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(for_csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(for_csv_cell("-1+2"), "'-1+2");
        assert_eq!(for_csv_cell("-1"), "-1");
        assert_eq!(for_csv_cell("plain"), "plain");
    }
}

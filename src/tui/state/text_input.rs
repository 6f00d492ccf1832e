//! A single-line text field that is edited at its end.

/// The text of a prompt or filter. Editing happens at the end only: characters are
/// appended and Backspace removes the last one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
}

impl TextInput {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    pub fn push(&mut self, c: char) {
        // Pasted text can carry control characters, which a one-line field cannot show.
        if !c.is_control() {
            self.text.push(c);
        }
    }

    pub fn pop(&mut self) {
        self.text.pop();
    }

    pub fn clear(&mut self) {
        self.text.clear();
    }

    /// Returns the end of the text that fits in `width` columns, so the typing position
    /// stays visible in a narrow field. Counts one column per character.
    pub fn tail(&self, width: usize) -> &str {
        let count = self.text.chars().count();
        if count <= width {
            return &self.text;
        }
        let skip = count - width;
        let start = self.text.char_indices().nth(skip).map_or(0, |(i, _)| i);
        &self.text[start..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> TextInput {
        let mut input = TextInput::default();
        text.chars().for_each(|c| input.push(c));
        input
    }

    #[test]
    fn push_skips_control_characters() {
        assert_eq!(input("a\x1b[31mb\n").as_str(), "a[31mb");
    }

    #[test]
    fn pop_removes_last_character() {
        let mut text = input("zoë");
        text.pop();
        assert_eq!(text.as_str(), "zo");
    }

    #[test]
    fn tail_keeps_end_visible() {
        assert_eq!(input("abcdef").tail(3), "def");
        assert_eq!(input("ab").tail(3), "ab");
        assert_eq!(input("東京都").tail(2), "京都");
    }

    #[test]
    fn blank_when_only_spaces() {
        assert!(input("   ").is_blank());
        assert!(!input(" x ").is_blank());
    }
}

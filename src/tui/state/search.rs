//! Text search over a list's rows, as `/`, `n` and `N` work in less and lnav: the rows
//! whose text contains every search word, ignoring case, visited in list order with wrap.

/// The direction of a search step from the selected row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The selected row or the first match after it, as a new search starts.
    From,
    /// The first match after the selected row.
    Next,
    /// The last match before the selected row.
    Previous,
}

/// The row a search step lands on, with its place among all matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub index: usize,
    /// The match's position among the matches, from one.
    pub ordinal: usize,
    pub total: usize,
}

/// Search words prepared for case-insensitive matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needle {
    words: Vec<String>,
}

impl Needle {
    /// Searches for `term` as one string, spaces included, trimmed at both ends.
    pub fn phrase(term: &str) -> Needle {
        Needle::words(std::iter::once(term.trim()))
    }

    /// Searches for rows that contain each of `words`; blank words are dropped.
    pub fn words<'a>(words: impl IntoIterator<Item = &'a str>) -> Needle {
        let words = words
            .into_iter()
            .map(str::trim)
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect();
        Needle { words }
    }

    /// Returns whether there is nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Returns whether `text` contains every word, ignoring case. An empty needle
    /// matches nothing, so `n` without a search moves nowhere.
    pub fn matches(&self, text: &str) -> bool {
        if self.words.is_empty() {
            return false;
        }
        let text = text.to_lowercase();
        self.words.iter().all(|word| text.contains(word.as_str()))
    }

    /// Returns the indexes of the rows among `len` whose text, from `text_of`, matches.
    pub fn matching_rows(&self, len: usize, text_of: impl Fn(usize) -> String) -> Vec<usize> {
        if self.is_empty() {
            return Vec::new();
        }
        (0..len)
            .filter(|&index| self.matches(&text_of(index)))
            .collect()
    }
}

/// Returns the match that `step` lands on from row `selected`, wrapping past either end
/// of the list; `matches` are row indexes in ascending order.
pub fn step(matches: &[usize], selected: usize, step: Step) -> Option<Hit> {
    let total = matches.len();
    let position = match step {
        Step::From => {
            let at = matches.partition_point(|&index| index < selected);
            if at == total { 0 } else { at }
        }
        Step::Next => {
            let at = matches.partition_point(|&index| index <= selected);
            if at == total { 0 } else { at }
        }
        Step::Previous => {
            let before = matches.partition_point(|&index| index < selected);
            before.checked_sub(1).unwrap_or(total.checked_sub(1)?)
        }
    };
    let index = *matches.get(position)?;
    Some(Hit {
        index,
        ordinal: position + 1,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(index: usize, ordinal: usize, total: usize) -> Option<Hit> {
        Some(Hit {
            index,
            ordinal,
            total,
        })
    }

    #[test]
    fn matching_ignores_case_and_needs_every_word() {
        let needle = Needle::phrase("  Alice CHEN ");
        assert!(needle.matches("user alice chen signed in"));
        assert!(
            !needle.matches("alice  chen"),
            "the phrase keeps its one space"
        );
        let words = Needle::words(["Okta", "", "denied"]);
        assert!(words.matches("DENIED by okta"));
        assert!(!words.matches("okta success"));
        assert!(
            !Needle::phrase("  ").matches("anything"),
            "no words match nothing"
        );
    }

    #[test]
    fn matching_handles_non_ascii_case() {
        let needle = Needle::phrase("ÉLODIE");
        assert!(needle.matches("élodie.martin"));
    }

    #[test]
    fn matching_rows_lists_indexes() {
        let rows = ["alpha", "beta", "Alphabet", "gamma"];
        let needle = Needle::phrase("alpha");
        assert_eq!(needle.matching_rows(rows.len(), |i| rows[i].into()), [0, 2]);
        let empty = Needle::phrase("");
        assert!(
            empty
                .matching_rows(rows.len(), |i| rows[i].into())
                .is_empty()
        );
    }

    #[test]
    fn from_includes_the_selected_row_and_wraps() {
        let matches = [2, 5, 9];
        assert_eq!(step(&matches, 0, Step::From), hit(2, 1, 3));
        assert_eq!(step(&matches, 5, Step::From), hit(5, 2, 3));
        assert_eq!(step(&matches, 6, Step::From), hit(9, 3, 3));
        assert_eq!(
            step(&matches, 10, Step::From),
            hit(2, 1, 3),
            "wraps to the top"
        );
    }

    #[test]
    fn next_previous_skip_and_wrap() {
        let matches = [2, 5, 9];
        assert_eq!(step(&matches, 5, Step::Next), hit(9, 3, 3));
        assert_eq!(
            step(&matches, 9, Step::Next),
            hit(2, 1, 3),
            "wraps to the top"
        );
        assert_eq!(step(&matches, 5, Step::Previous), hit(2, 1, 3));
        assert_eq!(
            step(&matches, 2, Step::Previous),
            hit(9, 3, 3),
            "wraps to the end"
        );
        assert_eq!(step(&matches, 0, Step::Previous), hit(9, 3, 3));
        assert_eq!(
            step(&[4], 4, Step::Next),
            hit(4, 1, 1),
            "a lone match stays"
        );
    }

    #[test]
    fn no_matches_gives_no_hit() {
        for kind in [Step::From, Step::Next, Step::Previous] {
            assert_eq!(step(&[], 3, kind), None);
        }
    }
}

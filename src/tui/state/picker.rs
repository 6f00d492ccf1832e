//! The state of the fuzzy picker over the IDs that events share.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::{ListCursor, TextInput};
use crate::tui::worker::KnownId;

#[derive(Debug, Default)]
pub struct Picker {
    pub input: TextInput,
    /// Indexes into the known IDs that match the input, best first.
    pub ranked: Vec<usize>,
    pub cursor: ListCursor,
}

impl Picker {
    /// Recomputes the ranking for the current input and selects the best match.
    pub fn rerank(&mut self, ids: &[KnownId]) {
        self.ranked = rank(ids, self.input.as_str());
        self.cursor.reset();
    }

    /// Returns the highlighted ID.
    pub fn selected<'a>(&self, ids: &'a [KnownId]) -> Option<&'a KnownId> {
        let index = *self.ranked.get(self.cursor.selected)?;
        ids.get(index)
    }
}

/// Returns the indexes of the IDs that fuzzy-match `pattern`, ranked by score, then by
/// the number of events that carry the ID. An empty pattern ranks by count alone.
pub fn rank(ids: &[KnownId], pattern: &str) -> Vec<usize> {
    let pattern = pattern.trim();
    let matcher = SkimMatcherV2::default();
    let mut scored: Vec<(i64, i64, usize)> = ids
        .iter()
        .enumerate()
        .filter_map(|(index, known)| {
            let score = if pattern.is_empty() {
                Some(0)
            } else {
                matcher.fuzzy_match(&known.id, pattern)
            };
            score.map(|score| (score, known.count, index))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored.into_iter().map(|(_, _, index)| index).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(id: &str, count: i64) -> KnownId {
        KnownId {
            id: id.into(),
            kind: "correlation".into(),
            count,
        }
    }

    #[test]
    fn empty_pattern_ranks_by_count() {
        let ids = [known("a", 1), known("b", 5), known("c", 3)];
        assert_eq!(rank(&ids, ""), [1, 2, 0]);
    }

    #[test]
    fn equal_scores_rank_by_count() {
        let ids = [known("sess-1", 2), known("sess-2", 4), known("corr-9", 9)];
        assert_eq!(rank(&ids, "sess"), [1, 0]);
    }

    #[test]
    fn better_score_wins_over_count() {
        let ids = [known("b7e0-x-y", 9), known("b7e0c5d2", 1)];
        assert_eq!(rank(&ids, "b7e0c5")[0], 1);
    }

    #[test]
    fn rerank_selects_best_match() {
        let ids = [known("alpha", 1), known("beta", 2)];
        let mut picker = Picker::default();
        picker.cursor.selected = 1;
        picker.input.push('l');
        picker.rerank(&ids);
        assert_eq!(picker.selected(&ids).map(|k| k.id.as_str()), Some("alpha"));
    }
}

//! The identities that the Identities and Review screens share, with the fuzzy filter,
//! the selection and the decisions of the ledger.

use std::collections::{BTreeSet, HashMap};

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::model::{Decision, IdentityRow, Verdict};
use crate::review::findings::Finding;

use super::{ListCursor, TextInput};
use crate::tui::worker::IdentityData;

/// The identities of the case and the view onto them that both list screens show.
#[derive(Debug, Default)]
pub struct IdentityList {
    pub rows: Vec<IdentityRow>,
    /// The current decision on each identity as a whole, by identity key.
    pub decisions: HashMap<String, Decision>,
    /// Decisions sent to the worker and not yet saved, by identity key.
    pub pending: HashMap<String, Verdict>,
    /// Identities marked for a bulk decision, by identity key.
    pub marked: BTreeSet<String>,
    pub filter: TextInput,
    /// Indexes into `rows` that pass the filter, best match first.
    pub visible: Vec<usize>,
    pub cursor: ListCursor,
    /// Whether a load has finished, so an empty list means an empty case.
    pub loaded: bool,
    /// The findings of the built-in rules, most severe first.
    pub findings: Vec<Finding>,
    pub findings_error: Option<String>,
    /// Indexes into `findings` of each subject's findings, by identity key.
    findings_by_subject: HashMap<String, Vec<usize>>,
    /// Indexes into `rows`, by identity key and by SCIM id. Drawing looks labels up for
    /// every shown row, so the maps are built once per load rather than on each frame.
    by_key: HashMap<String, usize>,
    by_scim_id: HashMap<String, usize>,
    /// How many of `rows` have a current decision, kept as decisions are saved.
    decided: usize,
}

impl IdentityList {
    /// Replaces the data and keeps the selected identity selected when it still exists and
    /// passes the filter; the filter stays as typed.
    pub fn set_data(&mut self, data: IdentityData) {
        let selected_key = self.selected().map(|row| row.identity_key.clone());
        self.rows = data.identities;
        self.decisions = data
            .decisions
            .into_iter()
            .filter(|decision| decision.current && decision.entitlement.is_none())
            .map(|decision| (decision.identity_key.clone(), decision))
            .collect();
        self.findings_by_subject = HashMap::new();
        for (index, finding) in data.findings.iter().enumerate() {
            self.findings_by_subject
                .entry(finding.subject.clone())
                .or_default()
                .push(index);
        }
        self.findings = data.findings;
        self.by_key = HashMap::with_capacity(self.rows.len());
        self.by_scim_id = HashMap::with_capacity(self.rows.len());
        for (index, row) in self.rows.iter().enumerate() {
            self.by_key.entry(row.identity_key.clone()).or_insert(index);
            self.by_scim_id.entry(row.id.clone()).or_insert(index);
        }
        self.decided = self
            .by_key
            .keys()
            .filter(|key| self.decisions.contains_key(*key))
            .count();
        self.findings_error = data.findings_error;
        self.loaded = true;
        self.refilter();
        let Some(key) = selected_key else {
            self.cursor.reset();
            return;
        };
        let index = self.by_key.get(&key);
        if let Some(position) = self.visible.iter().position(|v| Some(v) == index) {
            self.cursor.selected = position;
        }
    }

    /// Returns the number of findings on the identity with `identity_key`.
    pub fn finding_count(&self, identity_key: &str) -> usize {
        self.findings_by_subject
            .get(identity_key)
            .map_or(0, Vec::len)
    }

    /// Returns the findings on the identity with `identity_key`, most severe first.
    pub fn findings_of(&self, identity_key: &str) -> impl Iterator<Item = &Finding> {
        let indexes = self.findings_by_subject.get(identity_key);
        indexes
            .into_iter()
            .flatten()
            .filter_map(|&index| self.findings.get(index))
    }

    pub fn selected(&self) -> Option<&IdentityRow> {
        self.visible_row(self.cursor.selected)
    }

    /// Returns the label of the identity with `identity_key`, if the list has it.
    pub fn label_of(&self, identity_key: &str) -> Option<&str> {
        let index = *self.by_key.get(identity_key)?;
        self.rows.get(index).map(IdentityRow::label)
    }

    /// Returns the label of the first identity whose SCIM id is `id`, if the list has one.
    pub fn label_of_scim_id(&self, id: &str) -> Option<&str> {
        let index = *self.by_scim_id.get(id)?;
        self.rows.get(index).map(IdentityRow::label)
    }

    /// Returns the row shown at `position` of the filtered list.
    pub fn visible_row(&self, position: usize) -> Option<&IdentityRow> {
        self.rows.get(*self.visible.get(position)?)
    }

    /// Returns the visible rows in display order.
    pub fn visible_rows(&self) -> impl Iterator<Item = &IdentityRow> {
        self.visible
            .iter()
            .filter_map(|&index| self.rows.get(index))
    }

    /// Selects the identity with `identity_key`, clearing the filter when it hides it.
    /// Returns false when the case has no such identity.
    pub fn select_key(&mut self, identity_key: &str) -> bool {
        let Some(&index) = self.by_key.get(identity_key) else {
            return false;
        };
        if !self.visible.contains(&index) {
            self.filter.clear();
            self.refilter();
        }
        if let Some(position) = self.visible.iter().position(|&v| v == index) {
            self.cursor.selected = position;
        }
        true
    }

    /// Returns how many identities have a current decision, and how many there are.
    pub fn progress(&self) -> (usize, usize) {
        (self.decided, self.rows.len())
    }

    /// Recomputes the visible rows from the filter text and keeps the selection in range.
    pub fn refilter(&mut self) {
        self.visible = rank(&self.rows, self.filter.as_str());
        self.cursor.clamp(self.visible.len());
    }

    /// Records a saved decision as the identity's current one.
    pub fn apply_decision(&mut self, decision: Decision) {
        self.pending.remove(&decision.identity_key);
        let index = self.by_key.get(&decision.identity_key).copied();
        if let Some(row) = index.and_then(|index| self.rows.get_mut(index)) {
            row.decision = Some(decision.verdict.clone());
        }
        let key = decision.identity_key.clone();
        let first = self.decisions.insert(key, decision).is_none();
        if first && index.is_some() {
            self.decided += 1;
        }
    }
}

/// Returns the indexes of the rows that fuzzy-match `pattern`, best score first and in
/// case order among equal scores. An empty pattern keeps every row in case order.
pub fn rank(rows: &[IdentityRow], pattern: &str) -> Vec<usize> {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return (0..rows.len()).collect();
    }
    let matcher = SkimMatcherV2::default();
    let mut scored: Vec<(i64, usize)> = rows
        .iter()
        .enumerate()
        .filter_map(|(index, row)| best_score(&matcher, row, pattern).map(|score| (score, index)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, index)| index).collect()
}

/// Returns the fields that the filter searches.
fn searched_fields(row: &IdentityRow) -> impl Iterator<Item = &str> {
    [
        Some(row.label()),
        row.display_name.as_deref(),
        Some(row.id.as_str()),
        row.external_id.as_deref(),
        row.owner.as_deref(),
        Some(row.kind.as_str()),
        row.decision.as_deref(),
    ]
    .into_iter()
    .flatten()
}

/// Returns the fields that the filter searches, one per line, so that a text search, like
/// the filter, never matches across two fields.
pub fn search_text(row: &IdentityRow) -> String {
    searched_fields(row).collect::<Vec<_>>().join("\n")
}

/// Scores each searchable field on its own, so a match never spans two fields.
fn best_score(matcher: &SkimMatcherV2, row: &IdentityRow, pattern: &str) -> Option<i64> {
    searched_fields(row)
        .filter_map(|field| matcher.fuzzy_match(field, pattern))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IdentityKind;

    fn row(id: &str, user_name: &str, kind: IdentityKind) -> IdentityRow {
        IdentityRow {
            identity_key: format!("User/{id}"),
            id: id.into(),
            resource_type: "User".into(),
            kind,
            user_name: Some(user_name.into()),
            display_name: None,
            external_id: None,
            active: Some(true),
            owner: None,
            snapshot_id: 1,
            event_count: 0,
            last_seen: None,
            decision: None,
        }
    }

    fn sample() -> Vec<IdentityRow> {
        vec![
            row("u-1", "alice.chen", IdentityKind::Human),
            row("u-2", "bob.okafor", IdentityKind::Human),
            row("u-3", "svc-backup", IdentityKind::Service),
        ]
    }

    #[test]
    fn empty_filter_keeps_order() {
        assert_eq!(rank(&sample(), "  "), [0, 1, 2]);
    }

    #[test]
    fn filter_matches_fuzzily() {
        assert_eq!(rank(&sample(), "bok"), [1]);
        assert_eq!(rank(&sample(), "service"), [2]);
        assert!(rank(&sample(), "zzz").is_empty());
    }

    #[test]
    fn select_key_clears_hiding_filter() {
        let mut list = IdentityList::default();
        list.set_data(IdentityData {
            identities: sample(),
            decisions: Vec::new(),
            ..IdentityData::default()
        });
        "svc".chars().for_each(|c| list.filter.push(c));
        list.refilter();
        assert!(list.select_key("User/u-2"));
        assert_eq!(list.filter.as_str(), "");
        assert_eq!(list.selected().map(|r| r.id.as_str()), Some("u-2"));
        assert!(!list.select_key("User/missing"));
    }

    #[test]
    fn set_data_keeps_the_filter() {
        let mut list = IdentityList::default();
        let data = IdentityData {
            identities: sample(),
            ..IdentityData::default()
        };
        list.set_data(data.clone());
        list.filter.push('c');
        list.refilter();
        assert_eq!(list.visible.len(), 2, "alice.chen and svc-backup");
        let alice = list
            .visible
            .iter()
            .position(|&i| i == 0)
            .expect("alice matches");
        list.cursor.selected = alice;
        let mut without_alice = data;
        without_alice.identities.remove(0);
        list.set_data(without_alice);
        assert_eq!(list.filter.as_str(), "c", "a reload keeps the filter");
        assert_eq!(list.selected().map(|r| r.id.as_str()), Some("u-3"));
    }

    #[test]
    fn set_data_keeps_selection() {
        let mut list = IdentityList::default();
        let data = IdentityData {
            identities: sample(),
            decisions: Vec::new(),
            ..IdentityData::default()
        };
        list.set_data(data.clone());
        list.cursor.selected = 2;
        let mut reordered = data;
        reordered.identities.reverse();
        list.set_data(reordered);
        assert_eq!(list.selected().map(|r| r.id.as_str()), Some("u-3"));
    }
}

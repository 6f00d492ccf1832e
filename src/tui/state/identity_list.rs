//! The identities that the Identities and Review screens share, with the fuzzy filter,
//! the selection and the decisions of the ledger.

use std::collections::{BTreeSet, HashMap, HashSet};

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::model::{Decision, IdentityRow, Verdict};
use crate::review::findings::Finding;

use super::{ListCursor, TextInput};
use crate::tui::worker::{CampaignQueue, IdentityData};

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
    /// The campaign worked and its items, when the TUI was opened with one.
    pub campaign: Option<CampaignQueue>,
    /// The identity keys of the campaign's items.
    campaign_keys: HashSet<String>,
    /// Whether the visible rows are kept to the campaign's items, as on the Review screen.
    scoped: bool,
    /// The findings of the review's rules, most severe first.
    pub findings: Vec<Finding>,
    pub findings_error: Option<String>,
    /// Whether a run of the rules has finished, so that no finding means none rather
    /// than not computed yet. A reload keeps the findings shown until new ones arrive.
    pub findings_loaded: bool,
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
        self.campaign_keys = data
            .campaign
            .iter()
            .flat_map(|queue| &queue.items)
            .map(|item| item.identity_key.clone())
            .collect();
        self.campaign = data.campaign;
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

    /// Replaces the findings with the result of a run of the rules; a failed run shows
    /// its error and no finding.
    pub fn set_findings(&mut self, result: Result<Vec<Finding>, String>) {
        let (findings, error) = match result {
            Ok(findings) => (findings, None),
            Err(err) => (Vec::new(), Some(err)),
        };
        self.findings_by_subject = HashMap::new();
        for (index, finding) in findings.iter().enumerate() {
            self.findings_by_subject
                .entry(finding.subject.clone())
                .or_default()
                .push(index);
        }
        self.findings = findings;
        self.findings_error = error;
        self.findings_loaded = true;
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
    /// Returns false when the list cannot show it: the case has no such identity, or it is
    /// outside the campaign's queue.
    pub fn select_key(&mut self, identity_key: &str) -> bool {
        let Some(&index) = self.by_key.get(identity_key) else {
            return false;
        };
        if !self.visible.contains(&index) {
            self.filter.clear();
            self.refilter();
        }
        match self.visible.iter().position(|&v| v == index) {
            Some(position) => {
                self.cursor.selected = position;
                true
            }
            None => false,
        }
    }

    /// Returns how many identities have a current decision, and how many there are. With
    /// a campaign, it counts the campaign's items and those decided in the campaign.
    pub fn progress(&self) -> (usize, usize) {
        match self.scoped_campaign() {
            Some(queue) => {
                let decided = queue.items.iter().filter(|i| i.verdict.is_some()).count();
                (decided, queue.items.len())
            }
            None => (self.decided, self.rows.len()),
        }
    }

    /// Returns the number of rows the list shows without a filter: the identities, or in
    /// the campaign's queue those that are its items.
    pub fn total(&self) -> usize {
        if self.scoped_campaign().is_some() {
            self.rows
                .iter()
                .filter(|row| self.campaign_keys.contains(&row.identity_key))
                .count()
        } else {
            self.rows.len()
        }
    }

    /// Returns how many of the campaign's items the list lacks, because a snapshot newer
    /// than the campaign's no longer has them.
    pub fn campaign_items_missing(&self) -> usize {
        self.campaign_keys
            .iter()
            .filter(|key| !self.by_key.contains_key(*key))
            .count()
    }

    /// Returns the campaign when the list is kept to its items.
    fn scoped_campaign(&self) -> Option<&CampaignQueue> {
        self.campaign.as_ref().filter(|_| self.scoped)
    }

    /// Keeps the visible rows to the campaign's items, or shows every identity again. The
    /// selected identity stays selected when it is still visible. Without a campaign this
    /// changes nothing.
    pub fn set_scoped(&mut self, scoped: bool) {
        if self.scoped == scoped {
            return;
        }
        let selected_key = self.selected().map(|row| row.identity_key.clone());
        self.scoped = scoped;
        if self.campaign.is_none() {
            return;
        }
        self.refilter();
        let index = selected_key.and_then(|key| self.by_key.get(&key).copied());
        match self.visible.iter().position(|&v| Some(v) == index) {
            Some(position) => self.cursor.selected = position,
            None => self.cursor.reset(),
        }
    }

    /// Recomputes the visible rows from the filter text and the campaign's scope, and keeps
    /// the selection in range.
    pub fn refilter(&mut self) {
        self.visible = rank(&self.rows, self.filter.as_str());
        if self.scoped_campaign().is_some() {
            let rows = &self.rows;
            let keys = &self.campaign_keys;
            self.visible.retain(|&index| {
                rows.get(index)
                    .is_some_and(|r| keys.contains(&r.identity_key))
            });
        }
        self.cursor.clamp(self.visible.len());
    }

    /// Records a saved decision as the identity's current one.
    pub fn apply_decision(&mut self, decision: Decision) {
        self.pending.remove(&decision.identity_key);
        let index = self.by_key.get(&decision.identity_key).copied();
        if let Some(row) = index.and_then(|index| self.rows.get_mut(index)) {
            row.decision = Some(decision.verdict.clone());
        }
        if let Some(queue) = &mut self.campaign
            && decision.campaign.as_deref() == Some(queue.campaign.campaign_id.as_str())
            && let Some(item) = queue
                .items
                .iter_mut()
                .find(|item| item.identity_key == decision.identity_key)
        {
            item.verdict = Some(decision.verdict.clone());
            item.reviewer = Some(decision.reviewer.clone());
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
            deleted_in: None,
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

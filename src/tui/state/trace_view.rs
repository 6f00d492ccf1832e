//! The Trace screen's state: the traced ID, its events in tree order and the selected
//! event.

use std::collections::{BTreeMap, HashMap};

use crate::model::TraceEvent;
use crate::trace::{self, Trace, TraceReport, graph};

use super::ListCursor;

/// How many lines J and K scroll the detail pane.
pub const DETAIL_SCROLL_STEP: u16 = 3;

#[derive(Debug, Default)]
pub struct TraceView {
    /// The ID of the newest trace request, shown while its result is loading.
    pub query: Option<String>,
    /// The events in the order of the link tree: each after its parent, siblings in time
    /// order.
    pub events: Vec<TraceEvent>,
    /// For each event of `events`, its depth in the tree and the kind of the link from its
    /// parent.
    pub tree: Vec<TreePosition>,
    pub cursor: ListCursor,
    /// The first line of the detail pane that is shown.
    pub detail_scroll: u16,
    /// The text that `/` last searched the events for; it stays for `n` and `N` when
    /// another ID is traced.
    pub search: Option<String>,
    /// Whether `events` is the finished result for `query`.
    pub loaded: bool,
    /// Flags of `trace::analyse` on the events: denials, activity after deactivation.
    pub flags: Vec<trace::flags::Finding>,
    /// Evidence gaps: events with no outcome, sessions that only start.
    pub gaps: Vec<trace::flags::Finding>,
    /// Positions in `flags` followed by `gaps` of each event's findings, by event key, so
    /// that drawing a row does not scan every finding.
    findings_by_event: HashMap<i64, Vec<usize>>,
}

impl TraceView {
    /// Starts a new trace and clears the previous events until the result arrives.
    pub fn start(&mut self, id: String) {
        self.query = Some(id);
        self.events.clear();
        self.tree.clear();
        self.flags.clear();
        self.gaps.clear();
        self.findings_by_event.clear();
        self.loaded = false;
        self.cursor.reset();
        self.detail_scroll = 0;
    }

    pub fn set_result(&mut self, trace: Trace) {
        self.query = Some(trace.query);
        (self.events, self.tree) = tree_order(trace.events);
        self.loaded = true;
        self.cursor.reset();
        self.detail_scroll = 0;
    }

    /// Shows the events of `report` with its flags and gaps.
    pub fn set_report(&mut self, report: TraceReport) {
        self.set_result(report.trace);
        self.flags = report.flags;
        self.gaps = report.gaps;
        self.findings_by_event.clear();
        for (position, finding) in self.flags.iter().chain(&self.gaps).enumerate() {
            self.findings_by_event
                .entry(finding.event_key)
                .or_default()
                .push(position);
        }
    }

    /// Returns the flags and gaps on the event with `event_key`, flags first.
    pub fn findings_of(&self, event_key: i64) -> impl Iterator<Item = &trace::flags::Finding> {
        let positions = self.findings_by_event.get(&event_key);
        positions.into_iter().flatten().filter_map(|&position| {
            match position.checked_sub(self.flags.len()) {
                Some(gap) => self.gaps.get(gap),
                None => self.flags.get(position),
            }
        })
    }

    /// Returns the position in the tree of the selected event.
    pub fn selected_position(&self) -> Option<&TreePosition> {
        self.tree.get(self.cursor.selected)
    }

    pub fn selected(&self) -> Option<&TraceEvent> {
        self.events.get(self.cursor.selected)
    }

    /// Applies a selection change and shows the new event's detail from its top.
    pub fn move_cursor(&mut self, change: impl FnOnce(&mut ListCursor, usize)) {
        let before = self.cursor.selected;
        change(&mut self.cursor, self.events.len());
        if self.cursor.selected != before {
            self.detail_scroll = 0;
        }
    }

    /// Scrolls the detail pane by `delta` lines, at most to its last line of
    /// `line_count`.
    pub fn scroll_detail(&mut self, delta: i32, line_count: usize) {
        let last = u16::try_from(line_count.saturating_sub(1)).unwrap_or(u16::MAX);
        let scrolled = i32::from(self.detail_scroll) + delta;
        self.detail_scroll = u16::try_from(scrolled.max(0)).unwrap_or(u16::MAX).min(last);
    }
}

/// An event's place in the link tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TreePosition {
    pub depth: usize,
    /// The kind of the exact link from the parent, such as `parent_span`; none for a root.
    pub via: Option<String>,
    /// The identifier that the link from the parent shares.
    pub value: Option<String>,
}

/// Orders `events` (in time order) depth first along their exact link tree
/// (`trace::graph::spanning_tree`).
fn tree_order(events: Vec<TraceEvent>) -> (Vec<TraceEvent>, Vec<TreePosition>) {
    let links = graph::exact_links(&events);
    let parents = graph::spanning_tree(&events, &links);
    let via = graph::best_links(&links);
    let mut children: BTreeMap<Option<i64>, Vec<usize>> = BTreeMap::new();
    for (index, event) in events.iter().enumerate() {
        children
            .entry(parents.get(&event.event_key).copied())
            .or_default()
            .push(index);
    }
    let mut order = Vec::with_capacity(events.len());
    let mut stack: Vec<(usize, usize)> = children
        .get(&None)
        .into_iter()
        .flatten()
        .rev()
        .map(|index| (*index, 0))
        .collect();
    while let Some((index, depth)) = stack.pop() {
        let key = events[index].event_key;
        let link = parents
            .get(&key)
            .and_then(|parent| via.get(&(*parent, key)));
        let position = TreePosition {
            depth,
            via: link.map(|l| l.kind.clone()),
            value: link.map(|l| l.value.clone()),
        };
        order.push((index, position));
        if let Some(kids) = children.get(&Some(key)) {
            stack.extend(kids.iter().rev().map(|kid| (*kid, depth + 1)));
        }
    }
    let mut slots: Vec<Option<TraceEvent>> = events.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(index, position)| Some((slots[index].take()?, position)))
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_scroll_is_clamped() {
        let mut view = TraceView::default();
        view.scroll_detail(-3, 10);
        assert_eq!(view.detail_scroll, 0);
        view.scroll_detail(30, 10);
        assert_eq!(view.detail_scroll, 9);
        view.scroll_detail(-3, 10);
        assert_eq!(view.detail_scroll, 6);
    }

    #[test]
    fn start_forgets_previous_events() {
        let mut view = TraceView {
            detail_scroll: 4,
            loaded: true,
            ..TraceView::default()
        };
        view.start("run-1".into());
        assert_eq!(view.query.as_deref(), Some("run-1"));
        assert!(!view.loaded);
        assert_eq!(view.detail_scroll, 0);
    }
}

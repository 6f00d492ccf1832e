//! Checks that the ListResponse pages of one import add up to the `totalResults` they
//! claim, once overlapping pages are de-duplicated.

use std::collections::{BTreeMap, BTreeSet};

use duckdb::{Connection, params};

use super::container::ListEnvelope;
use super::scim::ListPage;
use crate::Result;

/// The pages of one import, grouped by listing: the resource types they hold and the
/// `totalResults` they claim. Pages of one listing agree on both, and grouping by the
/// total keeps unrelated query responses (a filter for one user, a search) apart.
#[derive(Debug, Default)]
pub struct PageTally {
    listings: BTreeMap<(String, Option<i64>), Listing>,
}

#[derive(Debug, Default)]
struct Listing {
    pages: usize,
    keys: BTreeSet<String>,
    /// The last source that held a page of the listing, which carries its warning.
    last_source: i64,
}

impl PageTally {
    /// Counts a file's pages once the file is in the case.
    pub fn add(&mut self, pages: Vec<ListPage>, source_id: i64) {
        // A page without resources is indistinguishable from a page of definitions or
        // of another listing, so it is not counted.
        for page in pages.into_iter().filter(|p| !p.identity_keys.is_empty()) {
            let listing = self
                .listings
                .entry((page.listing, page.total_results))
                .or_default();
            listing.pages += 1;
            listing.keys.extend(page.identity_keys);
            listing.last_source = source_id;
        }
    }

    /// Returns a warning for each listing whose unique resources differ from its
    /// `totalResults` (pages missing, or the listing changed while it was paged), with
    /// the last source that held a page of it.
    pub fn warnings(&self) -> Vec<(i64, String)> {
        self.listings
            .iter()
            .filter_map(|((types, total), listing)| {
                let total = (*total)?;
                let unique = listing.keys.len() as i64;
                (unique != total).then(|| {
                    let warning = format!(
                        "ListResponse pages of {}: {} unique resources in {} pages, but totalResults is {total}; pages may be missing or the listing changed while it was paged",
                        types,
                        unique,
                        listing.pages
                    );
                    (listing.last_source, warning)
                })
            })
            .collect()
    }
}

/// Builds the pages of a file's ListResponse envelopes from the (resource type, identity
/// key) pairs that each of its records held.
pub fn envelope_pages(envelopes: &[ListEnvelope], held: &[Vec<(String, String)>]) -> Vec<ListPage> {
    envelopes
        .iter()
        .map(|envelope| {
            let resources: Vec<&(String, String)> = held
                .get(envelope.records.clone())
                .unwrap_or_default()
                .iter()
                .flatten()
                .collect();
            let mut types: Vec<&str> = resources.iter().map(|(t, _)| t.as_str()).collect();
            types.sort_unstable();
            types.dedup();
            ListPage {
                total_results: envelope.total_results,
                listing: types.join(","),
                identity_keys: resources.iter().map(|(_, k)| k.clone()).collect(),
            }
        })
        .collect()
}

/// Appends a note to a source's notes.
pub fn append_note(conn: &Connection, source_id: i64, note: &str) -> Result<()> {
    conn.execute(
        "UPDATE sources SET notes = list_append(notes, ?) WHERE source_id = ?",
        params![note, source_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(total: i64, keys: &[&str]) -> ListPage {
        ListPage {
            total_results: Some(total),
            listing: "User".into(),
            identity_keys: keys.iter().map(|k| k.to_string()).collect(),
        }
    }

    #[test]
    fn overlap_counted_once() {
        let mut tally = PageTally::default();
        tally.add(vec![page(3, &["User/1", "User/2"])], 1);
        tally.add(vec![page(3, &["User/2", "User/3"])], 2);
        assert!(tally.warnings().is_empty(), "{:?}", tally.warnings());
    }

    #[test]
    fn gap_is_warned() {
        let mut tally = PageTally::default();
        tally.add(vec![page(5, &["User/1", "User/2"])], 7);
        let warnings = tally.warnings();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, 7);
        assert!(
            warnings[0]
                .1
                .contains("2 unique resources in 1 pages, but totalResults is 5")
        );
    }

    #[test]
    fn unrelated_totals_kept_apart() {
        let mut tally = PageTally::default();
        tally.add(vec![page(1, &["User/1"])], 1);
        tally.add(vec![page(2, &["User/2", "User/3"])], 2);
        assert!(tally.warnings().is_empty(), "{:?}", tally.warnings());
    }

    #[test]
    fn page_without_total_not_warned() {
        let mut tally = PageTally::default();
        let mut untotalled = page(0, &["User/1"]);
        untotalled.total_results = None;
        tally.add(vec![untotalled], 1);
        assert!(tally.warnings().is_empty());
    }
}

//! Checks that the ListResponse pages of one import add up to the `totalResults` they
//! claim, once overlapping pages are de-duplicated.

use std::collections::BTreeSet;

use duckdb::{Connection, params};

use super::container::ListEnvelope;
use super::scim::ListPage;
use crate::Result;

/// The pages of one import, grouped by listing. Pages of one listing claim the same
/// `totalResults`, so pages are grouped by their total. Within a total, pages that share a
/// resource type are one listing, such as a `/Users` listing or a search whose pages mix
/// Users and Groups. Pages that share none are unrelated listings with equal totals.
#[derive(Debug, Default)]
pub struct PageTally {
    listings: Vec<Listing>,
}

#[derive(Debug, Default)]
struct Listing {
    total: Option<i64>,
    types: BTreeSet<String>,
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
            let mut listing = Listing {
                total: page.total_results,
                types: page.resource_types,
                pages: 1,
                keys: page.identity_keys.into_iter().collect(),
                last_source: source_id,
            };
            let (same, other): (Vec<Listing>, Vec<Listing>) = std::mem::take(&mut self.listings)
                .into_iter()
                .partition(|l| l.total == listing.total && !l.types.is_disjoint(&listing.types));
            for earlier in same {
                listing.types.extend(earlier.types);
                listing.pages += earlier.pages;
                listing.keys.extend(earlier.keys);
            }
            self.listings = other;
            self.listings.push(listing);
        }
    }

    /// Returns a warning for each listing whose unique resources differ from its
    /// `totalResults` (pages missing, or the listing changed while it was paged), with
    /// the last source that held a page of it.
    pub fn warnings(&self) -> Vec<(i64, String)> {
        self.listings
            .iter()
            .filter_map(|listing| {
                let total = listing.total?;
                let unique = listing.keys.len() as i64;
                (unique != total).then(|| {
                    let warning = format!(
                        "ListResponse pages of {}: {} unique resources in {} pages, but totalResults is {total}; pages may be missing or the listing changed while it was paged",
                        listing.types.iter().cloned().collect::<Vec<_>>().join(","),
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
            ListPage {
                total_results: envelope.total_results,
                resource_types: resources.iter().map(|(t, _)| t.clone()).collect(),
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
            resource_types: BTreeSet::from(["User".to_string()]),
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
    fn mixed_type_pages_one_listing() {
        let mut tally = PageTally::default();
        tally.add(vec![page(3, &["User/1", "User/2"])], 1);
        let mut mixed = page(3, &["Group/9"]);
        mixed.resource_types = BTreeSet::from(["Group".to_string(), "User".to_string()]);
        tally.add(vec![mixed], 2);
        assert!(tally.warnings().is_empty(), "{:?}", tally.warnings());
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

//! `bookmark EVENT` and `bookmarks`: marking events with notes and listing them.

use std::path::Path;

use crate::case::Case;
use crate::sanitize;

use super::listing::ListFormat;
use super::output::{self, outln};

#[derive(Debug, clap::Args)]
pub struct BookmarkArgs {
    /// The event: its event key (`#KEY` in the `trace` tree) or its source's event id.
    pub event: String,

    /// A note on the event.
    #[arg(long)]
    pub note: Option<String>,

    /// The person who adds the bookmark. Defaults to $SCIMTRAIL_REVIEWER, then $USER.
    #[arg(long)]
    pub author: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct BookmarksArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

pub fn add(case_path: &Path, args: BookmarkArgs) -> anyhow::Result<()> {
    let author = args
        .author
        .or_else(|| std::env::var("SCIMTRAIL_REVIEWER").ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_default();
    let case = Case::open(case_path)?;
    let bookmark = case.add_bookmark(&args.event, args.note.as_deref(), &author)?;
    outln!(
        "bookmarked event {} ({} {}) as bookmark {}",
        bookmark.event_key,
        bookmark.event_ts,
        sanitize::for_terminal(&bookmark.action),
        bookmark.bookmark_id
    )?;
    Ok(())
}

pub fn list(case_path: &Path, args: BookmarksArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let bookmarks = case.bookmarks()?;
    if args.format == ListFormat::Json {
        return output::print_json(&serde_json::json!({ "bookmarks": bookmarks }));
    }
    let rows: Vec<Vec<String>> = bookmarks
        .iter()
        .map(|b| {
            vec![
                b.bookmark_id.to_string(),
                b.event_key.to_string(),
                b.event_ts.clone(),
                b.source_format.clone(),
                b.action.clone(),
                b.author.clone(),
                b.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    output::print_table(
        &[
            "ID",
            "EVENT",
            "TIME (UTC)",
            "SOURCE",
            "ACTION",
            "AUTHOR",
            "NOTE",
        ],
        &rows,
    )
}

//! The import orchestration: each file read, detected, mapped and loaded in one
//! transaction of the case.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use duckdb::{Connection, params};
use serde::Serialize;

use super::container::{self, BadRecord, RawRecord, Split};
use super::records::{self, Event, MappedRecord};
use super::{
    ImportOptions, Progress, Rejected, detect, formats, generic, otel, parquet, read, scim,
    scim_load, scim_pages, store, walk,
};
use crate::case::{Case, SourceRecord, nesting};
use crate::model::SourceFormat;
use crate::{Error, Result};

/// The outcome of importing one file.
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FileOutcome {
    Imported {
        source: Box<SourceRecord>,
        rejected: Vec<Rejected>,
    },
    AlreadyImported {
        path: String,
        source_id: i64,
    },
    /// A file inside a folder that is not evidence, such as a README.
    Skipped {
        path: String,
        reason: String,
    },
    Failed {
        path: String,
        error: String,
    },
}

/// The write-ahead log size at which DuckDB checkpoints during an import.
const IMPORT_CHECKPOINT_THRESHOLD: &str = "256MiB";

/// Imports every file named by `paths` (folders are walked), reporting progress to
/// `on_progress` as files and records are read. Files fail independently. The identifiers
/// that traces look up and the aliases that resolve actors to identities are built once at
/// the end, over all the new events, so each is one sorted bulk write.
pub fn import(
    case: &Case,
    paths: &[PathBuf],
    options: &ImportOptions,
    mut on_progress: impl FnMut(Progress<'_>),
) -> Result<Vec<FileOutcome>> {
    let (mut files, mut outcomes) = walk::expand(paths);
    let excluded: Vec<PathBuf> = options
        .exclude
        .iter()
        .filter_map(|path| path.canonicalize().ok())
        .collect();
    files.retain(|file| {
        let keep = file
            .path
            .canonicalize()
            .map_or(true, |canonical| !excluded.contains(&canonical));
        if !keep {
            outcomes.push(FileOutcome::Skipped {
                path: file.path.display().to_string(),
                reason: "the mapping file, not evidence".into(),
            });
        }
        keep
    });
    // SCIM definitions apply to the resources read after them, so `/Schemas` and
    // `/ResourceTypes` files are read first.
    files.sort_by_key(|file| !is_definition_file(&file.path));
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
        .collect();
    on_progress(Progress::Started {
        files: files.len(),
        bytes: sizes.iter().sum(),
    });
    // Each file commits on its own, and a checkpoint rewrites the last, partly filled row
    // group of each table, compressing it again. DuckDB's default threshold (16 MiB of
    // write-ahead log) checkpointed every few files; this one cut a million-event import
    // from 145 s to 113 s.
    case.conn().execute_batch(&format!(
        "SET checkpoint_threshold = '{IMPORT_CHECKPOINT_THRESHOLD}'"
    ))?;
    let mut snapshot = SnapshotState::default();
    for (index, (found, &bytes)) in files.iter().zip(&sizes).enumerate() {
        let file = &found.path;
        on_progress(Progress::File {
            path: file,
            index,
            bytes,
        });
        let mut on_records = |records, share| on_progress(Progress::Records { records, share });
        let outcome = match import_file(case, file, options, &mut snapshot, &mut on_records) {
            Ok(outcome) => outcome,
            // A folder may hold files beside the exports, such as notes or another tool's
            // output; those are reported and left out. Bad evidence still fails.
            Err(Error::NotEvidence { reason, .. }) if !found.named => FileOutcome::Skipped {
                path: file.display().to_string(),
                reason: format!("no evidence format: {reason}"),
            },
            Err(err) => FileOutcome::Failed {
                path: file.display().to_string(),
                error: err.to_string(),
            },
        };
        on_progress(Progress::FileDone { bytes });
        tracing::info!(file = %file.display(), ?outcome, "import");
        outcomes.push(outcome);
    }
    if outcomes
        .iter()
        .any(|o| matches!(o, FileOutcome::Imported { .. }))
    {
        case.index_identifiers()?;
        case.refresh_aliases()?;
    }
    refresh_nesting(case, &snapshot, &mut outcomes)?;
    warn_on_page_totals(case, &snapshot.pages, &mut outcomes)?;
    Ok(outcomes)
}

/// Recomputes the snapshot's effective memberships and group cycles once all its files
/// are in, because a member named in one file may be defined in another. New cycles, and
/// nesting deeper than the stored closure's cap, are noted on the last SCIM file.
///
/// NOTE: like the alias rebuild, this runs after the files' own transactions, so an import
/// killed just before it leaves the snapshot without effective memberships.
fn refresh_nesting(
    case: &Case,
    snapshot: &SnapshotState,
    outcomes: &mut [FileOutcome],
) -> Result<()> {
    let (Some(snapshot_id), Some(source_id)) = (snapshot.id, snapshot.last_source) else {
        return Ok(());
    };
    let notes: Vec<String> = case.transaction(|conn| {
        let expansion = nesting::refresh(conn, snapshot_id)?;
        let mut notes: Vec<String> = expansion
            .cycles
            .iter()
            .map(|cycle| {
                format!(
                    "group membership cycle: {} (each a member of the next, the last of the first)",
                    cycle.join(" -> ")
                )
            })
            .collect();
        if let Some(first) = expansion.capped.first() {
            notes.push(format!(
                "groups nested more than {} levels deep: memberships of {} groups (first \
                 {first}) are stored only {} levels down",
                nesting::MAX_DEPTH,
                expansion.capped.len(),
                nesting::MAX_DEPTH
            ));
        }
        for note in &notes {
            scim_pages::append_note(conn, source_id, note)?;
        }
        Ok(notes)
    })?;
    add_notes(outcomes, source_id, &notes);
    Ok(())
}

/// Adds notes to the report of the file imported as `source_id`.
fn add_notes(outcomes: &mut [FileOutcome], source_id: i64, notes: &[String]) {
    for outcome in outcomes.iter_mut() {
        if let FileOutcome::Imported { source, .. } = outcome
            && source.source_id == source_id
        {
            source.notes.extend(notes.iter().cloned());
        }
    }
}

/// Notes each listing whose pages do not add up to their `totalResults` on the last
/// source that held a page of it, because only the whole import shows whether pages are
/// missing.
fn warn_on_page_totals(
    case: &Case,
    pages: &scim_pages::PageTally,
    outcomes: &mut [FileOutcome],
) -> Result<()> {
    let warnings = pages.warnings();
    if warnings.is_empty() {
        return Ok(());
    }
    case.transaction(|conn| {
        warnings
            .iter()
            .try_for_each(|(source_id, warning)| scim_pages::append_note(conn, *source_id, warning))
    })?;
    for (source_id, warning) in warnings {
        tracing::warn!(source_id, "{warning}");
        add_notes(outcomes, source_id, &[warning]);
    }
    Ok(())
}

/// True for a file named like a saved `/Schemas` or `/ResourceTypes` response.
fn is_definition_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.contains("schemas") || name.contains("resourcetypes") || name.contains("resource-types")
}

/// The snapshot that this import's SCIM files go into, created with the first of them.
#[derive(Default)]
struct SnapshotState {
    id: Option<i64>,
    newest_mtime: Option<NaiveDateTime>,
    /// ListResponse pages of the file being imported, counted once it is in the case.
    pending_pages: Vec<scim::ListPage>,
    pages: scim_pages::PageTally,
    /// The `/Schemas` and `/ResourceTypes` definitions read so far in this import.
    definitions: scim::Definitions,
    /// The last SCIM file imported, which carries the notes on the whole snapshot.
    last_source: Option<i64>,
}

fn import_file(
    case: &Case,
    path: &Path,
    options: &ImportOptions,
    snapshot: &mut SnapshotState,
    progress: records::Progress<'_>,
) -> Result<FileOutcome> {
    let loaded = read::load(path)?;
    if let Some(existing) = case.source_by_sha256(&loaded.sha256)? {
        return Ok(FileOutcome::AlreadyImported {
            path: path.display().to_string(),
            source_id: existing.source_id,
        });
    }
    if loaded.parquet {
        return import_parquet(case, path, &loaded, options, snapshot, progress);
    }
    if let Some(mapping) = options.mapping.as_deref()
        && generic::looks_like_csv(&loaded.text)
    {
        let records = generic::read_csv(&loaded.text, mapping, &mut |n, share| {
            progress(n, share * MAPPING_SHARE)
        })
        .map_err(|reason| Error::invalid_file(path, reason))?;
        let source = new_source(path, &loaded, SourceFormat::Generic, "csv");
        return import_events(case, path, &loaded, source, options, records, progress);
    }
    let split = container::split(&loaded.text).map_err(|reason| {
        // Text that does not even start like JSON is another kind of file, not broken JSON.
        if matches!(
            loaded.text.trim_start().chars().next(),
            Some('[' | '{') | None
        ) {
            Error::invalid_file(path, reason)
        } else {
            Error::not_evidence(path, reason)
        }
    })?;
    if split.records.is_empty() && split.bad.is_empty() {
        return import_empty(case, path, &loaded, &split, options);
    }
    import_split(case, path, &loaded, &split, options, snapshot, progress)
}

/// Imports a Parquet file: DuckDB reads its rows, which are then detected, mapped and
/// loaded in one transaction like the records of a JSON file.
fn import_parquet(
    case: &Case,
    path: &Path,
    loaded: &read::LoadedFile,
    options: &ImportOptions,
    snapshot: &mut SnapshotState,
    progress: records::Progress<'_>,
) -> Result<FileOutcome> {
    // Reading writes nothing, so it can run before the file's transaction begins.
    let rows = parquet::read_rows(case.conn(), path)?;
    let split = parquet::split(&rows);
    if split.records.is_empty() {
        return Err(Error::invalid_file(path, "the Parquet file has no rows"));
    }
    import_split(case, path, loaded, &split, options, snapshot, progress)
}

/// Detects the format of a split file and loads its records in one transaction.
fn import_split(
    case: &Case,
    path: &Path,
    loaded: &read::LoadedFile,
    split: &Split<'_>,
    options: &ImportOptions,
    snapshot: &mut SnapshotState,
    progress: records::Progress<'_>,
) -> Result<FileOutcome> {
    let format = match options.format {
        _ if options.mapping.is_some() => SourceFormat::Generic,
        Some(format) => format,
        None => detect::detect_format(split).map_err(|undetected| match undetected {
            detect::Undetected::Unrecognised(reason) => Error::not_evidence(path, reason),
            detect::Undetected::Bad(reason) => Error::invalid_file(path, reason),
        })?,
    };
    let source = new_source(path, loaded, format, &split.container);
    if format == SourceFormat::Scim {
        return import_scim_file(case, path, loaded, source, split, options, snapshot);
    }
    let records = audit_records(format, split, options, &mut |n, share| {
        progress(n, share * MAPPING_SHARE)
    })?;
    import_events(case, path, loaded, source, options, records, progress)
}

/// The share of a file's progress given to mapping its records; staging them into the
/// case is the rest. Both take about as long.
const MAPPING_SHARE: f64 = 0.5;

/// Builds the sources row of a file before its records are counted.
fn new_source(
    path: &Path,
    loaded: &read::LoadedFile,
    format: SourceFormat,
    container: &str,
) -> SourceRecord {
    let container = if loaded.gzip {
        format!("gzip/{container}")
    } else {
        container.to_string()
    };
    source_row(
        path,
        loaded,
        format == SourceFormat::Scim,
        format.as_str(),
        container,
    )
}

/// Builds a sources row with no records counted yet, for a format named as the case
/// stores it (`empty` for a file without records and without `--format`).
fn source_row(
    path: &Path,
    loaded: &read::LoadedFile,
    scim: bool,
    format: &str,
    container: String,
) -> SourceRecord {
    SourceRecord {
        source_id: 0,
        kind: if scim { "scim" } else { "audit" }.into(),
        format: format.into(),
        container,
        path: path.display().to_string(),
        sha256: loaded.sha256.clone(),
        bytes: loaded.bytes as i64,
        imported_at: String::new(),
        snapshot_id: None,
        records_read: 0,
        imported: 0,
        duplicates: 0,
        rejected: 0,
        collisions: 0,
        notes: Vec::new(),
    }
}

/// Loads a file's mapped audit records in one transaction.
fn import_events(
    case: &Case,
    path: &Path,
    loaded: &read::LoadedFile,
    mut source: SourceRecord,
    options: &ImportOptions,
    records: Vec<MappedRecord<'_>>,
    progress: records::Progress<'_>,
) -> Result<FileOutcome> {
    if let Some(mapping) = options.mapping.as_deref() {
        source.notes.push(format!("mapped with {}", mapping.origin));
    }
    if records.is_empty() {
        source.notes.push("the file holds no records".into());
    }
    let format = SourceFormat::parse(&source.format).unwrap_or(SourceFormat::Generic);
    let rejected = case.transaction(|conn| {
        source.source_id = crate::case::next_id(conn, "sources", "source_id")?;
        let rejected = import_audit(conn, format, records, &mut source, progress)?;
        finish_source(conn, path, &source, rejected)
    })?;
    Ok(FileOutcome::Imported {
        source: Box::new(case.source_by_sha256(&loaded.sha256)?.unwrap_or(source)),
        rejected,
    })
}

fn import_scim_file(
    case: &Case,
    path: &Path,
    loaded: &read::LoadedFile,
    mut source: SourceRecord,
    split: &Split<'_>,
    options: &ImportOptions,
    snapshot: &mut SnapshotState,
) -> Result<FileOutcome> {
    let created_snapshot = snapshot.id.is_none();
    let definitions = snapshot.definitions.clone();
    let result = case.transaction(|conn| {
        source.source_id = crate::case::next_id(conn, "sources", "source_id")?;
        let mut rejected = unreadable(split);
        rejected.extend(import_scim(
            conn,
            path,
            split,
            options,
            snapshot,
            &mut source,
        )?);
        finish_source(conn, path, &source, rejected)
    });
    let pages = std::mem::take(&mut snapshot.pending_pages);
    if result.is_ok() {
        snapshot.pages.add(pages, source.source_id);
        snapshot.last_source = Some(source.source_id);
    }
    match result {
        Ok(rejected) => Ok(FileOutcome::Imported {
            source: Box::new(case.source_by_sha256(&loaded.sha256)?.unwrap_or(source)),
            rejected,
        }),
        Err(err) => {
            if created_snapshot {
                snapshot.id = None;
            }
            snapshot.definitions = definitions;
            Err(err)
        }
    }
}

/// Quarantines the rejected records and records the source, unless nothing of the file
/// was readable.
fn finish_source(
    conn: &Connection,
    path: &Path,
    source: &SourceRecord,
    mut rejected: Vec<RejectedWithText>,
) -> Result<Vec<Rejected>> {
    rejected.sort_by_key(|(r, _)| r.record);
    if let Some((first, _)) = rejected
        .first()
        .filter(|_| source.imported + source.duplicates == 0)
    {
        // A file of which nothing is readable is more likely the wrong format than
        // evidence; recording it would block importing it again correctly.
        return Err(Error::invalid_file(
            path,
            format!(
                "none of its {} records could be read as {}; record {} (line {}): {}",
                rejected.len(),
                source.format,
                first.record,
                first.line,
                first.reason
            ),
        ));
    }
    quarantine(conn, source.source_id, &rejected)?;
    crate::case::insert_source(conn, source)?;
    Ok(rejected.into_iter().map(|(r, _)| r).collect())
}

/// Records an export that contains no records, such as an empty Graph page, so that its
/// hash is on file like any other source.
fn import_empty(
    case: &Case,
    path: &Path,
    loaded: &read::LoadedFile,
    split: &Split<'_>,
    options: &ImportOptions,
) -> Result<FileOutcome> {
    let format = options.format.map_or("empty", SourceFormat::as_str);
    let scim = options.format == Some(SourceFormat::Scim);
    let mut source = source_row(path, loaded, scim, format, split.container.clone());
    source.notes.push("the file holds no records".into());
    case.transaction(|conn| {
        source.source_id = crate::case::next_id(conn, "sources", "source_id")?;
        crate::case::insert_source(conn, &source)
    })?;
    Ok(FileOutcome::Imported {
        source: Box::new(case.source_by_sha256(&loaded.sha256)?.unwrap_or(source)),
        rejected: Vec::new(),
    })
}

type RejectedWithText = (Rejected, String);

fn reject(record: &RawRecord<'_>, reason: String) -> RejectedWithText {
    (
        Rejected {
            record: record.pos,
            line: record.line,
            reason,
        },
        record.text.to_string(),
    )
}

/// Maps every record of a split audit file with its format's reader.
fn audit_records<'a>(
    format: SourceFormat,
    split: &Split<'a>,
    options: &ImportOptions,
    progress: records::Progress<'_>,
) -> Result<Vec<MappedRecord<'a>>> {
    match format {
        SourceFormat::Otel => return Ok(otel::read(split, progress)),
        SourceFormat::Generic => {
            let mapping = options.mapping.as_deref().ok_or_else(|| {
                Error::InvalidInput("the generic format needs a mapping file (--mapping)".into())
            })?;
            return Ok(generic::read_json(split, mapping, progress));
        }
        _ => {}
    }
    let map = formats::mapper(format).ok_or_else(|| {
        Error::InvalidInput(format!("{} is not an audit format", format.as_str()))
    })?;
    Ok(records::map_each(
        split,
        map,
        formats::skip(format),
        progress,
    ))
}

/// Returns why a record is not an event (a CloudTrail digest, say), whether or not its
/// format's mapper accepted it.
fn skip_reason(skip: formats::Skip, record: &MappedRecord<'_>) -> Option<&'static str> {
    match &record.result {
        Ok(event) => event.skip,
        Err(_) => serde_json::from_str::<serde_json::Value>(&record.text)
            .ok()
            .and_then(|value| skip(&value)),
    }
}

fn import_audit(
    conn: &Connection,
    format: SourceFormat,
    records: Vec<MappedRecord<'_>>,
    source: &mut SourceRecord,
    progress: records::Progress<'_>,
) -> Result<Vec<RejectedWithText>> {
    source.records_read = records.len() as i64;
    let skip = formats::skip(format);
    let mut skipped: Vec<(&'static str, i64)> = Vec::new();
    let mut rows = Vec::with_capacity(records.len());
    let mut rejected = Vec::new();
    let mut zoneless = 0;
    for record in records {
        if let Some(why) = skip.and_then(|skip| skip_reason(skip, &record)) {
            match skipped.iter_mut().find(|(w, _)| *w == why) {
                Some((_, n)) => *n += 1,
                None => skipped.push((why, 1)),
            }
            continue;
        }
        let reject = |reason: String, text: Cow<'_, str>| {
            (
                Rejected {
                    record: record.pos,
                    line: record.line,
                    reason,
                },
                text.into_owned(),
            )
        };
        let Event {
            content_sha256,
            mapped,
            ..
        } = match record.result {
            Ok(event) => event,
            Err(reason) => {
                rejected.push(reject(reason, record.text));
                continue;
            }
        };
        let Some(ts) = mapped.ts else {
            rejected.push(reject("no timestamp".into(), record.text));
            continue;
        };
        if mapped
            .ts_note
            .as_deref()
            .is_some_and(|n| n.contains("no time zone"))
        {
            zoneless += 1;
        }
        rows.push(store::EventRow {
            record_pos: record.pos,
            content_sha256,
            ts,
            mapped,
            raw: record.text.into_owned(),
        });
    }
    let partial = rows.iter().any(|r| r.mapped.partial.is_some());
    let store::Merged {
        rows,
        dropped: merged,
        conflicts,
    } = store::merge_partials(rows);
    let total = source.records_read.max(0) as u64;
    let counts = store::load_events(
        conn,
        source.source_id,
        format.as_str(),
        rows,
        &mut |appended, rows| {
            let share = appended as f64 / rows.max(1) as f64;
            progress(total, MAPPING_SHARE + (1.0 - MAPPING_SHARE) * share);
        },
    )?;
    source.imported = counts.imported;
    source.duplicates = counts.duplicates + merged;
    source.collisions = counts.collisions;
    source.rejected = rejected.len() as i64;
    // Like SCIM messages without resources, records that are not events are left out of
    // the accounting (read = imported + duplicates + rejected) and named in a note.
    for (why, n) in skipped {
        source.records_read -= n;
        let records = if n == 1 { "record" } else { "records" };
        source.notes.push(format!("{n} {records} skipped: {why}"));
    }
    if counts.collisions > 0 {
        source.notes.push(format!(
            "{} {} a natural key with an earlier record but differ in content; all are kept and listed in event_collisions",
            counts.collisions,
            if counts.collisions == 1 { "record shares" } else { "records share" }
        ));
    }
    if zoneless > 0 {
        source.notes.push(format!(
            "{zoneless} timestamps had no time zone and were read as UTC"
        ));
    }
    if merged > 0 {
        source.notes.push(format!(
            "{merged} {} earlier stages of requests whose later stage is in the file; each request is imported once, from its most complete stage, and the earlier stages are counted as duplicates",
            if merged == 1 { "record is one of the" } else { "records are" }
        ));
    }
    // Named one by one up to a few, so that a file full of conflicts gives a short report.
    const NAMED_CONFLICTS: usize = 5;
    for (key, fields) in conflicts.iter().take(NAMED_CONFLICTS) {
        source.notes.push(format!(
            "the records of request {key} disagree on {}; records that conflict with its most complete stage are kept as events of their own",
            fields.join(", ")
        ));
    }
    if conflicts.len() > NAMED_CONFLICTS {
        source.notes.push(format!(
            "{} more requests have records that disagree; each is kept as an event of its own",
            conflicts.len() - NAMED_CONFLICTS
        ));
    }
    if partial {
        let continued = store::count_continued(conn, source.source_id)?;
        if continued > 0 {
            source.notes.push(format!(
                "{continued} {} a correlation id with an event of an earlier source (another stage of the same request); the case keeps both",
                if continued == 1 { "event shares" } else { "events share" }
            ));
        }
    }
    Ok(rejected)
}

fn import_scim(
    conn: &Connection,
    path: &Path,
    split: &Split<'_>,
    options: &ImportOptions,
    snapshot: &mut SnapshotState,
    source: &mut SourceRecord,
) -> Result<Vec<RejectedWithText>> {
    let snapshot_id = ensure_snapshot(conn, snapshot, options)?;
    source.snapshot_id = Some(snapshot_id);
    let mut placed = Vec::new();
    let mut rejected = Vec::new();
    let mut skipped = 0;
    // The resources each record held, to count the file's ListResponse pages.
    let mut record_resources: Vec<Vec<(String, String)>> = Vec::with_capacity(split.records.len());
    for record in &split.records {
        let parsed = serde_json::from_str::<serde_json::Value>(record.text)
            .map_err(|err| format!("invalid JSON: {err}"))
            .and_then(|value| scim::parse_with(&value, &mut snapshot.definitions));
        record_resources.push(Vec::new());
        match parsed {
            Ok(parsed) => {
                source.notes.extend(parsed.notes);
                snapshot.pending_pages.extend(parsed.pages);
                for item in parsed.items {
                    match item {
                        scim::Item::Resource(resource) => {
                            if let Some(keys) = record_resources.last_mut() {
                                keys.push((
                                    resource.resource_type.clone(),
                                    resource.identity_key.clone(),
                                ));
                            }
                            placed.push(scim_load::Placed {
                                record_pos: record.pos,
                                resource: *resource,
                            });
                        }
                        scim::Item::Skipped(note) => {
                            skipped += 1;
                            source.notes.push(format!("record {}: {note}", record.pos));
                        }
                    }
                }
            }
            Err(reason) => rejected.push(reject(record, reason)),
        }
    }
    snapshot.pending_pages.extend(scim_pages::envelope_pages(
        &split.list_pages,
        &record_resources,
    ));
    // A SCIM record may hold several resources (a ListResponse inside an exchange), so
    // the accounting counts resources: read = imported + duplicates + rejected records.
    source.records_read = (placed.len() + rejected.len() + split.bad.len()) as i64;
    let counts = scim_load::load(conn, snapshot_id, source.source_id, placed)?;
    source.imported = counts.imported;
    source.duplicates = counts.duplicates;
    source.rejected = (rejected.len() + split.bad.len()) as i64;
    if skipped > 0 && counts.imported == 0 {
        source
            .notes
            .push("the file holds SCIM messages but no resource state".into());
    }
    update_snapshot_time(conn, snapshot_id, snapshot, options, path)?;
    Ok(rejected)
}

fn ensure_snapshot(
    conn: &Connection,
    snapshot: &mut SnapshotState,
    options: &ImportOptions,
) -> Result<i64> {
    if let Some(id) = snapshot.id {
        return Ok(id);
    }
    let id = crate::case::next_id(conn, "snapshots", "snapshot_id")?;
    conn.execute(
        "INSERT INTO snapshots VALUES (?, ?, ?, now()::TIMESTAMP)",
        params![
            id,
            options.taken_at,
            if options.taken_at.is_some() {
                "option"
            } else {
                "pending"
            }
        ],
    )?;
    snapshot.id = Some(id);
    Ok(id)
}

/// Sets the snapshot time: the option if given, else the newest `meta.lastModified` of
/// its resources, else the newest modification time of its files.
fn update_snapshot_time(
    conn: &Connection,
    id: i64,
    snapshot: &mut SnapshotState,
    options: &ImportOptions,
    path: &Path,
) -> Result<()> {
    if options.taken_at.is_some() {
        return Ok(());
    }
    let mtime = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .map(|t| chrono::DateTime::<chrono::Utc>::from(t).naive_utc());
    snapshot.newest_mtime = snapshot.newest_mtime.max(mtime);
    conn.execute(
        "UPDATE snapshots SET
             taken_at = coalesce((SELECT max(last_modified) FROM identities WHERE snapshot_id = $1), $2),
             taken_at_basis = CASE WHEN (SELECT max(last_modified) FROM identities WHERE snapshot_id = $1) IS NULL
                                   THEN 'file mtime' ELSE 'meta.lastModified' END
         WHERE snapshot_id = $1",
        params![id, snapshot.newest_mtime],
    )?;
    Ok(())
}

fn quarantine(conn: &Connection, source_id: i64, rejected: &[RejectedWithText]) -> Result<()> {
    let mut appender = conn.appender("quarantine")?;
    for (r, text) in rejected {
        appender.append_row(params![source_id, r.record, r.reason, text])?;
    }
    Ok(())
}

/// Converts the records that were not even JSON into rejections.
fn unreadable(split: &Split<'_>) -> Vec<RejectedWithText> {
    split
        .bad
        .iter()
        .map(
            |BadRecord {
                 pos,
                 line,
                 reason,
                 text,
             }| {
                (
                    Rejected {
                        record: *pos,
                        line: *line,
                        reason: reason.clone(),
                    },
                    text.clone(),
                )
            },
        )
        .collect()
}

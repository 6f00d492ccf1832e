//! The benchmark: generates a synthetic organisation, imports it, and measures import
//! against DuckDB's own `read_json`, trace latency, reopening, TUI frames, memory and case
//! size, side by side in one run. Results print as Markdown and are written as JSON.
//!
//! Run it on the dev profile, which compiles DuckDB optimised:
//!
//! ```sh
//! cargo run --example bench -- --events 1000000 --dir /tmp/scimtrail-bench
//! ```

mod ceiling;
mod measure;
mod tui;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use scimtrail::case::Case;
use scimtrail::case::resources::{self, MemoryLimit};
use scimtrail::generate::{self, Options};
use scimtrail::ingest::{self, FileOutcome, ImportOptions};
use scimtrail::trace;
use scimtrail::tui::worker;
use serde_json::{Value, json};

use measure::{folder_bytes, mib, peak_rss, percentile_ms, reset_peak_rss, timed};

#[derive(Debug, Parser)]
struct Args {
    /// Audit events to generate.
    #[arg(long, default_value_t = 10_000)]
    events: u64,
    /// SCIM identities to generate.
    #[arg(long, default_value_t = 1_000)]
    identities: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The working folder: evidence, case and results go here. It must be missing or
    /// empty, unless --reuse names evidence generated there before.
    #[arg(long)]
    dir: PathBuf,
    /// Reuse the evidence already generated in DIR/evidence.
    #[arg(long)]
    reuse: bool,
    /// Reuse the case already imported into DIR/case.duckdb: skips the import and the
    /// read_json ceiling, for trace and TUI figures on a large case.
    #[arg(long, requires = "reuse")]
    skip_import: bool,
    /// DuckDB's memory limit for the import and for the read_json ceiling.
    #[arg(long, value_parser = MemoryLimit::parse, default_value = "1GiB")]
    memory_limit: MemoryLimit,
    /// IDs of each kind to trace.
    #[arg(long, default_value_t = 50)]
    samples: usize,
    /// Skip the jq comparison.
    #[arg(long)]
    no_jq: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let evidence = args.dir.join("evidence");
    let case_path = args.dir.join("case.duckdb");
    let ceiling_path = args.dir.join("ceiling.duckdb");
    if !args.skip_import {
        for stale in [&case_path, &ceiling_path] {
            let _ = std::fs::remove_file(stale);
            let _ = std::fs::remove_file(format!("{}.wal", stale.display()));
        }
    }
    let memory_mib = args.memory_limit.bytes().ok_or_else(|| {
        anyhow::anyhow!("physical memory is unknown; give --memory-limit in bytes")
    })? >> 20;
    let mut results = serde_json::Map::new();

    if !args.reuse {
        let (summary, took) = timed(|| {
            generate::generate(&Options {
                out: evidence.clone(),
                events: args.events,
                identities: args.identities,
                seed: args.seed,
            })
        });
        summary?;
        results.insert("generate_s".into(), json!(took.as_secs_f64()));
    }
    let evidence_bytes = folder_bytes(&evidence);
    results.insert("evidence_mib".into(), json!(mib(evidence_bytes)));

    let mut import_s = f64::NAN;
    if !args.skip_import {
        let imported = import(&case_path, &evidence, args.memory_limit)?;
        results.extend(imported.as_object().cloned().unwrap_or_default());
        import_s = results["import_s"].as_f64().unwrap_or(f64::NAN);
        save(&args.dir, &results)?;

        let (rows, ceiling_took) = timed(|| ceiling::load(&ceiling_path, &evidence, memory_mib));
        results.insert("ceiling_rows".into(), json!(rows?));
        results.insert("ceiling_s".into(), json!(ceiling_took.as_secs_f64()));
        results.insert(
            "import_vs_ceiling".into(),
            json!(ceiling_took.as_secs_f64() / import_s),
        );
        save(&args.dir, &results)?;
    }

    // Timed to the frame that shows the loaded identity list; the findings, which the TUI
    // computes after that frame, are timed on their own below.
    let (opened, reopen) = timed(|| -> anyhow::Result<(Case, tui::Screen)> {
        let case = Case::open_read_only(&case_path)?;
        let screen = tui::Screen::open(&case);
        Ok((case, screen))
    });
    let (case, mut screen) = opened?;
    results.insert(
        "reopen_to_first_frame_ms".into(),
        json!(reopen.as_secs_f64() * 1000.0),
    );
    save(&args.dir, &results)?;
    let ((), findings) = timed(|| screen.finish_loading(&case));
    results.insert(
        "reopen_findings_after_first_frame_ms".into(),
        json!(findings.as_secs_f64() * 1000.0),
    );
    save(&args.dir, &results)?;

    let ids = sample_ids(&case, args.samples)?;
    for (kind, list) in &ids {
        let samples = trace_times(&case, list)?;
        results.insert(
            format!("trace_{kind}_p50_ms"),
            json!(percentile_ms(&samples, 50.0)),
        );
        results.insert(
            format!("trace_{kind}_p95_ms"),
            json!(percentile_ms(&samples, 95.0)),
        );
        save(&args.dir, &results)?;
    }

    let keys = screen.down_keys(&case, 200);
    results.insert(
        "tui_identities_key_p95_ms".into(),
        json!(percentile_ms(&keys, 95.0)),
    );
    let correlation_ids = &ids[0].1;
    let submits = screen.trace_submits(&case, correlation_ids);
    results.insert(
        "tui_trace_submit_p50_ms".into(),
        json!(percentile_ms(&submits, 50.0)),
    );
    results.insert(
        "tui_trace_submit_p95_ms".into(),
        json!(percentile_ms(&submits, 95.0)),
    );
    save(&args.dir, &results)?;
    let keys = screen.down_keys(&case, 200);
    results.insert(
        "tui_trace_key_p95_ms".into(),
        json!(percentile_ms(&keys, 95.0)),
    );
    // Five pages' worth, so five of the presses load the next page by keyset. The maximum
    // shows those loads, because the p95 of 1,000 presses hides them.
    let keys = screen.events_down_keys(&case, 5 * worker::EVENT_PAGE_ROWS);
    results.insert(
        "tui_events_key_p95_ms".into(),
        json!(percentile_ms(&keys, 95.0)),
    );
    results.insert(
        "tui_events_key_max_ms".into(),
        json!(percentile_ms(&keys, 100.0)),
    );
    save(&args.dir, &results)?;

    if !args.no_jq
        && let Some(id) = correlation_ids.first()
    {
        results.extend(compare_jq(&case, &evidence, id, import_s)?);
    }
    results.insert("events_generated".into(), json!(args.events));
    results.insert("memory_limit_mib".into(), json!(memory_mib));
    let path = save(&args.dir, &results)?;
    print_table(&Value::Object(results));
    println!("\nresults written to {}", path.display());
    Ok(())
}

/// Writes the results so far to DIR/results.json, so a long run that is stopped keeps
/// what it measured.
fn save(dir: &Path, results: &serde_json::Map<String, Value>) -> anyhow::Result<PathBuf> {
    let path = dir.join("results.json");
    std::fs::write(&path, serde_json::to_string_pretty(results)?)?;
    Ok(path)
}

/// Imports `evidence` into a new case and returns time, throughput, peak memory and size.
fn import(case_path: &Path, evidence: &Path, memory: MemoryLimit) -> anyhow::Result<Value> {
    let peak_reset = reset_peak_rss();
    let (outcomes, took) = timed(|| -> anyhow::Result<Vec<FileOutcome>> {
        let case = Case::open(case_path)?;
        resources::apply(case.conn(), memory, None)?;
        let outcomes = ingest::import(
            &case,
            &[evidence.to_path_buf()],
            &ImportOptions::default(),
            |_| {},
        )?;
        case.conn().execute_batch("CHECKPOINT")?;
        Ok(outcomes)
    });
    let outcomes = outcomes?;
    let peak = peak_rss();
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, FileOutcome::Failed { .. }))
        .count();
    anyhow::ensure!(failed == 0, "{failed} files failed to import");

    let case = Case::open_read_only(case_path)?;
    let (events, quarantined): (i64, i64) = case.conn().query_row(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM quarantine)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    drop(case);
    let case_bytes = std::fs::metadata(case_path)?.len();
    let seconds = took.as_secs_f64();
    let evidence_bytes = folder_bytes(evidence);
    Ok(json!({
        "import_s": seconds,
        "events": events,
        "quarantined": quarantined,
        "import_events_per_s": events as f64 / seconds,
        "import_mib_per_s": mib(evidence_bytes) / seconds,
        // Without a reset the peak includes generating, which needs far less.
        "import_peak_rss_mib": peak.map(mib),
        "import_peak_rss_reset": peak_reset,
        "case_mib": mib(case_bytes),
        "case_mib_per_million_events": mib(case_bytes) / (events.max(1) as f64 / 1e6),
    }))
}

/// Samples IDs to trace, spread over the case by a hash so every run picks the same ones:
/// correlation ids, session ids, credential links (CloudTrail access keys, Entra tokens)
/// and identities that events resolved to, by userName.
fn sample_ids(case: &Case, samples: usize) -> anyhow::Result<Vec<(&'static str, Vec<String>)>> {
    let queries = [
        ("correlation", "SELECT DISTINCT correlation_id FROM events WHERE correlation_id IS NOT NULL"),
        ("session", "SELECT DISTINCT session_id FROM events WHERE session_id IS NOT NULL"),
        (
            "link",
            "SELECT DISTINCT json_extract_string(links, '$[0].value') FROM events
             WHERE source_format IN ('cloudtrail', 'entra-signin') AND json_array_length(links) > 0",
        ),
        (
            "identity",
            "SELECT DISTINCT coalesce(i.user_name, i.scim_id) FROM current_identities i
             JOIN (SELECT DISTINCT identity_key FROM event_identities) ei USING (identity_key)",
        ),
    ];
    let mut ids = Vec::new();
    for (kind, query) in queries {
        let sql = format!(
            "SELECT id FROM ({query}) AS t(id) WHERE id IS NOT NULL ORDER BY hash(id) LIMIT ?"
        );
        let mut stmt = case.conn().prepare(&sql)?;
        let list = stmt
            .query_map([samples as i64], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        ids.push((kind, list));
    }
    Ok(ids)
}

fn trace_times(case: &Case, ids: &[String]) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::with_capacity(ids.len());
    for id in ids {
        let (result, took) = timed(|| trace::trace(case, id));
        anyhow::ensure!(!result?.events.is_empty(), "trace {id} found no events");
        samples.push(took);
    }
    Ok(samples)
}

/// Times one jq pass over the evidence selecting every record that contains `id`, against
/// import plus one trace and against a repeated trace of the same id.
fn compare_jq(
    case: &Case,
    evidence: &Path,
    id: &str,
    import_s: f64,
) -> anyhow::Result<serde_json::Map<String, Value>> {
    let mut results = serde_json::Map::new();
    let script = "find \"$1\" -type f \\( -name '*.json' -o -name '*.ndjson' -o -name '*.gz' \\) -print0 \
                  | xargs -0 gzip -cdf | jq -c --arg id \"$2\" 'select(any(.. ; . == $id))' | wc -l";
    let (output, jq_took) = timed(|| {
        std::process::Command::new("sh")
            .args(["-c", script, "sh"])
            .arg(evidence)
            .arg(id)
            .output()
    });

    let output = match output {
        Ok(output) if output.status.success() => output,
        _ => {
            eprintln!("jq comparison skipped: jq, gzip or find is missing or failed");
            return Ok(results);
        }
    };

    let (_, first) = timed(|| trace::trace(case, id));
    let repeats: Vec<Duration> = (0..20)
        .map(|_| timed(|| trace::trace(case, id)).1)
        .collect();
    let repeat_ms = percentile_ms(&repeats, 50.0);

    let jq_s = jq_took.as_secs_f64();
    results.insert("jq_s".into(), json!(jq_s));
    results.insert(
        "jq_matches".into(),
        json!(String::from_utf8_lossy(&output.stdout).trim()),
    );
    results.insert(
        "import_plus_trace_s".into(),
        json!(import_s + first.as_secs_f64()),
    );
    results.insert(
        "jq_vs_import_plus_trace".into(),
        json!(jq_s / (import_s + first.as_secs_f64())),
    );
    results.insert(
        "jq_vs_repeated_trace".into(),
        json!(jq_s * 1000.0 / repeat_ms),
    );
    Ok(results)
}

fn print_table(results: &Value) {
    println!("| measure | value |");
    println!("|---|---|");
    if let Some(map) = results.as_object() {
        for (key, value) in map {
            let text = match value.as_f64() {
                Some(n) if value.is_f64() => format!("{n:.3}"),
                _ => value.to_string(),
            };
            println!("| {key} | {text} |");
        }
    }
}

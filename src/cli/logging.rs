use std::path::PathBuf;

use tracing_subscriber::EnvFilter;

/// Sends `tracing` output to a log file, never to the terminal the TUI draws on. The
/// level comes from $SCIMTRAIL_LOG (default `warn`); the file is
/// `$XDG_STATE_HOME/scimtrail/scimtrail.log`, or `~/.local/state/scimtrail/scimtrail.log`.
/// Returns the log file's path, or None when no log file could be opened.
pub fn init() -> Option<PathBuf> {
    let dir = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir)
        .join("scimtrail");
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("scimtrail.log");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter =
        EnvFilter::try_from_env("SCIMTRAIL_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(path)
}

//! How much memory and how many threads DuckDB may use, for imports of large exports on
//! small machines.

use duckdb::Connection;

use crate::{Error, Result};

/// The share of physical memory DuckDB may use when `--memory-limit` is not given. DuckDB
/// itself defaults to 80%, which leaves little for the importer's own buffers, the
/// page cache and other programs on a laptop.
pub const DEFAULT_MEMORY_PERCENT: u64 = 25;

/// A memory limit as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryLimit {
    Bytes(u64),
    /// A percentage of physical memory.
    Percent(u64),
}

impl MemoryLimit {
    /// Parses `2GiB`, `1500MB`, `512MiB`, `4G` (a power of 1024) or `40%`.
    pub fn parse(text: &str) -> std::result::Result<MemoryLimit, String> {
        let text = text.trim();
        if let Some(percent) = text.strip_suffix('%') {
            return match percent.trim().parse::<u64>() {
                Ok(n @ 1..=100) => Ok(MemoryLimit::Percent(n)),
                _ => Err(format!(
                    "invalid memory limit {text:?}: a percentage is 1% to 100%"
                )),
            };
        }
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: u64 = number.parse().map_err(|_| {
            format!("invalid memory limit {text:?}: expected a number with a unit, such as 2GiB, 1500MB or 40%")
        })?;
        let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "b" => 1,
            "kb" => 1_000,
            "mb" => 1_000_000,
            "gb" => 1_000_000_000,
            "k" | "kib" => 1 << 10,
            "m" | "mib" => 1 << 20,
            "g" | "gib" => 1 << 30,
            _ => {
                return Err(format!(
                    "invalid memory limit {text:?}: the unit must be B, KB, MB, GB, KiB, MiB or GiB"
                ));
            }
        };
        let bytes = number
            .checked_mul(factor)
            .ok_or_else(|| format!("invalid memory limit {text:?}: too large"))?;
        if bytes < 64 << 20 {
            return Err(format!(
                "invalid memory limit {text:?}: DuckDB needs at least 64MiB"
            ));
        }
        Ok(MemoryLimit::Bytes(bytes))
    }

    /// The limit in bytes, or `None` for a percentage when physical memory is unknown.
    pub fn bytes(self) -> Option<u64> {
        match self {
            MemoryLimit::Bytes(bytes) => Some(bytes),
            MemoryLimit::Percent(percent) => physical_memory().map(|total| total / 100 * percent),
        }
    }
}

impl Default for MemoryLimit {
    fn default() -> Self {
        MemoryLimit::Percent(DEFAULT_MEMORY_PERCENT)
    }
}

/// Physical memory in bytes from `/proc/meminfo`; `None` where that file does not exist.
// NOTE: only Linux is read; elsewhere a percentage leaves DuckDB's own default (80%).
pub fn physical_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Sets DuckDB's `memory_limit` and, when given, `threads` on `conn`.
pub fn apply(conn: &Connection, memory: MemoryLimit, threads: Option<u32>) -> Result<()> {
    if let Some(bytes) = memory.bytes() {
        // Both values are numbers formatted here, never user text, and SET takes no
        // parameters.
        conn.execute_batch(&format!(
            "SET memory_limit = '{}MiB'",
            (bytes >> 20).max(64)
        ))?;
    }
    if let Some(threads) = threads {
        if threads == 0 {
            return Err(Error::InvalidInput("--threads must be at least 1".into()));
        }
        conn.execute_batch(&format!("SET threads = {threads}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_binary_and_decimal_units() {
        assert_eq!(MemoryLimit::parse("2GiB"), Ok(MemoryLimit::Bytes(2 << 30)));
        assert_eq!(
            MemoryLimit::parse("1500MB"),
            Ok(MemoryLimit::Bytes(1_500_000_000))
        );
        assert_eq!(
            MemoryLimit::parse("512m"),
            Ok(MemoryLimit::Bytes(512 << 20))
        );
    }

    #[test]
    fn parses_percentage() {
        assert_eq!(MemoryLimit::parse("40%"), Ok(MemoryLimit::Percent(40)));
    }

    #[test]
    fn rejects_bad_limits() {
        for text in ["", "GiB", "2TB", "0%", "101%", "1MiB", "99999999999999GiB"] {
            assert!(MemoryLimit::parse(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn limit_reaches_duckdb() {
        let conn = Connection::open_in_memory().expect("in-memory database");
        apply(&conn, MemoryLimit::Bytes(512 << 20), Some(1)).expect("apply");
        let limit: String = conn
            .query_row("SELECT current_setting('memory_limit')", [], |r| r.get(0))
            .expect("setting");
        assert_eq!(limit, "512.0 MiB");
        let threads: i64 = conn
            .query_row("SELECT current_setting('threads')", [], |r| r.get(0))
            .expect("setting");
        assert_eq!(threads, 1);
    }
}

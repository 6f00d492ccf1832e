//! Re-hashing the evidence files a case was built from, to show that what is on disk is
//! still what was imported.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Case;
use crate::Result;

/// The result of re-hashing one source's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    /// The file's SHA-256 is the one recorded at import.
    Intact,
    /// The file exists but its content differs from what was imported.
    Changed,
    /// No file exists at the recorded path.
    Missing,
    /// The file exists but could not be read.
    Unreadable,
}

/// One source compared with its file on disk.
#[derive(Debug, Clone, Serialize)]
pub struct SourceCheck {
    pub source_id: i64,
    /// The path as recorded at import.
    pub path: String,
    /// The file that was read: the recorded path, resolved against the root when relative.
    pub checked_path: String,
    pub status: SourceStatus,
    pub expected_sha256: String,
    pub actual_sha256: Option<String>,
    /// The read error, for `unreadable`.
    pub error: Option<String>,
}

impl Case {
    /// Re-hashes the file of every source. Relative paths, as recorded when a file was
    /// imported by a relative name, are resolved against `root`.
    pub fn verify_sources(&self, root: &Path) -> Result<Vec<SourceCheck>> {
        let sources = self.sources()?;
        Ok(sources
            .into_iter()
            .map(|source| {
                let recorded = PathBuf::from(&source.path);
                let file = if recorded.is_absolute() {
                    recorded
                } else {
                    root.join(recorded)
                };
                let (status, actual, error) = match sha256_of_file(&file) {
                    Ok(actual) if actual == source.sha256 => {
                        (SourceStatus::Intact, Some(actual), None)
                    }
                    Ok(actual) => (SourceStatus::Changed, Some(actual), None),
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                        (SourceStatus::Missing, None, None)
                    }
                    Err(err) => (SourceStatus::Unreadable, None, Some(err.to_string())),
                };
                SourceCheck {
                    source_id: source.source_id,
                    path: source.path,
                    checked_path: file.display().to_string(),
                    status,
                    expected_sha256: source.sha256,
                    actual_sha256: actual,
                    error,
                }
            })
            .collect())
    }
}

/// SHA-256 of a file's bytes as stored (compressed files are hashed compressed, as at
/// import), read in blocks so a large file is not held in memory.
fn sha256_of_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_file_in_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.bin");
        let content = vec![7u8; (1 << 16) * 3 + 5];
        std::fs::write(&path, &content).unwrap();
        assert_eq!(
            sha256_of_file(&path).unwrap(),
            hex::encode(Sha256::digest(&content))
        );
    }

    #[test]
    fn folder_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(sha256_of_file(dir.path()).is_err());
    }
}

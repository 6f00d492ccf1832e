//! `manifest.json`: the SHA-256 of every file of a pack and of every input source.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::case::{Case, SourceRecord};
use crate::review::ledger::Verification;
use crate::{Result, case};

/// The manifest's file name inside a pack.
pub const MANIFEST: &str = "manifest.json";

/// The version of the pack layout that this build writes and reads.
pub const PACK_VERSION: u32 = 1;

/// One file of a pack with its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackFile {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

impl PackFile {
    pub fn of(name: &str, content: &[u8]) -> PackFile {
        PackFile {
            name: name.to_string(),
            sha256: hex::encode(Sha256::digest(content)),
            bytes: content.len() as u64,
        }
    }
}

/// An input source as the manifest records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestSource {
    pub source_id: i64,
    pub path: String,
    pub format: String,
    pub sha256: String,
    pub bytes: i64,
}

/// The ledger head at export time: how many decisions and the newest one's hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LedgerHead {
    pub decisions: i64,
    pub head_sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub pack_version: u32,
    pub generator: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub case: String,
    pub ledger: LedgerHead,
    pub sources: Vec<ManifestSource>,
    pub files: Vec<PackFile>,
}

impl Manifest {
    pub fn new(
        case: &Case,
        ledger: &Verification,
        sources: &[SourceRecord],
        files: Vec<PackFile>,
    ) -> Manifest {
        Manifest {
            pack_version: PACK_VERSION,
            generator: format!("scimtrail {}", env!("CARGO_PKG_VERSION")),
            created_at: case::format_ts(&chrono::Utc::now().naive_utc()),
            case: case.path().display().to_string(),
            ledger: LedgerHead {
                decisions: ledger.decisions as i64,
                head_sha256: ledger.head_sha256.clone(),
            },
            sources: sources
                .iter()
                .map(|s| ManifestSource {
                    source_id: s.source_id,
                    path: s.path.clone(),
                    format: s.format.clone(),
                    sha256: s.sha256.clone(),
                    bytes: s.bytes,
                })
                .collect(),
            files,
        }
    }

    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)? + "\n")
    }
}

use std::path::PathBuf;

/// Errors of the scimtrail library. Each names what failed and on which input, so the
/// binary can print it as it is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A whole file that cannot be imported; nothing of it reaches the case.
    #[error("{path}: {reason}")]
    InvalidFile { path: PathBuf, reason: String },

    /// A file that contains no evidence the import can read: not JSON, or JSON of no known
    /// format. Found in a folder, such a file is skipped; named, it fails.
    #[error("{path}: {reason}")]
    NotEvidence { path: PathBuf, reason: String },

    #[error("case {path}: {reason}")]
    Case { path: PathBuf, reason: String },

    #[error("{0}")]
    NotFound(String),

    #[error("{0}")]
    InvalidInput(String),

    #[cfg(feature = "store")]
    #[error("database error: {0}")]
    Db(#[from] duckdb::Error),

    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn not_evidence(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::NotEvidence {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub fn invalid_file(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::InvalidFile {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

//! Importing evidence files into a case: one transaction per file, so a file is either
//! wholly in the case or not at all.
//!
//! Reading, splitting, detecting and mapping records are pure functions; only `import`
//! and the loaders behind it need the case store.

mod base64;
mod cloudtrail;
mod container;
mod detect;
mod entra;
mod event;
mod fields;
mod formats;
pub mod fuzzing;
mod gcp;
mod generic;
mod github;
#[cfg(feature = "store")]
mod import;
mod kubernetes;
mod ocsf;
mod okta;
mod otel;
#[cfg(feature = "store")]
mod parquet;
mod read;
mod records;
mod scim;
#[cfg(feature = "store")]
mod scim_load;
#[cfg(feature = "store")]
mod scim_pages;
#[cfg(feature = "store")]
mod store;
pub mod timestamp;
#[cfg(feature = "store")]
mod walk;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::model::SourceFormat;

pub use generic::Mapping;
#[cfg(feature = "store")]
pub use import::{FileOutcome, import};
pub use otel::normalised_forms as normalised_trace_ids;

/// Choices that apply to every file of one import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Skip detection and read every file as this format.
    pub format: Option<SourceFormat>,
    /// The time the SCIM snapshot was taken, when the files do not tell it well.
    pub taken_at: Option<NaiveDateTime>,
    /// Read every file through this mapping as the generic format.
    pub mapping: Option<Arc<Mapping>>,
    /// Files that a folder walk leaves out, such as the mapping file itself.
    pub exclude: Vec<PathBuf>,
}

/// What an import reports while it runs, so that a caller can draw progress.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// The files to read are known, with their total size in bytes.
    Started { files: usize, bytes: u64 },
    /// A file (number `index` from 0) is about to be read.
    File {
        path: &'a Path,
        index: usize,
        bytes: u64,
    },
    /// Records of the current file mapped so far, and the share of the file they are.
    Records { records: u64, share: f64 },
    /// The current file is finished, whatever its outcome.
    FileDone { bytes: u64 },
}

/// A record that could not be imported, with where it is and why.
#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub record: i64,
    pub line: usize,
    pub reason: String,
}

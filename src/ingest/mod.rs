//! Importing evidence files into a case: one transaction per file, so a file is either
//! wholly in the case or not at all.
//!
//! Reading, splitting, detecting and mapping records are pure functions; only `import`
//! and the loaders behind it need the case store.

mod cloudtrail;
mod container;
mod detect;
mod entra;
mod event;
mod fields;
mod formats;
mod gcp;
#[cfg(feature = "store")]
mod import;
mod okta;
mod read;
mod scim;
#[cfg(feature = "store")]
mod scim_load;
#[cfg(feature = "store")]
mod store;
pub mod timestamp;
#[cfg(feature = "store")]
mod walk;

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::model::SourceFormat;

#[cfg(feature = "store")]
pub use import::{FileOutcome, import};

/// Choices that apply to every file of one import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Skip detection and read every file as this format.
    pub format: Option<SourceFormat>,
    /// The time the SCIM snapshot was taken, when the files do not tell it well.
    pub taken_at: Option<NaiveDateTime>,
}

/// A record that could not be imported, with where it is and why.
#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub record: i64,
    pub line: usize,
    pub reason: String,
}

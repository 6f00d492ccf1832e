//! scimtrail: offline access reviews and forensics of identities.
//!
//! Evidence flows one way: `ingest` reads SCIM snapshots and audit exports into a DuckDB
//! case file (`case`), and every reader (`trace`, `review`, the CLI and the TUI) queries
//! that one evidence model.

//! Without the `store` feature only the pure parts build (reading, detecting and mapping
//! evidence, sanitising text), which is what the fuzz targets link against.

// Without the store, helpers that only the import path calls are unused by design.
#![cfg_attr(not(feature = "store"), allow(dead_code, unused_imports))]

#[cfg(feature = "store")]
pub mod case;
#[cfg(feature = "store")]
pub mod cli;
#[cfg(feature = "store")]
pub mod demo;
pub mod error;
#[cfg(feature = "store")]
pub mod export;
pub mod generate;
pub mod ingest;
pub mod model;
pub mod review;
pub mod sanitize;
#[cfg(feature = "store")]
pub mod trace;
#[cfg(feature = "store")]
pub mod tui;

pub use error::{Error, Result};

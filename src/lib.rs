//! scimtrail: offline access reviews and forensics of identities.
//!
//! Evidence flows one way: `ingest` reads SCIM snapshots and audit exports into a DuckDB
//! case file (`case`), and every reader (`trace`, `review`, the CLI and the TUI) queries
//! that one evidence model.

pub mod case;
pub mod cli;
pub mod demo;
pub mod error;
pub mod ingest;
pub mod model;
pub mod review;
pub mod sanitize;
pub mod trace;
pub mod tui;

pub use error::{Error, Result};

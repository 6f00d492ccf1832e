//! The screens, each a pure function that draws the [`App`](super::App) into an area.

pub mod events;
pub mod explain;
pub mod findings;
pub mod help;
pub mod identities;
pub mod identity_detail;
pub mod identity_table;
pub mod overview;
pub mod review;
pub mod sql;
pub mod trace;

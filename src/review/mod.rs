//! Access review: rules and their findings, and the tamper-evident decision ledger.

#[cfg(feature = "store")]
pub mod decide;
#[cfg(feature = "store")]
pub mod findings;
pub mod ledger;
#[cfg(feature = "store")]
pub mod merge;
#[cfg(feature = "store")]
pub mod remediation;
pub mod rules;

//! Access review: the tamper-evident decision ledger.

pub mod ledger;

//! The evidence model that every importer writes and every reader shares.

mod decision;
mod event;
mod identity;

pub use decision::{Decision, DecisionContext, NewDecision, Verdict};
pub use event::{Outcome, SourceFormat, TraceEvent};
pub use identity::{IdentityKind, IdentityRef, IdentityRow, IdentityState, StateBasis};

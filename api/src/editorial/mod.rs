//! Editing content: drafts, publishing, optimistic locking, revisions and the audit log.
//!
//! The engine works on JSON snapshots of whole rows (the entity `Model`s serialised with
//! serde), so one implementation serves all eight content types: a GraphQL input only has to
//! say which fields change. Every function takes the caller's transaction, so a mutation that
//! also writes links (commentary ↔ programs) commits or fails as a whole.

pub mod engine;
pub mod reverify;
pub mod revisions;

pub use engine::{Saved, Transition};

//! SeaORM entities of visa-kb: plain database rows, one module per table.
//!
//! These types never reach clients directly; the `api` crate maps them to GraphQL types.

pub mod audit_log;
pub mod change_tally;
pub mod citation;
pub mod commentary;
pub mod commentary_program;
pub mod draft;
pub mod enums;
pub mod fee;
pub mod folding;
pub mod login_attempt;
pub mod person;
pub mod policy_event;
pub mod program;
pub mod program_fact;
pub mod requirement;
pub mod revision;
pub mod search_term;
pub mod search_vocab;
pub mod source;
pub mod user;

//! The domain: record kinds, values, what the public may see, and the logic every surface
//! (GraphQL, the REST routes, the feed, the pages) shows. No GraphQL and no HTTP here: those
//! layers are thin views over this one, and nothing here imports them.

pub mod changes;
pub mod diff;
pub mod error;
pub mod fees;
pub mod global_id;
pub mod kind;
pub mod lists;
pub mod read;
pub mod rules;
pub mod values;
pub mod visibility;

pub use kind::RecordKind;
pub(crate) use kind::with_entity;

//! The domain: record kinds, values, what the public may see, and the logic every surface
//! (GraphQL, the REST routes, the feed, the pages) shows. No GraphQL and no HTTP here: those
//! layers are thin views over this one, and nothing here imports them.

pub mod bounds;
pub mod changes;
pub mod compare;
pub mod confidence;
pub mod decode;
pub mod diff;
pub mod eligibility;
pub mod error;
pub mod events;
pub mod fees;
#[cfg(test)]
mod fixtures;
pub mod freshness;
pub mod global_id;
mod joined;
pub mod keyset;
pub mod kind;
pub mod level;
pub mod lists;
pub mod matching;
pub mod one_of;
pub mod programs;
pub mod read;
pub mod reverify;
pub mod rules;
pub mod sheet;
pub mod status;
pub mod term;
mod union;
pub mod values;
pub mod visibility;

pub use kind::RecordKind;
pub(crate) use kind::with_entity;

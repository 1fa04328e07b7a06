//! One write to a content record: its version, author, time and a snapshot of the content.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "revision")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The GraphQL type name of the record (`Program`, `Fee`, ...).
    pub record_type: String,
    pub record_id: i32,
    /// The record's version after this write.
    pub version: i32,
    pub action: String,
    pub author_id: Option<i32>,
    pub created_at: DateTimeUtc,
    /// The record's content after the write (JSON text).
    pub snapshot: String,
    pub summary: String,
    /// False when the snapshot is a pending draft of a published record, not what readers see.
    pub live: bool,
    /// Whether readers saw this revision: a publication, or an import of a published record,
    /// of the live content. The public change list (`changes`, the feed) is these rows.
    pub public: bool,
    /// The record's public revision before this one (None: the first, or not public).
    pub previous_public_id: Option<i32>,
    /// Whether the record of a public revision is visible now (`kb::visibility::kept` keeps
    /// it after every write); None on revisions that are not public.
    pub visible: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

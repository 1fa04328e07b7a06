//! Links one source to exactly one fact-bearing record (a database CHECK enforces "exactly one").

use crate::enums::{Confidence, EditorialState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "citation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub source_id: i32,
    pub program_id: Option<i32>,
    pub requirement_id: Option<i32>,
    pub fee_id: Option<i32>,
    pub commentary_id: Option<i32>,
    pub policy_event_id: Option<i32>,
    /// The field of the record the source supports, when it supports one field only.
    pub field: Option<String>,
    pub excerpt: Option<String>,
    pub confidence: Option<Confidence>,
    pub state: EditorialState,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::source::Entity",
        from = "Column::SourceId",
        to = "super::source::Column::Id"
    )]
    Source,
}

impl Related<super::source::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Source.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

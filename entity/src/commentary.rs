//! A quote or paraphrase by a person or a named group, about one or more programs.

use crate::enums::{CommentaryKind, DatePrecision, EditorialState, Stance};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "commentary")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: Option<i32>,
    /// A named group when no single person said it (e.g. "Weibo users").
    pub group_name: Option<String>,
    pub kind: CommentaryKind,
    pub body: String,
    pub stance: Stance,
    pub said_on: Option<Date>,
    pub said_precision: Option<DatePrecision>,
    pub source_id: Option<i32>,
    pub state: EditorialState,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id"
    )]
    Person,
    /// The source the commentary was said in, when it names one.
    #[sea_orm(
        belongs_to = "super::source::Entity",
        from = "Column::SourceId",
        to = "super::source::Column::Id"
    )]
    Source,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

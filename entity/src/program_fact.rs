//! How one field of a program is known: the researched wording, our confidence and a note.
//!
//! Structured columns on `program` hold what can be compared; this keeps the original words
//! (e.g. "UNCLEAR. Officials list permitted activities...") and marks unverified facts.

use crate::enums::Confidence;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "program_fact")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub program_id: i32,
    /// The program field this is about, in snake_case (e.g. `work_authorization`).
    pub field: String,
    pub wording: Option<String>,
    /// `None` means unknown: the fact was not published or not found.
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::program::Entity",
        from = "Column::ProgramId",
        to = "super::program::Column::Id"
    )]
    Program,
}

impl Related<super::program::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Program.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

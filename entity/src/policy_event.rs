//! A dated event in a program's life: the timeline.

use crate::enums::{DatePrecision, EditorialState, PolicyEventKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "policy_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub program_id: i32,
    pub occurred_on: Date,
    pub precision: DatePrecision,
    pub kind: PolicyEventKind,
    pub title: String,
    pub description: Option<String>,
    pub state: EditorialState,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

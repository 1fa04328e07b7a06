//! The pending edit of a published record: readers keep seeing the published content until an
//! editor publishes this one.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "draft")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub record_type: String,
    pub record_id: i32,
    /// The edited content (JSON text of the whole record).
    pub snapshot: String,
    pub author_id: Option<i32>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

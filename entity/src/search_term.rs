//! One term of the search index: where a word (or CJK character pair) occurs.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_term")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub term: String,
    pub record_type: String,
    pub record_id: i32,
    pub field: String,
    pub weight: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

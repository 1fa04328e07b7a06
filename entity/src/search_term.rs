//! One posting of the search index: a word (or CJK character pair) that a record holds, with
//! its weight summed over the record's fields.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_term")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub term: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub record_type: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub record_id: i32,
    /// How much a match counts: each field's weight times the term's occurrences in it
    /// (capped), summed over the fields.
    pub weight: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

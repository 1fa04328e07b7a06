//! An indexed term and how many records hold it: a one-word search's total.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_vocab")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub term: String,
    pub records: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

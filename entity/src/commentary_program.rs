//! Which programs a commentary is about (many-to-many).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commentary_program")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub commentary_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub program_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

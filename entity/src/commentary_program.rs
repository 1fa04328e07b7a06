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
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::commentary::Entity",
        from = "Column::CommentaryId",
        to = "super::commentary::Column::Id"
    )]
    Commentary,
}

impl Related<super::commentary::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Commentary.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

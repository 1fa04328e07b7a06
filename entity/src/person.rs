//! An expert or official whose commentary is recorded.

use crate::enums::EditorialState;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    /// The reading-order key of `name` (`folding::sort_key`), kept by `before_save` and by
    /// the store's snapshot writes. Not content: left out of snapshots, revisions and diffs.
    #[serde(skip_serializing, default)]
    pub sort_name: String,
    pub affiliation: Option<String>,
    pub role: Option<String>,
    pub url: Option<String>,
    pub state: EditorialState,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    /// Keeps the reading-order key in step with the name on every insert and update.
    async fn before_save<C: ConnectionTrait>(
        mut self,
        _db: &C,
        _insert: bool,
    ) -> Result<Self, DbErr> {
        crate::folding::keep_sort_key(&self.name, &mut self.sort_name);
        Ok(self)
    }
}

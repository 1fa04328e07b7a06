//! A publication that facts cite. Unknown fields stay empty, never guessed.

use crate::enums::{DatePrecision, EditorialState, SourceKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "source")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Normalised URL; unique. `None` for a source known only by its title.
    #[sea_orm(unique)]
    pub url: Option<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub kind: SourceKind,
    pub language: Option<String>,
    pub published_on: Option<Date>,
    pub published_precision: Option<DatePrecision>,
    /// The publication date as researched when it is not a plain date.
    pub published_note: Option<String>,
    pub accessed_on: Option<Date>,
    pub archived_url: Option<String>,
    pub licence: Option<String>,
    pub attribution: Option<String>,
    pub note: Option<String>,
    pub state: EditorialState,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A fee of a program over a period; a new fee closes the old one, nothing is overwritten.

use crate::enums::{Confidence, EditorialState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "fee")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub program_id: i32,
    pub label: String,
    /// Exact amount in 1/10_000 of the currency unit; `None` when unknown.
    pub amount_e4: Option<i64>,
    /// The amount as researched when it is not one number (e.g. "750 / 1500").
    pub amount_text: Option<String>,
    /// ISO 4217.
    pub currency: Option<String>,
    pub payer: Option<String>,
    pub applies_when: Option<String>,
    pub effective_from: Option<Date>,
    pub effective_until: Option<Date>,
    /// The day its term is scheduled to end (e.g. a proclamation's 12 months), when a source
    /// gives one; unlike `effective_until`, not known to have happened.
    #[serde(default)]
    pub scheduled_end_on: Option<Date>,
    /// The condition on that end, as the sources give it ("unless extended").
    #[serde(default)]
    pub scheduled_end_condition: Option<String>,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
    pub state: EditorialState,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

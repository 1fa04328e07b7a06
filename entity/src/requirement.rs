//! An eligibility requirement of a program, with optional structured bounds.

use crate::enums::{Confidence, DegreeLevel, EditorialState, IncomePeriod, RequirementKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "requirement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub program_id: i32,
    pub kind: RequirementKind,
    /// The requirement in words; `None` when it is not known.
    pub description: Option<String>,
    /// `None` when the sources do not say.
    pub mandatory: Option<bool>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub min_degree: Option<DegreeLevel>,
    /// Comma-delimited lowercase tokens, stored as `,stem,engineering,` so that a
    /// `LIKE '%,stem,%'` filter works the same on every backend.
    pub fields_of_study: Option<String>,
    /// Minimum income in 1/10_000 of the currency unit.
    pub min_income_e4: Option<i64>,
    pub income_currency: Option<String>,
    pub income_period: Option<IncomePeriod>,
    pub position: i32,
    /// The day the requirement is scheduled to end, when a source gives one.
    pub scheduled_end_on: Option<Date>,
    /// The condition on that end, as the sources give it ("unless extended").
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

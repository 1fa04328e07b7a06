//! A visa or talent-mobility program.

use crate::enums::{
    Category, DatePrecision, DurationUnit, EditorialState, Entries, LegalStatus, PrPath,
    WorkAuthorization, YesNoUnknown,
};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "program")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// The reading-order key of `name` (`folding::sort_key`), kept by `before_save` and by
    /// the store's snapshot writes. Not content: left out of snapshots, revisions and diffs.
    #[serde(skip_serializing, default)]
    pub sort_name: String,
    pub local_name: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub category: Category,
    pub legal_status: LegalStatus,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub administering_authority: Option<String>,
    pub legal_basis: Option<String>,
    pub official_url: Option<String>,
    pub announced_on: Option<Date>,
    pub announced_precision: Option<DatePrecision>,
    pub in_force_on: Option<Date>,
    pub in_force_precision: Option<DatePrecision>,
    pub ends_on: Option<Date>,
    pub ends_precision: Option<DatePrecision>,
    /// The day the program is scheduled to end, when a source gives one; unlike `ends_on`, not
    /// known to have happened.
    pub scheduled_end_on: Option<Date>,
    /// The condition on that end, as the sources give it ("unless renewed").
    pub scheduled_end_condition: Option<String>,
    pub validity_value: Option<i32>,
    pub validity_unit: Option<DurationUnit>,
    pub max_stay_value: Option<i32>,
    pub max_stay_unit: Option<DurationUnit>,
    pub entries: Entries,
    pub employer_sponsorship: YesNoUnknown,
    pub work_authorization: WorkAuthorization,
    pub pr_path: PrPath,
    pub state: EditorialState,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// How each field is known: read with the program in one statement (a sheet's facts).
    #[sea_orm(has_many = "super::program_fact::Entity")]
    Facts,
}

impl Related<super::program_fact::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Facts.def()
    }
}

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

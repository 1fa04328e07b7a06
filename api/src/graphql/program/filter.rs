//! `ProgramFilter`: the GraphQL input of `programs(filter:)`; the query itself is
//! `kb::programs::ProgramQuery`.

use super::super::enums::{
    Category, Entries, LegalStatus, PrPath, RequirementKind, WorkAuthorization, YesNoUnknown,
};
use super::MoneyInput;
use crate::graphql::scalars::Date;
use crate::kb::error::ApiResult;
use crate::kb::programs::ProgramQuery;
use async_graphql::InputObject;
use chrono::NaiveDate;
use entity::program;
use sea_orm::Select;

/// Which programs to list. Conditions combine with AND; values inside one list with OR.
#[derive(InputObject, Debug, Default)]
pub struct ProgramFilter {
    /// ISO 3166-1 alpha-2 country codes.
    pub country: Option<Vec<String>>,
    /// Categories.
    pub category: Option<Vec<Category>>,
    /// Legal statuses.
    pub legal_status: Option<Vec<LegalStatus>>,
    /// Employer sponsorship values.
    pub employer_sponsorship: Option<Vec<YesNoUnknown>>,
    /// Work authorization values.
    pub work_authorization: Option<Vec<WorkAuthorization>>,
    /// Path-to-residence values.
    pub pr_path: Option<Vec<PrPath>>,
    /// Entries values.
    pub entries: Option<Vec<Entries>>,
    /// Programs with a requirement of one of these kinds.
    pub requirement_kind: Option<Vec<RequirementKind>>,
    /// Programs whose requirements name this field of study (case-insensitive).
    pub field_of_study: Option<String>,
    /// Programs whose current fees are all known, in this currency, and at most this amount.
    pub max_fee: Option<MoneyInput>,
    /// Words in the name, local name or summary (case-insensitive substring).
    pub text: Option<String>,
    /// Programs a source verified on or after this day (see `Program.lastVerifiedOn`).
    pub verified_since: Option<Date>,
    /// Programs no source verified on or after this day (never, or before it): the ones to
    /// check before printing.
    pub not_verified_since: Option<Date>,
}

/// GraphQL's values as the domain's.
fn stored<G, E: From<G>>(values: Option<Vec<G>>) -> Option<Vec<E>> {
    values.map(|v| v.into_iter().map(E::from).collect())
}

impl From<ProgramFilter> for ProgramQuery {
    fn from(f: ProgramFilter) -> Self {
        Self {
            country: f.country,
            category: stored(f.category),
            legal_status: stored(f.legal_status),
            employer_sponsorship: stored(f.employer_sponsorship),
            work_authorization: stored(f.work_authorization),
            pr_path: stored(f.pr_path),
            entries: stored(f.entries),
            requirement_kind: stored(f.requirement_kind),
            field_of_study: f.field_of_study,
            max_fee: f.max_fee.map(|m| (m.amount.0, m.currency)),
            text: f.text,
            verified_since: f.verified_since.map(|d| d.0),
            not_verified_since: f.not_verified_since.map(|d| d.0),
        }
    }
}

impl ProgramFilter {
    /// Validates the filter and narrows `select` with it; errors name `filter.<field>`. With
    /// it, whether a page reads every match anyway ([`ProgramQuery::narrows_by_words`]).
    pub fn apply(
        self,
        select: Select<program::Entity>,
        today: NaiveDate,
    ) -> ApiResult<(Select<program::Entity>, bool)> {
        let query = ProgramQuery::from(self);
        let by_words = query.narrows_by_words();
        let select = query.apply(select, today).map_err(|e| e.within("filter"))?;
        Ok((select, by_words))
    }
}

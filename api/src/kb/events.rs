//! Which policy events to list: the timeline's filter, for GraphQL's `timeline` and
//! `policyEvents` and the timeline page alike.

use super::error::{ApiError, ApiResult};
use super::kind::RecordKind;
use super::visibility;
use chrono::NaiveDate;
use entity::enums::PolicyEventKind;
use entity::{policy_event, program};
use sea_orm::{ColumnTrait, QueryFilter, Select};

/// Which policy events to list. Conditions combine with AND; values inside one list with OR.
#[derive(Debug, Default, Clone)]
pub struct EventQuery {
    /// Only events of the program with this slug.
    pub program: Option<String>,
    /// Only events of the programs with these slugs.
    pub programs: Option<Vec<String>>,
    /// Only events of programs of these countries (ISO 3166-1 alpha-2).
    pub country: Option<Vec<String>>,
    pub kind: Option<Vec<PolicyEventKind>>,
    /// On or after this day.
    pub from: Option<NaiveDate>,
    /// On or before this day.
    pub to: Option<NaiveDate>,
}

impl EventQuery {
    /// Checks the query and narrows `select` with it; a bad value names its field.
    pub fn apply(
        self,
        mut select: Select<policy_event::Entity>,
    ) -> ApiResult<Select<policy_event::Entity>> {
        use policy_event::Column as C;
        if let (Some(from), Some(to)) = (self.from, self.to)
            && to < from
        {
            return Err(ApiError::bad_input("to", "must not be before `from`"));
        }
        if let Some(slug) = &self.program {
            super::values::check_slug("program", slug)?;
        }
        if let Some(countries) = &self.country
            && let Some(bad) = countries
                .iter()
                .find(|c| !super::values::is_country_code(c))
        {
            return Err(ApiError::bad_input(
                "country",
                format!("`{bad}` is not an ISO 3166-1 alpha-2 code (e.g. CN)"),
            ));
        }
        for slug in self.programs.iter().flatten() {
            super::values::check_slug("programs", slug)?;
        }
        if self.program.is_some() || self.country.is_some() || self.programs.is_some() {
            let mut sub = visibility::ids(RecordKind::Program);
            if let Some(slug) = self.program {
                sub.and_where(program::Column::Slug.eq(slug));
            }
            if let Some(slugs) = self.programs {
                sub.and_where(program::Column::Slug.is_in(slugs));
            }
            if let Some(countries) = self.country {
                sub.and_where(program::Column::Country.is_in(countries));
            }
            select = select.filter(C::ProgramId.in_subquery(sub.to_owned()));
        }
        if let Some(kinds) = self.kind {
            select = select.filter(C::Kind.is_in(kinds));
        }
        if let Some(from) = self.from {
            select = select.filter(C::OccurredOn.gte(from));
        }
        if let Some(to) = self.to {
            select = select.filter(C::OccurredOn.lte(to));
        }
        Ok(select)
    }
}

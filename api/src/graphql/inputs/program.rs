//! `ProgramInput`: the fields of a program an editor sets.

use super::{Changes, ContentInput};
use crate::graphql::enums::{
    Category, DurationUnit, Entries, LegalStatus, PrPath, WorkAuthorization, YesNoUnknown,
};
use crate::graphql::scalars::Date;
use crate::kb::RecordKind;
use crate::kb::error::ApiResult;
use crate::kb::values::{CountryCode, Slug};
use async_graphql::{InputObject, MaybeUndefined};
use entity::enums as db;
use sea_orm::DatabaseTransaction;
use serde_json::{Map, Value};

/// A length of time as an editor gives it.
#[derive(InputObject, Clone, Copy)]
pub struct DurationInput {
    /// How many units; null for `INDEFINITE` or when only the unit is known.
    pub value: Option<i32>,
    /// The unit.
    pub unit: DurationUnit,
}

/// A program's fields. Required on create: `slug`, `name`, `country`, `category`,
/// `legalStatus`. Tri-states default to their unknown value.
#[derive(InputObject, Default)]
pub struct ProgramInput {
    /// Stable, URL-safe identifier: lowercase letters, digits and single hyphens (unique).
    pub slug: MaybeUndefined<String>,
    /// Name in English (1–300 characters).
    pub name: MaybeUndefined<String>,
    /// Name in the country's language.
    pub local_name: MaybeUndefined<String>,
    /// ISO 3166-1 alpha-2 country code, e.g. `CN`.
    pub country: MaybeUndefined<String>,
    /// What kind of route it is.
    pub category: MaybeUndefined<Category>,
    /// Where it stands legally.
    pub legal_status: MaybeUndefined<LegalStatus>,
    /// One or two sentences.
    pub summary: MaybeUndefined<String>,
    /// Longer description.
    pub description: MaybeUndefined<String>,
    /// The authority that runs it.
    pub administering_authority: MaybeUndefined<String>,
    /// The law or decree it rests on.
    pub legal_basis: MaybeUndefined<String>,
    /// Official page (http or https).
    pub official_url: MaybeUndefined<String>,
    /// When it was announced: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub announced_on: MaybeUndefined<String>,
    /// When it took effect: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (not before `announcedOn`).
    pub in_force_on: MaybeUndefined<String>,
    /// When it ends: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (not before `inForceOn`).
    pub ends_on: MaybeUndefined<String>,
    /// The day its term is scheduled to end, when a source gives one (e.g. "a two-year pilot
    /// unless renewed"): past it, its value is UNCONFIRMED until a newer source.
    pub scheduled_end_on: MaybeUndefined<Date>,
    /// The condition on that end, as the sources give it ("unless renewed").
    pub scheduled_end_condition: MaybeUndefined<String>,
    /// How long the visa or permit is valid.
    pub validity: MaybeUndefined<DurationInput>,
    /// Longest stay per entry.
    pub max_stay: MaybeUndefined<DurationInput>,
    /// Entries allowed (default `UNKNOWN`).
    pub entries: MaybeUndefined<Entries>,
    /// Whether an employer must sponsor (default `UNKNOWN`).
    pub employer_sponsorship: MaybeUndefined<YesNoUnknown>,
    /// Whether the holder may work (default `UNCONFIRMED`).
    pub work_authorization: MaybeUndefined<WorkAuthorization>,
    /// Whether it leads to permanent residence (default `UNCLEAR`).
    pub pr_path: MaybeUndefined<PrPath>,
}

fn duration(
    changes: &mut Changes,
    field: &str,
    (value_col, unit_col): (&str, &str),
    input: &MaybeUndefined<DurationInput>,
) -> ApiResult<()> {
    let check = |d: DurationInput| match d.value {
        Some(v) if !(1..=10_000).contains(&v) => Err("the value is 1 to 10000".to_owned()),
        Some(_) if d.unit == DurationUnit::Indefinite => {
            Err("an INDEFINITE duration has no value".to_owned())
        }
        _ => Ok(d),
    };
    changes.field(field, value_col, input, false, |d| {
        check(d).map(|d| d.value)
    })?;
    changes.field(field, unit_col, input, false, |d| {
        check(d).map(|d| db::DurationUnit::from(d.unit))
    })
}

impl ContentInput for ProgramInput {
    const KIND: RecordKind = RecordKind::Program;

    async fn changes(
        &self,
        _txn: &DatabaseTransaction,
        creating: bool,
    ) -> ApiResult<Map<String, Value>> {
        let mut c = Changes::new(creating);
        c.field("slug", "slug", &self.slug, true, |s| {
            Slug::parse(&s).map(String::from)
        })?;
        c.text("name", "name", &self.name, 300, true)?;
        c.text("localName", "local_name", &self.local_name, 300, false)?;
        c.field("country", "country", &self.country, true, |s| {
            CountryCode::parse(&s).map(String::from)
        })?;
        c.plain::<_, db::Category>("category", "category", &self.category, true)?;
        c.plain::<_, db::LegalStatus>("legalStatus", "legal_status", &self.legal_status, true)?;
        c.text("summary", "summary", &self.summary, 2_000, false)?;
        c.text(
            "description",
            "description",
            &self.description,
            50_000,
            false,
        )?;
        c.text(
            "administeringAuthority",
            "administering_authority",
            &self.administering_authority,
            500,
            false,
        )?;
        c.text("legalBasis", "legal_basis", &self.legal_basis, 2_000, false)?;
        c.url("officialUrl", "official_url", &self.official_url, false)?;
        c.partial_date(
            "announcedOn",
            ("announced_on", "announced_precision"),
            &self.announced_on,
            false,
        )?;
        c.partial_date(
            "inForceOn",
            ("in_force_on", "in_force_precision"),
            &self.in_force_on,
            false,
        )?;
        c.partial_date(
            "endsOn",
            ("ends_on", "ends_precision"),
            &self.ends_on,
            false,
        )?;
        c.date(
            "scheduledEndOn",
            "scheduled_end_on",
            &self.scheduled_end_on,
            false,
        )?;
        c.text(
            "scheduledEndCondition",
            "scheduled_end_condition",
            &self.scheduled_end_condition,
            300,
            false,
        )?;
        duration(
            &mut c,
            "validity",
            ("validity_value", "validity_unit"),
            &self.validity,
        )?;
        duration(
            &mut c,
            "maxStay",
            ("max_stay_value", "max_stay_unit"),
            &self.max_stay,
        )?;
        c.with_default("entries", "entries", &self.entries, db::Entries::Unknown)?;
        c.with_default(
            "employerSponsorship",
            "employer_sponsorship",
            &self.employer_sponsorship,
            db::YesNoUnknown::Unknown,
        )?;
        c.with_default(
            "workAuthorization",
            "work_authorization",
            &self.work_authorization,
            db::WorkAuthorization::Unconfirmed,
        )?;
        c.with_default("prPath", "pr_path", &self.pr_path, db::PrPath::Unclear)?;
        Ok(c.into_map())
    }
}

//! `RequirementInput`: a condition an applicant must meet.

use super::{Changes, ContentInput, amount_e4, currency, reference_field};
use crate::graphql::enums::{Confidence, DegreeLevel, IncomePeriod, RequirementKind};
use crate::graphql::scalars::{Date, ExactDecimal};
use crate::kb::RecordKind;
use crate::kb::error::ApiResult;
use async_graphql::{ID, InputObject, MaybeUndefined};
use entity::enums as db;
use sea_orm::DatabaseTransaction;
use serde_json::{Map, Value};

/// A requirement's fields. Required on create: `programId`, `kind`.
#[derive(InputObject, Default)]
pub struct RequirementInput {
    /// The program it belongs to.
    pub program_id: MaybeUndefined<ID>,
    /// What it is about.
    pub kind: MaybeUndefined<RequirementKind>,
    /// The requirement in words.
    pub description: MaybeUndefined<String>,
    /// Whether it must be met; null when the sources do not say.
    pub mandatory: MaybeUndefined<bool>,
    /// Youngest age accepted (0–150).
    pub min_age: MaybeUndefined<i32>,
    /// Oldest age accepted (0–150, not below `minAge`).
    pub max_age: MaybeUndefined<i32>,
    /// Lowest degree accepted.
    pub min_degree: MaybeUndefined<DegreeLevel>,
    /// Fields of study accepted, e.g. `["stem", "engineering"]` (lowercase words).
    pub fields_of_study: MaybeUndefined<Vec<String>>,
    /// Lowest income accepted (exact decimal, not negative).
    pub min_income: MaybeUndefined<ExactDecimal>,
    /// Currency of `minIncome` (ISO 4217); required with it.
    pub income_currency: MaybeUndefined<String>,
    /// The period `minIncome` refers to.
    pub income_period: MaybeUndefined<IncomePeriod>,
    /// The day its term is scheduled to end, when a source gives one (e.g. "a two-year pilot
    /// unless renewed"): past it, its value is UNCONFIRMED until a newer source.
    pub scheduled_end_on: MaybeUndefined<Date>,
    /// The condition on that end, as the sources give it ("unless renewed").
    pub scheduled_end_condition: MaybeUndefined<String>,
    /// Order among the program's requirements (default 0).
    pub position: MaybeUndefined<i32>,
    /// How the requirement was established; null when unknown.
    pub confidence: MaybeUndefined<Confidence>,
    /// Editor's note.
    pub note: MaybeUndefined<String>,
}

fn age(v: i32) -> Result<i32, String> {
    if (0..=150).contains(&v) {
        Ok(v)
    } else {
        Err("an age is 0 to 150".to_owned())
    }
}

/// Stored as `,stem,engineering,` so that one LIKE finds a field on every backend.
fn fields_of_study(list: Vec<String>) -> Result<Option<String>, String> {
    let mut tokens = Vec::new();
    for raw in list {
        let token = raw.trim().to_lowercase();
        if token.is_empty()
            || token.len() > 64
            || !token
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ')
        {
            return Err(format!(
                "`{raw}` is not a field of study (letters, digits, spaces, - and _)"
            ));
        }
        if !tokens.contains(&token) {
            tokens.push(token);
        }
    }
    Ok((!tokens.is_empty()).then(|| format!(",{},", tokens.join(","))))
}

impl ContentInput for RequirementInput {
    const KIND: RecordKind = RecordKind::Requirement;

    async fn changes(
        &self,
        txn: &DatabaseTransaction,
        creating: bool,
    ) -> ApiResult<Map<String, Value>> {
        let mut c = Changes::new(creating);
        reference_field(
            &mut c,
            txn,
            ("programId", "program_id"),
            &self.program_id,
            RecordKind::Program,
            true,
        )
        .await?;
        c.plain::<_, db::RequirementKind>("kind", "kind", &self.kind, true)?;
        c.text(
            "description",
            "description",
            &self.description,
            5_000,
            false,
        )?;
        c.field("mandatory", "mandatory", &self.mandatory, false, Ok)?;
        c.field("minAge", "min_age", &self.min_age, false, age)?;
        c.field("maxAge", "max_age", &self.max_age, false, age)?;
        c.plain::<_, db::DegreeLevel>("minDegree", "min_degree", &self.min_degree, false)?;
        c.field(
            "fieldsOfStudy",
            "fields_of_study",
            &self.fields_of_study,
            false,
            fields_of_study,
        )?;
        c.field(
            "minIncome",
            "min_income_e4",
            &self.min_income,
            false,
            amount_e4,
        )?;
        c.field(
            "incomeCurrency",
            "income_currency",
            &self.income_currency,
            false,
            currency,
        )?;
        c.plain::<_, db::IncomePeriod>(
            "incomePeriod",
            "income_period",
            &self.income_period,
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
        c.with_default("position", "position", &self.position, 0)?;
        c.plain::<_, db::Confidence>("confidence", "confidence", &self.confidence, false)?;
        c.text("note", "note", &self.note, 5_000, false)?;
        Ok(c.into_map())
    }
}

//! `FeeInput`: what a program costs, over a period.

use super::{Changes, ContentInput, amount_e4, currency, reference_field};
use crate::graphql::enums::Confidence;
use crate::graphql::scalars::{Date, ExactDecimal};
use crate::kb::RecordKind;
use crate::kb::error::ApiResult;
use async_graphql::{ID, InputObject, MaybeUndefined};
use entity::enums as db;
use sea_orm::DatabaseTransaction;
use serde_json::{Map, Value};

/// A fee's fields. Required on create: `programId`, `label`. A changed fee is a new fee: set
/// `effectiveUntil` on the old one and create the new one, so history is kept.
#[derive(InputObject, Default)]
pub struct FeeInput {
    /// The program it belongs to.
    pub program_id: MaybeUndefined<ID>,
    /// What the fee is, e.g. "Petition payment".
    pub label: MaybeUndefined<String>,
    /// Exact amount (not negative, at most 4 decimals); null when unknown.
    pub amount: MaybeUndefined<ExactDecimal>,
    /// The amount as written when it is not one number, e.g. "750 / 1500".
    pub amount_text: MaybeUndefined<String>,
    /// ISO 4217 code; required with `amount`.
    pub currency: MaybeUndefined<String>,
    /// Who pays.
    pub payer: MaybeUndefined<String>,
    /// When it applies.
    pub applies_when: MaybeUndefined<String>,
    /// First day it applies.
    pub effective_from: MaybeUndefined<Date>,
    /// Last day it applies (not before `effectiveFrom`).
    pub effective_until: MaybeUndefined<Date>,
    /// The day its term is scheduled to end, when a source gives one (e.g. "12 months unless
    /// extended"): past it, the fee is UNCONFIRMED until a source says it still applies.
    pub scheduled_end_on: MaybeUndefined<Date>,
    /// The condition on that end, as the sources give it ("unless extended").
    pub scheduled_end_condition: MaybeUndefined<String>,
    /// How the amount was established; null when unknown.
    pub confidence: MaybeUndefined<Confidence>,
    /// Editor's note.
    pub note: MaybeUndefined<String>,
}

impl ContentInput for FeeInput {
    const KIND: RecordKind = RecordKind::Fee;

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
        c.text("label", "label", &self.label, 300, true)?;
        c.field("amount", "amount_e4", &self.amount, false, amount_e4)?;
        c.text("amountText", "amount_text", &self.amount_text, 300, false)?;
        c.field("currency", "currency", &self.currency, false, currency)?;
        c.text("payer", "payer", &self.payer, 300, false)?;
        c.text(
            "appliesWhen",
            "applies_when",
            &self.applies_when,
            1_000,
            false,
        )?;
        c.date(
            "effectiveFrom",
            "effective_from",
            &self.effective_from,
            false,
        )?;
        c.date(
            "effectiveUntil",
            "effective_until",
            &self.effective_until,
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
        c.plain::<_, db::Confidence>("confidence", "confidence", &self.confidence, false)?;
        c.text("note", "note", &self.note, 5_000, false)?;
        Ok(c.into_map())
    }
}

//! `Fee`: one fee of a program over a period.

use super::citation::Citation;
use super::context::loaders;
use super::enums::Confidence;
use super::ids::{RecordKind, encode};
use super::in_place::{InPlace, LoaderFields};
use super::loaders::{CitationsOf, one};
use super::scalars::{Date, Money, PartialDate};
use crate::kb::error::ApiResult;
use async_graphql::{Context, ID, Object};
use chrono::Utc;
use entity::fee;

/// The fields that read a fee's citations (see `loaders::expect_citations`).
pub(super) const CITING_FIELDS: &[&str] = &["citations", "cited", "lastVerifiedOn", "term"];

/// Where a fee's term stands.
#[derive(async_graphql::Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum FeeTerm {
    /// It starts later.
    NotYet,
    /// In effect.
    InEffect,
    /// Past the day its term was scheduled to end, with no known end: unconfirmed.
    PastScheduledEnd,
    /// Its term has ended.
    Ended,
}

impl From<crate::kb::fees::Term> for FeeTerm {
    fn from(term: crate::kb::fees::Term) -> Self {
        use crate::kb::fees::Term as T;
        match term {
            T::NotYet => Self::NotYet,
            T::InEffect => Self::InEffect,
            T::PastScheduledEnd => Self::PastScheduledEnd,
            T::Ended => Self::Ended,
        }
    }
}

/// A fee of a program, in effect from one date until another. History is kept: a new fee ends
/// the old one instead of overwriting it.
pub struct Fee(pub std::sync::Arc<fee::Model>);

impl From<fee::Model> for Fee {
    fn from(row: fee::Model) -> Self {
        Self(std::sync::Arc::new(row))
    }
}

impl LoaderFields for Fee {
    const LOADER_FIELDS: &'static [&'static str] =
        &["citeAs", "term", "lastVerifiedOn", "citations", "cited"];
}

/// A fee of a program, in effect from one date until another. History is kept: a new fee ends
/// the old one instead of overwriting it.
#[Object]
impl Fee {
    /// Opaque global ID, for `node(id:)`.
    pub async fn id(&self) -> ID {
        encode(RecordKind::Fee, self.0.id)
    }

    /// Its stable permalink (JSON-LD there with `Accept: application/ld+json`).
    async fn permalink(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(super::context::base(ctx)?.record(encode(RecordKind::Fee, self.0.id).as_str()))
    }

    /// A ready-to-paste citation: "visa-kb, '…', revision N, retrieved …, <permalink>".
    async fn cite_as(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let link = super::context::base(ctx)?.record(encode(RecordKind::Fee, self.0.id).as_str());
        let program = one(
            loaders(ctx)?,
            super::loaders::ProgramById(self.0.program_id),
        )
        .await?
        .map_or_else(String::new, |p| p.name.clone());
        let title = format!("{program}: {}", self.0.label);
        Ok(crate::permalink::cite_as(&title, self.0.version, &link))
    }

    /// What the fee is for.
    async fn label(&self) -> &str {
        &self.0.label
    }

    /// The exact amount; null when not known as one number (see `amountText`).
    async fn amount(&self) -> Option<Money> {
        Money::from_parts(self.0.amount_e4, self.0.currency.as_ref())
    }

    /// The amount in words when it is not one number (e.g. `750 / 1500`).
    async fn amount_text(&self) -> Option<&str> {
        self.0.amount_text.as_deref()
    }

    /// ISO 4217 currency code.
    async fn currency(&self) -> Option<&str> {
        self.0.currency.as_deref()
    }

    /// Who pays.
    async fn payer(&self) -> Option<&str> {
        self.0.payer.as_deref()
    }

    /// When the fee applies.
    async fn applies_when(&self) -> Option<&str> {
        self.0.applies_when.as_deref()
    }

    /// First day the fee applies; null when not known.
    async fn effective_from(&self) -> Option<Date> {
        self.0.effective_from.map(Date)
    }

    /// Last day the fee applies; null while it is open-ended.
    async fn effective_until(&self) -> Option<Date> {
        self.0.effective_until.map(Date)
    }

    /// Whether the fee is in effect today (see `term` for one past its scheduled end).
    async fn current(&self) -> bool {
        crate::kb::fees::is_current(&self.0, Utc::now().date_naive())
    }

    /// The day its term is scheduled to end, when a source gives one; unlike
    /// `effectiveUntil`, not known to have happened.
    async fn scheduled_end_on(&self) -> Option<Date> {
        self.0.scheduled_end_on.map(Date)
    }

    /// The condition on that end, as the sources give it ("unless extended").
    async fn scheduled_end_condition(&self) -> Option<&str> {
        self.0.scheduled_end_condition.as_deref()
    }

    /// Where its term stands today: PAST_SCHEDULED_END means whether it still applies is
    /// unconfirmed (no known end, no source since saying it was extended).
    async fn term(&self, ctx: &Context<'_>) -> ApiResult<FeeTerm> {
        let verified =
            super::citation::last_verified(ctx, CitationsOf::Fee(self.0.id), None).await?;
        Ok(crate::kb::fees::term_on(&self.0, Utc::now().date_naive(), verified).into())
    }

    /// When a source last verified this fee: the newest publication or access date among the
    /// sources behind it, at its precision; null when no source supports it.
    async fn last_verified_on(&self, ctx: &Context<'_>) -> ApiResult<Option<PartialDate>> {
        let verified =
            super::citation::last_verified(ctx, CitationsOf::Fee(self.0.id), None).await?;
        Ok(verified.map(PartialDate))
    }

    /// How the fee was established; null means unknown.
    async fn confidence(&self) -> Option<Confidence> {
        self.0.confidence.map(Into::into)
    }

    /// Conditions, exemptions and caveats.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The sources that support this fee.
    async fn citations(&self, ctx: &Context<'_>) -> ApiResult<Vec<InPlace<Citation>>> {
        super::citation::of(ctx, CitationsOf::Fee(self.0.id)).await
    }

    /// False when no source supports this fee.
    async fn cited(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        super::citation::is_cited(ctx, CitationsOf::Fee(self.0.id)).await
    }
}

//! `Program`: a visa or talent-mobility program, its filters and its ordering.

mod filter;
mod order;

pub use filter::ProgramFilter;
pub use order::ProgramOrder;

use super::citation::Citation;
use super::commentary::Commentary;
use super::context::loaders;
use super::enums::{Category, Entries, LegalStatus, PrPath, WorkAuthorization, YesNoUnknown};
use super::fact::Fact;
use super::fee::Fee;
use super::ids::{RecordKind, encode};
use super::in_place::InPlace;
use super::loaders::{
    CitationsOf, CommentariesOf, EventsOf, FactsOf, FeesOf, RequirementsOf, SheetOf,
    expect_citations, list, one,
};
use super::policy_event::PolicyEvent;
use super::requirement::Requirement;
use super::scalars::{Duration, ExactDecimal, PartialDate};
use super::value::ProgramValue;
use crate::graphql::scalars::Timestamp;
use crate::kb::error::ApiResult;
use crate::kb::status::{Status, status_on};
use crate::kb::visibility::CitationTarget;
use crate::kb::{fees, sheet};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{NaiveDate, Utc};
use entity::program;

/// A visa or talent-mobility program, seen today or as it stood on a date (`asOf`).
pub struct Program {
    pub row: std::sync::Arc<program::Model>,
    /// The day it is seen on (`asOf`); None: today.
    pub as_of: Option<NaiveDate>,
}

impl From<program::Model> for Program {
    fn from(row: program::Model) -> Self {
        Self {
            row: std::sync::Arc::new(row),
            as_of: None,
        }
    }
}

impl From<std::sync::Arc<program::Model>> for Program {
    fn from(row: std::sync::Arc<program::Model>) -> Self {
        Self { row, as_of: None }
    }
}

impl Program {
    /// The program's sheet on the day it is seen on (empty if it is no longer visible).
    async fn sheet(&self, ctx: &Context<'_>) -> ApiResult<Vec<sheet::Value>> {
        let facts = one(loaders(ctx)?, SheetOf(self.row.id)).await?;
        Ok(facts
            .map(|f| sheet::sheet(&f, self.as_of))
            .unwrap_or_default())
    }

    /// The same program seen as it stood on `day`.
    pub fn seen_on(self, day: Option<NaiveDate>) -> Self {
        Self {
            row: self.row,
            as_of: day,
        }
    }
}

/// Where a program stood legally on a day, and what says so (`kb::status`).
pub struct ProgramStatus(pub Status);

/// Where a program stood legally on a day, and what says so.
#[Object]
impl ProgramStatus {
    /// The legal status on that day; null when the knowledge base cannot tell (no dated event
    /// or date before it).
    async fn legal_status(&self) -> Option<LegalStatus> {
        self.0.status.map(Into::into)
    }

    /// The day it is seen on.
    async fn as_of(&self) -> super::scalars::Date {
        super::scalars::Date(self.0.day)
    }

    /// Since when, to the precision known.
    async fn since(&self) -> Option<PartialDate> {
        self.0.since.map(PartialDate)
    }

    /// The policy event it follows from, when one does (with its citations).
    async fn event(&self) -> Option<PolicyEvent> {
        self.0.event.clone().map(PolicyEvent)
    }
}

/// A visa or talent-mobility program.
#[Object]
impl Program {
    /// Opaque global ID, for `node(id:)`. Seen on a date (`asOf`), the program is a view of its
    /// own with its own ID, which `node(id:)` refetches as the same dated view: a client cache
    /// keeps today's program and a dated one apart.
    pub async fn id(&self) -> ID {
        match self.as_of {
            Some(day) => super::ids::encode_on(RecordKind::Program, self.row.id, day),
            None => encode(RecordKind::Program, self.row.id),
        }
    }

    /// Its stable permalink (JSON-LD there with `Accept: application/ld+json`).
    async fn permalink(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(super::context::base(ctx)?.program(&self.row.slug))
    }

    /// A ready-to-paste citation: "visa-kb, 'China K visa', revision 7, retrieved …, <permalink>".
    async fn cite_as(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let link = super::context::base(ctx)?.program(&self.row.slug);
        Ok(crate::permalink::cite_as(
            &self.row.name,
            self.row.version,
            &link,
        ))
    }

    /// Stable, URL-safe identifier, e.g. `cn-k-visa`.
    async fn slug(&self) -> &str {
        &self.row.slug
    }

    /// Name in English.
    async fn name(&self) -> &str {
        &self.row.name
    }

    /// Name in the country's language, e.g. `K字签证`.
    async fn local_name(&self) -> Option<&str> {
        self.row.local_name.as_deref()
    }

    /// ISO 3166-1 alpha-2 code of the country (or territory) that runs the program.
    async fn country(&self) -> &str {
        &self.row.country
    }

    /// What kind of route this is.
    async fn category(&self) -> Category {
        self.row.category.into()
    }

    /// Where the program stands legally today.
    async fn legal_status(&self) -> LegalStatus {
        self.row.legal_status.into()
    }

    /// One-line description.
    async fn summary(&self) -> Option<&str> {
        self.row.summary.as_deref()
    }

    /// Longer description.
    async fn description(&self) -> Option<&str> {
        self.row.description.as_deref()
    }

    /// Who runs the program.
    async fn administering_authority(&self) -> Option<&str> {
        self.row.administering_authority.as_deref()
    }

    /// The law or decree the program rests on.
    async fn legal_basis(&self) -> Option<&str> {
        self.row.legal_basis.as_deref()
    }

    /// The government's page about the program.
    async fn official_url(&self) -> Option<&str> {
        self.row.official_url.as_deref()
    }

    /// When the program was announced.
    async fn announced_on(&self) -> Option<PartialDate> {
        PartialDate::from_parts(self.row.announced_on, self.row.announced_precision)
    }

    /// When the program came (or comes) into force; null when not known exactly (see `facts`).
    async fn in_force_on(&self) -> Option<PartialDate> {
        PartialDate::from_parts(self.row.in_force_on, self.row.in_force_precision)
    }

    /// When the program ends, if an end is set.
    async fn ends_on(&self) -> Option<PartialDate> {
        PartialDate::from_parts(self.row.ends_on, self.row.ends_precision)
    }

    /// The day the program is scheduled to end, when a source gives one (a pilot, a
    /// proclamation "unless extended"); unlike `endsOn`, not known to have happened. Past it
    /// with no source since, its status value is UNCONFIRMED (see `values`).
    async fn scheduled_end_on(&self) -> Option<super::scalars::Date> {
        self.row.scheduled_end_on.map(super::scalars::Date)
    }

    /// The condition on that end, as the sources give it ("unless renewed").
    async fn scheduled_end_condition(&self) -> Option<&str> {
        self.row.scheduled_end_condition.as_deref()
    }

    /// How long a visa or permit is valid; null when not known as a number (see `facts`).
    async fn validity(&self) -> Option<Duration> {
        Duration::from_parts(self.row.validity_value, self.row.validity_unit)
    }

    /// The longest stay allowed; null when not known as a number (see `facts`).
    async fn max_stay(&self) -> Option<Duration> {
        Duration::from_parts(self.row.max_stay_value, self.row.max_stay_unit)
    }

    /// How many entries the visa allows.
    async fn entries(&self) -> Entries {
        self.row.entries.into()
    }

    /// Whether an employer must sponsor (or offer a job to) the applicant.
    async fn employer_sponsorship(&self) -> YesNoUnknown {
        self.row.employer_sponsorship.into()
    }

    /// Whether the holder may work.
    async fn work_authorization(&self) -> WorkAuthorization {
        self.row.work_authorization.into()
    }

    /// Whether the program leads to permanent residence.
    async fn pr_path(&self) -> PrPath {
        self.row.pr_path.into()
    }

    /// Increases with every change of the record.
    async fn version(&self) -> i32 {
        self.row.version
    }

    /// When the record last changed.
    async fn updated_at(&self) -> Timestamp {
        self.row.updated_at.into()
    }

    /// Eligibility requirements, in order.
    async fn requirements(&self, ctx: &Context<'_>) -> ApiResult<Vec<InPlace<Requirement>>> {
        let loaders = loaders(ctx)?;
        let citing = super::requirement::CITING_FIELDS;
        expect_citations(ctx, loaders, CitationTarget::Requirement, citing);
        let rows = list(loaders, RequirementsOf(self.row.id)).await?;
        Ok(rows
            .iter()
            .cloned()
            .map(|r| InPlace(Requirement(r)))
            .collect())
    }

    /// Fees, oldest first: the whole history, or with `current: true` only those in effect
    /// today. Seen `asOf` a date: fees that had taken effect by then, or (`current: true`) those
    /// in effect on that date.
    async fn fees(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] current: bool,
    ) -> ApiResult<Vec<InPlace<Fee>>> {
        let loaders = loaders(ctx)?;
        expect_citations(ctx, loaders, CitationTarget::Fee, super::fee::CITING_FIELDS);
        let rows = list(loaders, FeesOf(self.row.id)).await?;
        Ok(
            fees::on_day(rows.iter(), Utc::now().date_naive(), self.as_of, current)
                .cloned()
                .map(|f| InPlace(Fee(f)))
                .collect(),
        )
    }

    /// The day this program is seen on: the `asOf` asked for, or null for today.
    async fn as_of(&self) -> Option<super::scalars::Date> {
        self.as_of.map(super::scalars::Date)
    }

    /// The legal status on the day it is seen on: from the program's announced and in-force
    /// dates, then its suspension, repeal or return-into-force events up to that day. Null
    /// when the knowledge base cannot tell (e.g. a program whose start date is not recorded,
    /// seen in the past). Today it is `legalStatus`. Dates known only to the month or year
    /// count from the first day of that period.
    async fn status(&self, ctx: &Context<'_>) -> ApiResult<ProgramStatus> {
        let events = list(loaders(ctx)?, EventsOf(self.row.id)).await?;
        Ok(ProgramStatus(status_on(&self.row, &events, self.as_of)))
    }

    /// Every attribute with its value and how far it can be trusted, seen on the day the
    /// program is seen on: KNOWN (a cited official or secondary source supports it), UNVERIFIED,
    /// UNCONFIRMED (with the reason in `note`) or UNKNOWN; the same values `compare`, the exports
    /// and the permalinks show. Requirements get one value per kind the program has.
    async fn values(&self, ctx: &Context<'_>) -> ApiResult<Vec<ProgramValue>> {
        Ok(self
            .sheet(ctx)
            .await?
            .into_iter()
            .map(ProgramValue::from)
            .collect())
    }

    /// When a source last verified anything about the program: the newest publication or
    /// access date among the sources behind it, its requirements, fees and events (what the
    /// `verifiedSince` and `notVerifiedSince` filters test); null when no source supports any.
    async fn last_verified_on(&self, ctx: &Context<'_>) -> ApiResult<Option<PartialDate>> {
        let facts = one(loaders(ctx)?, SheetOf(self.row.id)).await?;
        Ok(facts
            .and_then(|f| sheet::last_verified(&f))
            .map(PartialDate))
    }

    /// How each field is known: the researched wording, confidence, note and citations.
    async fn facts(&self, ctx: &Context<'_>) -> ApiResult<Vec<InPlace<Fact>>> {
        let loaders = loaders(ctx)?;
        expect_citations(
            ctx,
            loaders,
            CitationTarget::Program,
            super::fact::CITING_FIELDS,
        );
        let rows = list(loaders, FactsOf(self.row.id)).await?;
        Ok(rows.iter().cloned().map(|f| InPlace(Fact(f))).collect())
    }

    /// Every citation of the program, of the whole record or of one field.
    async fn citations(&self, ctx: &Context<'_>) -> ApiResult<Vec<InPlace<Citation>>> {
        super::citation::of(ctx, CitationsOf::Program(self.row.id)).await
    }

    /// False when no source supports anything about the program.
    async fn cited(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        super::citation::is_cited(ctx, CitationsOf::Program(self.row.id)).await
    }

    /// Commentary about the program.
    async fn commentaries(&self, ctx: &Context<'_>) -> ApiResult<Vec<Commentary>> {
        let rows = list(loaders(ctx)?, CommentariesOf(self.row.id)).await?;
        Ok(rows.iter().cloned().map(Commentary).collect())
    }

    /// The program's timeline, oldest first.
    async fn policy_events(&self, ctx: &Context<'_>) -> ApiResult<Vec<InPlace<PolicyEvent>>> {
        let loaders = loaders(ctx)?;
        let citing = super::policy_event::CITING_FIELDS;
        expect_citations(ctx, loaders, CitationTarget::PolicyEvent, citing);
        let rows = list(loaders, EventsOf(self.row.id)).await?;
        Ok(rows
            .iter()
            .cloned()
            .map(|e| InPlace(PolicyEvent(e)))
            .collect())
    }
}

/// A fee ceiling: programs whose every current fee is known, in this currency, and at most this.
#[derive(InputObject, Debug)]
pub struct MoneyInput {
    /// The exact amount.
    pub amount: ExactDecimal,
    /// ISO 4217 currency code.
    pub currency: String,
}

//! `Requirement`: one eligibility requirement of a program.

use super::citation::Citation;
use super::context::loaders;
use super::enums::{Confidence, DegreeLevel, IncomePeriod, RequirementKind};
use super::ids::{RecordKind, encode};
use super::in_place::{InPlace, LoaderFields};
use super::loaders::{CitationsOf, one};
use super::scalars::Money;
use crate::kb::error::ApiResult;
use async_graphql::{Context, ID, Object};
use entity::requirement;

/// The fields that read a requirement's citations (see `loaders::expect_citations`).
pub(super) const CITING_FIELDS: &[&str] = &["citations", "cited", "lastVerifiedOn"];

/// An eligibility requirement, in words and, where known, as structured bounds.
pub struct Requirement(pub std::sync::Arc<requirement::Model>);

impl From<requirement::Model> for Requirement {
    fn from(row: requirement::Model) -> Self {
        Self(std::sync::Arc::new(row))
    }
}

impl LoaderFields for Requirement {
    const LOADER_FIELDS: &'static [&'static str] =
        &["citeAs", "citations", "cited", "lastVerifiedOn"];
}

/// An eligibility requirement, in words and, where known, as structured bounds.
#[Object]
impl Requirement {
    /// Opaque global ID, for `node(id:)`.
    pub async fn id(&self) -> ID {
        encode(RecordKind::Requirement, self.0.id)
    }

    /// Its stable permalink (JSON-LD there with `Accept: application/ld+json`).
    async fn permalink(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(super::context::base(ctx)?.record(encode(RecordKind::Requirement, self.0.id).as_str()))
    }

    /// A ready-to-paste citation: "visa-kb, '…', revision N, retrieved …, <permalink>".
    async fn cite_as(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let link =
            super::context::base(ctx)?.record(encode(RecordKind::Requirement, self.0.id).as_str());
        let program = one(
            loaders(ctx)?,
            super::loaders::ProgramById(self.0.program_id),
        )
        .await?
        .map_or_else(String::new, |p| p.name.clone());
        let title = format!(
            "{program}: {} requirement",
            self.0.kind.as_str().replace('_', " ")
        );
        Ok(crate::permalink::cite_as(&title, self.0.version, &link))
    }

    /// What the requirement is about.
    async fn kind(&self) -> RequirementKind {
        self.0.kind.into()
    }

    /// The requirement in words; null when it is not known.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Whether it must be met; null when the sources do not say.
    async fn mandatory(&self) -> Option<bool> {
        self.0.mandatory
    }

    /// Minimum age, inclusive.
    async fn min_age(&self) -> Option<i32> {
        self.0.min_age
    }

    /// Maximum age, inclusive.
    async fn max_age(&self) -> Option<i32> {
        self.0.max_age
    }

    /// Lowest degree accepted.
    async fn min_degree(&self) -> Option<DegreeLevel> {
        self.0.min_degree.map(Into::into)
    }

    /// Fields of study accepted (lower case); empty when not structured.
    async fn fields_of_study(&self) -> Vec<String> {
        self.0
            .fields_of_study
            .as_deref()
            .map(|f| {
                f.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Minimum income, in the program's currency.
    async fn min_income(&self) -> Option<Money> {
        Money::from_parts(self.0.min_income_e4, self.0.income_currency.as_ref())
    }

    /// The period `minIncome` refers to.
    async fn income_period(&self) -> Option<IncomePeriod> {
        self.0.income_period.map(Into::into)
    }

    /// Position among the program's requirements.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// How the requirement was established; null means unknown.
    async fn confidence(&self) -> Option<Confidence> {
        self.0.confidence.map(Into::into)
    }

    /// Caveats and conflicts between sources.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The day the requirement is scheduled to end, when a source gives one; past it with no
    /// source since, its value is UNCONFIRMED (see `Program.values`).
    async fn scheduled_end_on(&self) -> Option<super::scalars::Date> {
        self.0.scheduled_end_on.map(super::scalars::Date)
    }

    /// The condition on that end, as the sources give it ("unless extended").
    async fn scheduled_end_condition(&self) -> Option<&str> {
        self.0.scheduled_end_condition.as_deref()
    }

    /// The sources that support this requirement.
    async fn citations(&self, ctx: &Context<'_>) -> ApiResult<Vec<InPlace<Citation>>> {
        super::citation::of(ctx, CitationsOf::Requirement(self.0.id)).await
    }

    /// False when no source supports this requirement.
    async fn cited(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        super::citation::is_cited(ctx, CitationsOf::Requirement(self.0.id)).await
    }

    /// When a source last verified this requirement: the newest publication or access date
    /// among the sources behind it, at its precision; null when none supports it.
    async fn last_verified_on(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<super::scalars::PartialDate>> {
        let verified =
            super::citation::last_verified(ctx, CitationsOf::Requirement(self.0.id), None).await?;
        Ok(verified.map(super::scalars::PartialDate))
    }
}

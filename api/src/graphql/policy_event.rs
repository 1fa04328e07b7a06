//! `PolicyEvent`: a dated event in a program's life, and the timeline filter.

use super::citation::Citation;
use super::context::loaders;
use super::enums::PolicyEventKind;
use super::ids::{RecordKind, encode};
use super::in_place::{InPlace, LoaderFields};
use super::loaders::{CitationsOf, ProgramById, one};
use super::program::Program;
use super::scalars::{Date, PartialDate};
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::events::EventQuery;
use async_graphql::{Context, ID, InputObject, Object};
use entity::policy_event;
use sea_orm::Select;

/// The fields that read an event's citations (see `loaders::expect_citations`).
pub(super) const CITING_FIELDS: &[&str] = &["citations", "cited"];

/// A dated event in a program's life: announced, signed, in force, a fee change, a ruling...
pub struct PolicyEvent(pub std::sync::Arc<policy_event::Model>);

impl From<policy_event::Model> for PolicyEvent {
    fn from(row: policy_event::Model) -> Self {
        Self(std::sync::Arc::new(row))
    }
}

impl LoaderFields for PolicyEvent {
    const LOADER_FIELDS: &'static [&'static str] = &["program", "citations", "cited"];
}

/// A dated event in a program's life: announced, signed, in force, a fee change, a ruling...
#[Object]
impl PolicyEvent {
    /// Opaque global ID, for `node(id:)`.
    pub async fn id(&self) -> ID {
        encode(RecordKind::PolicyEvent, self.0.id)
    }

    /// Its stable permalink (JSON-LD there with `Accept: application/ld+json`).
    async fn permalink(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(super::context::base(ctx)?.record(encode(RecordKind::PolicyEvent, self.0.id).as_str()))
    }

    /// A ready-to-paste citation: "visa-kb, '…', revision N, retrieved …, <permalink>".
    async fn cite_as(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let link =
            super::context::base(ctx)?.record(encode(RecordKind::PolicyEvent, self.0.id).as_str());
        let title = self.0.title.clone();
        Ok(crate::permalink::cite_as(&title, self.0.version, &link))
    }

    /// When it happened, to the precision known.
    async fn date(&self) -> PartialDate {
        PartialDate(crate::kb::values::PartialDate::from_parts(
            self.0.occurred_on,
            self.0.precision,
        ))
    }

    /// What happened.
    async fn kind(&self) -> PolicyEventKind {
        self.0.kind.into()
    }

    /// Headline.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Details.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The program it concerns.
    async fn program(&self, ctx: &Context<'_>) -> Option<Program> {
        let found = async {
            Ok(one(loaders(ctx)?, ProgramById(self.0.program_id))
                .await?
                .map(Program::from))
        };
        super::error::or_null(ctx, found.await)
    }

    /// The sources that report it.
    async fn citations(&self, ctx: &Context<'_>) -> ApiResult<Vec<InPlace<Citation>>> {
        super::citation::of(ctx, CitationsOf::PolicyEvent(self.0.id)).await
    }

    /// False when no source reports it.
    async fn cited(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        super::citation::is_cited(ctx, CitationsOf::PolicyEvent(self.0.id)).await
    }
}

/// Which policy events to list.
#[derive(InputObject, Debug, Default)]
pub struct PolicyEventFilter {
    /// Only events of the program with this slug.
    pub program: Option<String>,
    /// Only events of the programs with these slugs.
    pub programs: Option<Vec<String>>,
    /// Only events of programs of these countries (ISO 3166-1 alpha-2).
    pub country: Option<Vec<String>>,
    /// Kinds of event.
    pub kind: Option<Vec<PolicyEventKind>>,
    /// On or after this date.
    pub from: Option<Date>,
    /// On or before this date.
    pub to: Option<Date>,
}

impl PolicyEventFilter {
    /// Narrows `select` with the filter (`kb::events`); a bad value names its field as
    /// `filter.<field>`.
    pub fn apply(
        self,
        select: Select<policy_event::Entity>,
    ) -> ApiResult<Select<policy_event::Entity>> {
        EventQuery {
            program: self.program,
            programs: self.programs,
            country: self.country,
            kind: self.kind.map(|kinds| {
                kinds
                    .into_iter()
                    .map(entity::enums::PolicyEventKind::from)
                    .collect()
            }),
            from: self.from.map(|d| d.0),
            to: self.to.map(|d| d.0),
        }
        .apply(select)
        .map_err(|e| match e {
            ApiError::BadUserInput { message, field } => ApiError::BadUserInput {
                message,
                field: field.map(|f| format!("filter.{f}")),
            },
            other => other,
        })
    }
}

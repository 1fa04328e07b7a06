//! `Fact`: how one field of a program is known.

use super::citation::Citation;
use super::context::loaders;
use super::enums::Confidence;
use super::in_place::{InPlace, LoaderFields};
use super::loaders::{CitationsOf, list, one};
use crate::kb::error::ApiResult;
use async_graphql::{Context, Object};
use entity::program_fact;

/// The fields that read a fact's citations, its program's (see `loaders::expect_citations`).
pub(super) const CITING_FIELDS: &[&str] = &["citations", "cited", "lastVerifiedOn"];

impl Fact {
    /// The permalink and the program it belongs to.
    async fn link(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<(String, Option<std::sync::Arc<entity::program::Model>>)> {
        let program = one(
            loaders(ctx)?,
            super::loaders::ProgramById(self.0.program_id),
        )
        .await?;
        let slug = program.as_ref().map_or("", |p| p.slug.as_str());
        let link = format!(
            "{}#{}",
            super::context::base(ctx)?.program(slug),
            self.0.field
        );
        Ok((link, program))
    }
}

/// How one field of a program is known: the wording our research found, how sure we are, and
/// the sources behind it. A fact with no citations is uncited; one with no confidence is unknown.
pub struct Fact(pub std::sync::Arc<program_fact::Model>);

impl From<program_fact::Model> for Fact {
    fn from(row: program_fact::Model) -> Self {
        Self(std::sync::Arc::new(row))
    }
}

impl LoaderFields for Fact {
    const LOADER_FIELDS: &'static [&'static str] = &[
        "permalink",
        "citeAs",
        "citations",
        "lastVerifiedOn",
        "cited",
    ];
}

/// How one field of a program is known: the wording our research found, how sure we are, and
/// the sources behind it. A fact with no citations is uncited; one with no confidence is unknown.
#[Object]
impl Fact {
    /// Its stable permalink: the program's, at this field.
    async fn permalink(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.link(ctx).await?.0)
    }

    /// A ready-to-paste citation of this fact of the program (at the program's revision).
    async fn cite_as(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let (link, program) = self.link(ctx).await?;
        let title = match &program {
            Some(p) => format!("{}: {}", p.name, self.0.field.replace('_', " ")),
            None => self.0.field.clone(),
        };
        Ok(crate::permalink::cite_as(
            &title,
            program.map_or(0, |p| p.version),
            &link,
        ))
    }

    /// The program field this is about, in snake_case (e.g. `work_authorization`,
    /// `employer_sponsorship`, `notes.0`).
    async fn field(&self) -> &str {
        &self.0.field
    }

    /// The fact in words, as researched; null when nothing is known.
    async fn wording(&self) -> Option<&str> {
        self.0.wording.as_deref()
    }

    /// How the fact was established; null means unknown (not published or not found).
    async fn confidence(&self) -> Option<Confidence> {
        self.0.confidence.map(Into::into)
    }

    /// True when nothing is known about this field.
    async fn unknown(&self) -> bool {
        self.0.confidence.is_none()
    }

    /// A remark on the fact (caveats, conflicts between sources).
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The sources that support this field.
    async fn citations(&self, ctx: &Context<'_>) -> ApiResult<Vec<InPlace<Citation>>> {
        let rows = list(loaders(ctx)?, CitationsOf::Program(self.0.program_id)).await?;
        Ok(rows
            .iter()
            .filter(|c| c.field.as_deref() == Some(self.0.field.as_str()))
            .cloned()
            .map(|c| InPlace(Citation(c)))
            .collect())
    }

    /// When a source last verified this field: the newest publication or access date among
    /// the sources behind it, at its precision; null when none supports it.
    async fn last_verified_on(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<super::scalars::PartialDate>> {
        let verified = super::citation::last_verified(
            ctx,
            CitationsOf::Program(self.0.program_id),
            Some(self.0.field.as_str()),
        )
        .await?;
        Ok(verified.map(super::scalars::PartialDate))
    }

    /// False when no source supports this field.
    async fn cited(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let rows = list(loaders(ctx)?, CitationsOf::Program(self.0.program_id)).await?;
        Ok(rows
            .iter()
            .any(|c| c.field.as_deref() == Some(self.0.field.as_str())))
    }
}

//! `compare(slugs:)`: the GraphQL view of `kb::compare`, loaded with the request's batched
//! loaders.

use super::context::{db, loaders};
use super::in_place::{InPlace, LoaderFields};
use super::loaders::SourceById;
use super::program::Program;
use super::value::ValueFields;
use crate::kb::compare::{self, Facts};
use crate::kb::error::ApiResult;
use async_graphql::{Context, MergedObject, Object};
use chrono::NaiveDate;
use entity::program;
use std::sync::Arc;

/// The program a comparison cell belongs to.
pub struct CellProgram(Arc<compare::Cell>);

#[Object]
impl CellProgram {
    /// The program's slug.
    async fn program(&self) -> &str {
        &self.0.slug
    }
}

/// One program's value for one attribute.
#[derive(MergedObject)]
pub struct ComparisonCell(CellProgram, ValueFields);

impl From<Arc<compare::Cell>> for ComparisonCell {
    fn from(cell: Arc<compare::Cell>) -> Self {
        Self(CellProgram(Arc::clone(&cell)), ValueFields(cell))
    }
}

/// One attribute across the compared programs.
pub struct ComparisonRow(Arc<compare::Row>);

/// A comparison holds everything it shows: its rows and cells read nothing more.
impl LoaderFields for ComparisonRow {
    const LOADER_FIELDS: &'static [&'static str] = &[];
}

impl LoaderFields for ComparisonCell {
    const LOADER_FIELDS: &'static [&'static str] = &[];
}

/// One attribute across the compared programs.
#[Object]
impl ComparisonRow {
    /// Machine name, e.g. `employerSponsorship` or `requirement.education`.
    async fn attribute(&self) -> &str {
        &self.0.attribute
    }

    /// Human label, e.g. "Employer sponsorship".
    async fn label(&self) -> &str {
        &self.0.label
    }

    /// One cell per program, in the order of `programs`.
    async fn cells(&self) -> Vec<InPlace<ComparisonCell>> {
        self.0
            .cells
            .iter()
            .cloned()
            .map(|cell| InPlace(ComparisonCell::from(cell)))
            .collect()
    }
}

/// Programs side by side.
pub struct Comparison {
    programs: Vec<Arc<program::Model>>,
    as_of: Option<NaiveDate>,
    rows: Vec<Arc<compare::Row>>,
}

/// Programs side by side.
#[Object]
impl Comparison {
    /// The programs, in the order asked.
    async fn programs(&self) -> Vec<Program> {
        self.programs
            .iter()
            .cloned()
            .map(|p| Program::from(p).seen_on(self.as_of))
            .collect()
    }

    /// The day compared on (null: today).
    async fn as_of(&self) -> Option<super::scalars::Date> {
        self.as_of.map(super::scalars::Date)
    }

    /// One row per attribute.
    async fn rows(&self) -> Vec<InPlace<ComparisonRow>> {
        self.rows
            .iter()
            .cloned()
            .map(|row| InPlace(ComparisonRow(row)))
            .collect()
    }
}

/// Compares 2 to 10 published programs, given by slug (checked), in that order. The sheets
/// are read together with the programs; their sources go to the request's loader, so the
/// answer's `citations { source }` reads nothing more.
pub async fn compare(
    ctx: &Context<'_>,
    slugs: Vec<String>,
    as_of: Option<NaiveDate>,
) -> ApiResult<Comparison> {
    let all: Vec<Facts> = compare::sheets(db(ctx)?, &slugs).await?;
    // The sheets read together share one map of their sources: the first one's is everyone's.
    if let Some(first) = all.first() {
        loaders(ctx)?
            .feed_many(
                first
                    .sources
                    .iter()
                    .map(|(id, s)| (SourceById(*id), s.clone())),
            )
            .await;
    }
    Ok(Comparison {
        rows: compare::rows(&all, as_of)
            .into_iter()
            .map(Arc::new)
            .collect(),
        programs: all.iter().map(|f| f.program.clone()).collect(),
        as_of,
    })
}

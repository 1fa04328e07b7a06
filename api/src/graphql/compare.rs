//! `compare(slugs:)`: the GraphQL view of `kb::compare`, loaded with the request's batched
//! loaders.

use super::citation::Citation;
use super::context::loaders;
use super::loaders::{CitationsOf, EventsOf, FactsOf, FeesOf, RequirementsOf};
use super::program::Program;
use crate::kb::compare::{self, Facts};
use crate::kb::error::ApiResult;
use crate::kb::status::status_on;
use async_graphql::{Context, Enum, Object};
use chrono::NaiveDate;
use entity::{fee, program, requirement};
use std::collections::HashMap;
use std::sync::Arc;

pub use crate::kb::compare::check_slugs;

/// Whether a cell's value is known.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum CellState {
    /// The value is known: a cited official or secondary source supports it.
    Known,
    /// The knowledge base does not know: the sources do not say, or nothing is recorded.
    Unknown,
    /// Reported but not confirmed by an official source (e.g. the K visa's work rights).
    Unconfirmed,
    /// A value backed only by unverified research: no cited official or secondary source
    /// supports it yet (shown, but not to be printed as fact).
    Unverified,
}

impl From<compare::CellState> for CellState {
    fn from(state: compare::CellState) -> Self {
        match state {
            compare::CellState::Known => Self::Known,
            compare::CellState::Unknown => Self::Unknown,
            compare::CellState::Unconfirmed => Self::Unconfirmed,
            compare::CellState::Unverified => Self::Unverified,
        }
    }
}

/// One program's value for one attribute.
pub struct ComparisonCell(compare::Cell);

/// One program's value for one attribute.
#[Object]
impl ComparisonCell {
    /// The program's slug.
    async fn program(&self) -> &str {
        &self.0.slug
    }

    /// The value in words (e.g. `no`, `5 years`, `USD 100000 (H-1B petition payment, from
    /// 2025-09-21)`); null when unknown.
    async fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }

    /// Known, unknown or unconfirmed.
    async fn state(&self) -> CellState {
        self.0.state.into()
    }

    /// The researched wording behind the value, when it says more than the value.
    async fn wording(&self) -> Option<&str> {
        self.0.wording.as_deref()
    }

    /// A note on the value (why it is unknown, what is not recorded).
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The sources behind this cell (title, publisher, date, URL, excerpt, confidence).
    async fn citations(&self) -> Vec<Citation> {
        self.0.citations.iter().cloned().map(Citation).collect()
    }

    /// False when no source backs this cell: print it as uncited.
    async fn cited(&self) -> bool {
        !self.0.citations.is_empty()
    }
}

/// One attribute across the compared programs.
pub struct ComparisonRow(compare::Row);

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
    async fn cells(&self) -> Vec<ComparisonCell> {
        self.0.cells.iter().cloned().map(ComparisonCell).collect()
    }
}

/// Programs side by side.
pub struct Comparison {
    programs: Vec<Arc<program::Model>>,
    as_of: Option<NaiveDate>,
    rows: Vec<compare::Row>,
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
    async fn rows(&self) -> Vec<ComparisonRow> {
        self.rows.iter().cloned().map(ComparisonRow).collect()
    }
}

/// The rows of a loaded list (none when the loader found nothing).
fn list<M>(loaded: Option<super::loaders::List<M>>) -> Vec<Arc<M>> {
    loaded.map(|l| l.to_vec()).unwrap_or_default()
}

/// Loads everything a comparison needs with the request's batched loaders.
async fn facts(
    ctx: &Context<'_>,
    program: Arc<program::Model>,
    as_of: Option<NaiveDate>,
) -> ApiResult<Facts> {
    let loaders = loaders(ctx)?;
    let id = program.id;
    let requirements: Vec<Arc<requirement::Model>> =
        list(loaders.load_one(RequirementsOf(id)).await?);
    let fees: Vec<Arc<fee::Model>> = list(loaders.load_one(FeesOf(id)).await?);
    let events = list(loaders.load_one(EventsOf(id)).await?);
    let status = status_on(&program, &events, as_of);
    let citations_of_event = match &status.event {
        Some(event) => list(loaders.load_one(CitationsOf::PolicyEvent(event.id)).await?),
        None => Vec::new(),
    };
    let mut citations_of_fee = HashMap::new();
    for (key, value) in loaders
        .load_many(fees.iter().map(|f| CitationsOf::Fee(f.id)))
        .await?
    {
        if let CitationsOf::Fee(fee) = key {
            citations_of_fee.insert(fee, value.to_vec());
        }
    }
    let mut citations_of_requirement = HashMap::new();
    for (key, value) in loaders
        .load_many(requirements.iter().map(|r| CitationsOf::Requirement(r.id)))
        .await?
    {
        if let CitationsOf::Requirement(r) = key {
            citations_of_requirement.insert(r, value.to_vec());
        }
    }
    Ok(Facts {
        program_citations: list(loaders.load_one(CitationsOf::Program(id)).await?),
        facts: list(loaders.load_one(FactsOf(id)).await?),
        program,
        requirements,
        fees,
        citations_of_fee,
        citations_of_requirement,
        citations_of_event,
        status,
    })
}

/// Compares 2 to 10 published programs.
pub async fn compare(
    ctx: &Context<'_>,
    programs: Vec<Arc<program::Model>>,
    as_of: Option<NaiveDate>,
) -> ApiResult<Comparison> {
    let mut all = Vec::with_capacity(programs.len());
    for program in &programs {
        all.push(facts(ctx, program.clone(), as_of).await?);
    }
    Ok(Comparison {
        rows: compare::rows(&all, as_of),
        programs,
        as_of,
    })
}

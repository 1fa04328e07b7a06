//! `compare(slugs:)`: programs side by side, one row per attribute, each cell with its value,
//! whether it is known, and the citations behind it. Uncited cells say so.

use super::citation::Citation;
use super::context::loaders;
use super::loaders::{CitationsOf, EventsOf, FactsOf, FeesOf, RequirementsOf};
use super::program::{Program, status_on};
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::fees::Amount;
use crate::kb::values::PartialDate;
use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{
    DurationUnit, Entries, PrPath, RequirementKind, WorkAuthorization, YesNoUnknown,
};
use entity::{citation, fee, program, program_fact, requirement};
use std::collections::HashMap;
use std::sync::Arc;

/// Whether a cell's value is known.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum CellState {
    /// The value is known (and cited when `cited` is true).
    Known,
    /// The knowledge base does not know: the sources do not say, or nothing is recorded.
    Unknown,
    /// Reported but not confirmed by an official source (e.g. the K visa's work rights).
    Unconfirmed,
}

/// One program's value for one attribute.
pub struct ComparisonCell {
    slug: String,
    value: Option<String>,
    state: CellState,
    wording: Option<String>,
    note: Option<String>,
    citations: Vec<Arc<citation::Model>>,
}

/// One program's value for one attribute.
#[Object]
impl ComparisonCell {
    /// The program's slug.
    async fn program(&self) -> &str {
        &self.slug
    }

    /// The value in words (e.g. `no`, `5 years`, `USD 100000 (H-1B petition payment, from
    /// 2025-09-21)`); null when unknown.
    async fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// Known, unknown or unconfirmed.
    async fn state(&self) -> CellState {
        self.state
    }

    /// The researched wording behind the value, when it says more than the value.
    async fn wording(&self) -> Option<&str> {
        self.wording.as_deref()
    }

    /// A note on the value (why it is unknown, what is not recorded).
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The sources behind this cell (title, publisher, date, URL, excerpt, confidence).
    async fn citations(&self) -> Vec<Citation> {
        self.citations.iter().cloned().map(Citation).collect()
    }

    /// False when no source backs this cell: print it as uncited.
    async fn cited(&self) -> bool {
        !self.citations.is_empty()
    }
}

/// One attribute across the compared programs.
#[derive(SimpleObject)]
pub struct ComparisonRow {
    /// Machine name, e.g. `employerSponsorship` or `requirement.education`.
    pub attribute: String,
    /// Human label, e.g. "Employer sponsorship".
    pub label: String,
    /// One cell per program, in the order of `programs`.
    pub cells: Vec<ComparisonCell>,
}

/// Programs side by side.
pub struct Comparison {
    programs: Vec<Arc<program::Model>>,
    as_of: Option<NaiveDate>,
    rows: Vec<ComparisonRow>,
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
    async fn rows(&self) -> &[ComparisonRow] {
        &self.rows
    }
}

/// What one program brings to the table.
struct Facts {
    program: Arc<program::Model>,
    program_citations: Vec<Arc<citation::Model>>,
    facts: Vec<Arc<program_fact::Model>>,
    requirements: Vec<Arc<requirement::Model>>,
    fees: Vec<Arc<fee::Model>>,
    citations_of_fee: HashMap<i32, Vec<Arc<citation::Model>>>,
    citations_of_requirement: HashMap<i32, Vec<Arc<citation::Model>>>,
    citations_of_event: Vec<Arc<citation::Model>>,
    status: super::program::ProgramStatus,
}

impl Facts {
    /// A cell for a program-level attribute stored in `column`.
    fn cell(&self, column: &str, value: Option<String>, state: CellState) -> ComparisonCell {
        let fact = self.facts.iter().find(|f| f.field == column);
        ComparisonCell {
            slug: self.program.slug.clone(),
            value: if state == CellState::Unknown {
                None
            } else {
                value
            },
            state,
            wording: fact.and_then(|f| f.wording.clone()),
            note: fact.and_then(|f| f.note.clone()),
            citations: self
                .program_citations
                .iter()
                .filter(|c| c.field.as_deref() == Some(column))
                .cloned()
                .collect(),
        }
    }
}

fn text<T: Copy>(value: T, as_str: impl Fn(T) -> String) -> Option<String> {
    Some(as_str(value))
}

fn duration(value: Option<i32>, unit: Option<DurationUnit>) -> (Option<String>, CellState) {
    match (value, unit) {
        (_, Some(DurationUnit::Indefinite)) => (Some("indefinite".to_owned()), CellState::Known),
        (Some(v), Some(unit)) => (Some(format!("{v} {}", unit.as_str())), CellState::Known),
        _ => (None, CellState::Unknown),
    }
}

fn date(
    date: Option<NaiveDate>,
    precision: Option<entity::enums::DatePrecision>,
) -> Option<String> {
    date.map(|d| {
        PartialDate::from_parts(d, precision.unwrap_or(entity::enums::DatePrecision::Day)).to_text()
    })
}

fn fee_text(f: &fee::Model) -> String {
    let amount = Amount::of(f);
    match f.effective_from {
        Some(from) => format!("{amount} ({}, from {from})", f.label),
        None => format!("{amount} ({})", f.label),
    }
}

const KINDS: [(RequirementKind, &str, &str); 10] = [
    (RequirementKind::Education, "education", "Education"),
    (
        RequirementKind::FieldOfStudy,
        "fieldOfStudy",
        "Field of study",
    ),
    (RequirementKind::Experience, "experience", "Experience"),
    (RequirementKind::Age, "age", "Age"),
    (RequirementKind::Income, "income", "Income"),
    (RequirementKind::Language, "language", "Language"),
    (RequirementKind::Sponsorship, "sponsorship", "Sponsorship"),
    (RequirementKind::Nationality, "nationality", "Nationality"),
    (RequirementKind::Points, "points", "Points"),
    (RequirementKind::Other, "other", "Other requirements"),
];

fn rows(all: &[Facts], as_of: Option<NaiveDate>) -> Vec<ComparisonRow> {
    let day = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let row =
        |attribute: &str, label: &str, cell: &dyn Fn(&Facts) -> ComparisonCell| ComparisonRow {
            attribute: attribute.to_owned(),
            label: label.to_owned(),
            cells: all.iter().map(cell).collect(),
        };
    let mut rows = vec![
        row("country", "Country", &|f| {
            f.cell("country", Some(f.program.country.clone()), CellState::Known)
        }),
        row("status", "Legal status", &|f| {
            let mut cell = f.cell(
                "legal_status",
                f.status.status.map(|s| s.as_str()),
                if f.status.status.is_some() {
                    CellState::Known
                } else {
                    CellState::Unknown
                },
            );
            if f.status.event.is_some() {
                cell.citations = f.citations_of_event.clone();
            }
            cell
        }),
        row("inForceOn", "In force since", &|f| {
            let since = date(f.program.in_force_on, f.program.in_force_precision)
                .filter(|_| f.program.in_force_on.is_some_and(|d| d <= day));
            let state = if since.is_some() {
                CellState::Known
            } else {
                CellState::Unknown
            };
            f.cell("in_force_on", since, state)
        }),
        row("employerSponsorship", "Employer sponsorship", &|f| {
            let v = f.program.employer_sponsorship;
            let state = if v == YesNoUnknown::Unknown {
                CellState::Unknown
            } else {
                CellState::Known
            };
            f.cell("employer_sponsorship", text(v, |v| v.as_str()), state)
        }),
        row("workAuthorization", "Work authorization", &|f| {
            let v = f.program.work_authorization;
            let state = if v == WorkAuthorization::Unconfirmed {
                CellState::Unconfirmed
            } else {
                CellState::Known
            };
            f.cell("work_authorization", text(v, |v| v.as_str()), state)
        }),
        row("prPath", "Path to permanent residence", &|f| {
            let v = f.program.pr_path;
            let state = if v == PrPath::Unclear {
                CellState::Unknown
            } else {
                CellState::Known
            };
            f.cell("pr_path", text(v, |v| v.as_str()), state)
        }),
        row("validity", "Validity", &|f| {
            let (v, state) = duration(f.program.validity_value, f.program.validity_unit);
            f.cell("validity", v, state)
        }),
        row("maxStay", "Maximum stay", &|f| {
            let (v, state) = duration(f.program.max_stay_value, f.program.max_stay_unit);
            f.cell("max_stay", v, state)
        }),
        row("entries", "Entries", &|f| {
            let v = f.program.entries;
            let state = if v == Entries::Unknown {
                CellState::Unknown
            } else {
                CellState::Known
            };
            f.cell("entries", text(v, |v| v.as_str()), state)
        }),
        row("currentFees", "Current fees", &|f| {
            let current: Vec<&Arc<fee::Model>> = f
                .fees
                .iter()
                .filter(|fee| crate::kb::fees::is_current(fee, day))
                .collect();
            let priced: Vec<String> = current
                .iter()
                .filter(|fee| fee.amount_e4.is_some() || fee.amount_text.is_some())
                .map(|fee| fee_text(fee))
                .collect();
            let unpriced: Vec<&str> = current
                .iter()
                .filter(|fee| fee.amount_e4.is_none() && fee.amount_text.is_none())
                .map(|fee| fee.label.as_str())
                .collect();
            let mut cell = f.cell(
                "fees",
                Some(priced.join("; ")),
                if priced.is_empty() {
                    CellState::Unknown
                } else {
                    CellState::Known
                },
            );
            cell.note = if current.is_empty() {
                Some("no fee in effect is recorded".to_owned())
            } else if !unpriced.is_empty() {
                Some(format!("amount unknown: {}", unpriced.join("; ")))
            } else {
                None
            };
            cell.citations = current
                .iter()
                .flat_map(|fee| f.citations_of_fee.get(&fee.id).cloned().unwrap_or_default())
                .collect();
            cell
        }),
    ];
    for (kind, attribute, label) in KINDS {
        if !all
            .iter()
            .any(|f| f.requirements.iter().any(|r| r.kind == kind))
        {
            continue;
        }
        rows.push(row(&format!("requirement.{attribute}"), label, &|f| {
            let of_kind: Vec<&Arc<requirement::Model>> =
                f.requirements.iter().filter(|r| r.kind == kind).collect();
            let described: Vec<String> = of_kind
                .iter()
                .filter_map(|r| r.description.clone())
                .collect();
            ComparisonCell {
                slug: f.program.slug.clone(),
                value: (!described.is_empty()).then(|| described.join("; ")),
                state: if described.is_empty() {
                    CellState::Unknown
                } else {
                    CellState::Known
                },
                wording: None,
                note: of_kind
                    .is_empty()
                    .then(|| "no requirement of this kind is recorded".to_owned()),
                citations: of_kind
                    .iter()
                    .flat_map(|r| {
                        f.citations_of_requirement
                            .get(&r.id)
                            .cloned()
                            .unwrap_or_default()
                    })
                    .collect(),
            }
        }));
    }
    rows
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
        rows: rows(&all, as_of),
        programs,
        as_of,
    })
}

/// Checks the slugs of a comparison: 2 to 10, distinct.
pub fn check_slugs(slugs: &[String]) -> ApiResult<()> {
    if !(2..=10).contains(&slugs.len()) {
        return Err(ApiError::bad_input("slugs", "compare 2 to 10 programs"));
    }
    for (i, slug) in slugs.iter().enumerate() {
        super::query::check_slug("slugs", slug)?;
        if slugs[..i].contains(slug) {
            return Err(ApiError::bad_input(
                "slugs",
                format!("`{slug}` is listed twice"),
            ));
        }
    }
    Ok(())
}

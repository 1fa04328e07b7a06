//! `GET /compare?programs=cn-k-visa,us-h1b&asOf=2025-12-01`: programs side by side, the rows of
//! `kb::compare` with each cell's state and its citations as numbered notes, on a date the
//! reader can choose. Without programs, the form alone.

use super::{Note, Notes, state_words, words};
use crate::kb::compare;
use crate::kb::error::ApiResult;
use crate::permalink::PublicBase;
use askama::Template;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "compare.html")]
pub struct Comparison {
    /// What the form shows: the slugs asked for, and the date.
    pub asked: String,
    pub as_of: Option<String>,
    pub link: String,
    pub programs: Vec<(String, String)>,
    pub rows: Vec<Row>,
    pub notes: Vec<Note>,
}

pub struct Row {
    pub label: String,
    pub cells: Vec<Cell>,
}

pub struct Cell {
    pub value: Option<String>,
    pub state: &'static str,
    pub refs: Vec<usize>,
    pub claim: bool,
    pub note: Option<String>,
}

/// The query's `programs` (comma-separated slugs) and `asOf` (YYYY-MM-DD), each checked.
fn arguments(query: &HashMap<String, String>) -> ApiResult<(Vec<String>, Option<NaiveDate>)> {
    let slugs: Vec<String> = query
        .get("programs")
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let as_of = match query
        .get("asOf")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(text) => Some(crate::kb::values::parse_day("asOf", text)?),
    };
    Ok((slugs, as_of))
}

/// The page for the query's `programs` on its `asOf`.
pub async fn build(
    db: &DatabaseConnection,
    base: &PublicBase,
    query: HashMap<String, String>,
) -> ApiResult<Comparison> {
    let (slugs, as_of) = arguments(&query)?;
    comparison(db, base, slugs, as_of).await
}

/// The page for `slugs` on `as_of`; with no slugs, the empty form.
async fn comparison(
    db: &DatabaseConnection,
    base: &PublicBase,
    slugs: Vec<String>,
    as_of: Option<NaiveDate>,
) -> ApiResult<Comparison> {
    let asked = slugs.join(",");
    let link = format!("{}/compare?programs={asked}", base.0);
    let mut page = Comparison {
        as_of: as_of.map(|d| d.to_string()),
        link,
        asked,
        programs: Vec::new(),
        rows: Vec::new(),
        notes: Vec::new(),
    };
    if slugs.is_empty() {
        return Ok(page);
    }
    let all = compare::sheets(db, &slugs).await?;
    let mut notes = Notes::default();
    page.rows = compare::rows(&all, as_of)
        .into_iter()
        .map(|row| Row {
            cells: row
                .cells
                .iter()
                .map(|cell| Cell {
                    value: cell
                        .value
                        .as_deref()
                        .map(words)
                        .filter(|w| w != state_words(cell.state)),
                    state: state_words(cell.state),
                    refs: notes.refs(&cell.citations),
                    claim: row.attribute != "country",
                    note: cell.note.clone(),
                })
                .collect(),
            label: row.label,
        })
        .collect();
    page.programs = all
        .iter()
        .map(|f| (f.program.name.clone(), base.program(&f.program.slug)))
        .collect();
    // The sheets read together share one map of their sources.
    if let Some(first) = all.first() {
        page.notes = notes.into_notes(&first.sources);
    }
    Ok(page)
}

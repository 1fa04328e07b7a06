//! `GET /search?q=`: the ranked hits of `crate::search` (as the `search` query), 50 a page,
//! each with the passage that matches and a link to where readers can read the record.

use crate::kb::error::{ApiError, ApiResult};
use crate::kb::keyset::TOTAL_COLUMN;
use crate::kb::{RecordKind, changes, global_id};
use crate::permalink::PublicBase;
use crate::search::query::{best_passage, kind, matches, parse, ranking};
use askama::Template;
use sea_orm::DatabaseConnection;
use serde_json::{Map, Value};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "search.html")]
pub struct Search {
    pub q: String,
    /// How many records match (None before a query, or past the last page).
    pub total: Option<i64>,
    pub hits: Vec<Hit>,
    pub next: Option<String>,
}

pub struct Hit {
    pub kind: String,
    pub title: String,
    pub link: String,
    /// The program it belongs to (name, sheet), when it belongs to one.
    pub program: Option<(String, String)>,
    /// The field the passage comes from, in words.
    pub field: Option<String>,
    /// The passage, HTML-escaped by `search::query::snippet` with the matches in `<mark>`.
    pub passage: Option<String>,
}

/// The page for the query `q` and `after` cursor; with no `q`, the empty form.
pub async fn build(
    db: &DatabaseConnection,
    base: &PublicBase,
    mut params: HashMap<String, String>,
) -> ApiResult<Search> {
    params.retain(|_, v| !v.trim().is_empty());
    if let Some(unknown) = params
        .keys()
        .find(|k| !["q", "after"].contains(&k.as_str()))
    {
        return Err(ApiError::bad_input(
            unknown,
            format!("unknown parameter `{unknown}`"),
        ));
    }
    let Some(q) = params.get("q").cloned() else {
        return Ok(Search {
            q: String::new(),
            total: None,
            hits: Vec::new(),
            next: None,
        });
    };
    crate::kb::values::check_storable("q", &q)?;
    let terms = parse("q", &q)?;
    let ordering = ranking();
    let list = matches(db, &terms).await?;
    let (rows, cursor) =
        super::keyset_page(db, list, &ordering, params.get("after").map(String::as_str)).await?;
    let total = rows
        .first()
        .and_then(|r| r.try_get::<i64>("", TOTAL_COLUMN).ok());
    let mut found: Vec<(RecordKind, i32)> = Vec::with_capacity(rows.len());
    for row in &rows {
        let name: String = row.try_get("", "record_type")?;
        let kind =
            kind(&name).ok_or_else(|| ApiError::Internal(format!("search found a `{name}`")))?;
        found.push((kind, row.try_get("", "record_id")?));
    }
    // The rows of the hits, a statement per kind on the page.
    let mut by_kind: HashMap<RecordKind, Vec<i32>> = HashMap::new();
    for (kind, id) in &found {
        by_kind.entry(*kind).or_default().push(*id);
    }
    let mut records: HashMap<(RecordKind, i32), Map<String, Value>> = HashMap::new();
    for (kind, ids) in by_kind {
        for (id, row) in crate::store::rows::fetch_visible(db, kind, ids).await? {
            records.insert((kind, id), row);
        }
    }
    let programs =
        super::programs_by_id(db, records.values().filter_map(super::program_id)).await?;
    let hits = found
        .iter()
        // A hit readers may no longer see (withdrawn since the index was read) is left out.
        .filter_map(|(kind, id)| {
            let row = records.get(&(*kind, *id))?;
            let program = super::program_id(row).and_then(|p| programs.get(&p));
            let link = match (kind, row.get("slug").and_then(Value::as_str), program) {
                (RecordKind::Program, Some(slug), _) => base.program(slug),
                (RecordKind::Requirement, _, Some(p)) => {
                    format!("{}#requirements", base.program(&p.slug))
                }
                _ => base.record(&global_id::encode(*kind, *id)),
            };
            let passage = best_passage(*kind, row, &terms);
            Some(Hit {
                kind: super::words(kind.table()),
                title: changes::record_title(*kind, row),
                link,
                program: program.map(|p| (p.name.clone(), base.program(&p.slug))),
                field: passage.as_ref().map(|(f, _)| super::words(f)),
                passage: passage.map(|(_, p)| p),
            })
        })
        .collect();
    Ok(Search {
        next: super::next_link("/search", &super::query_text(&params), cursor),
        q,
        total,
        hits,
    })
}

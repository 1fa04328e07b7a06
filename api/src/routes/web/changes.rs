//! `GET /changes`: what readers could see change (`kb::changes`, as the `changes` query and the
//! Atom feed), newest first, 50 a page, since a day and of one kind of record when asked; each
//! change links its record and says field by field what it changed.

use crate::kb::changes::{self, ChangeKind, count_public_changes, public_changes};
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::values::parse_day;
use crate::kb::{RecordKind, global_id, lists};
use crate::permalink::PublicBase;
use askama::Template;
use chrono::{DateTime, Utc};
use entity::revision;
use sea_orm::{DatabaseConnection, FromQueryResult, QueryTrait};
use serde_json::Value;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "changes.html")]
pub struct Changes {
    pub since: String,
    /// Kinds of record: (value, words, chosen).
    pub kinds: Vec<(String, String, bool)>,
    /// How many changes there are since `since` (counted only for a day: without one, every
    /// change ever made is listed and the count would read the whole history).
    pub total: Option<i64>,
    pub changes: Vec<Change>,
    pub next: Option<String>,
    /// The Atom feed of the same changes.
    pub feed: String,
}

pub struct Change {
    /// When, in UTC, to the minute.
    pub when: String,
    /// The same moment in RFC 3339, for `<time datetime>`.
    pub at: String,
    pub kind: String,
    pub new: bool,
    pub title: String,
    pub link: String,
    /// The program it belongs to (name, sheet), when it belongs to one.
    pub program: Option<(String, String)>,
    pub summary: String,
    /// What changed: (field in words, before, after).
    pub fields: Vec<(String, String, String)>,
}

/// A stored value as a reader reads it in a diff.
fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "(empty)".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The page for the query's `since` (a day), `type` (a record kind's table name) and `after`.
pub async fn build(
    db: &DatabaseConnection,
    base: &PublicBase,
    mut params: HashMap<String, String>,
) -> ApiResult<Changes> {
    params.retain(|_, v| !v.trim().is_empty());
    if let Some(unknown) = params
        .keys()
        .find(|k| !["since", "type", "after"].contains(&k.as_str()))
    {
        return Err(ApiError::bad_input(
            unknown,
            format!("unknown filter `{unknown}`"),
        ));
    }
    let since: Option<DateTime<Utc>> = params
        .get("since")
        .map(|v| parse_day("since", v))
        .transpose()?
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc());
    let kind = params
        .get("type")
        .map(|t| {
            RecordKind::from_table(t.trim()).ok_or_else(|| {
                ApiError::bad_input("type", format!("`{t}` is not a kind of record"))
            })
        })
        .transpose()?;
    let kinds: Vec<RecordKind> = kind.into_iter().collect();
    let total = match since {
        Some(since) => Some(super::total(db, count_public_changes(since, &kinds)).await?),
        None => None,
    };
    let list = public_changes(since, &kinds).into_query();
    let (rows, cursor) = super::keyset_page(
        db,
        list,
        &lists::changes_order(),
        params.get("after").map(String::as_str),
    )
    .await?;
    let rows: Vec<revision::Model> = rows
        .iter()
        .map(|r| revision::Model::from_query_result(r, ""))
        .collect::<Result<_, _>>()?;
    let previous =
        changes::predecessors(db, rows.iter().filter_map(|r| r.previous_public_id)).await?;
    let details = rows
        .iter()
        .map(|row| {
            let before = row.previous_public_id.and_then(|id| previous.get(&id));
            changes::detail(row, before)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    // The programs the changed records belong to, for their links.
    let programs = super::programs_by_id(
        db,
        details.iter().filter_map(|d| super::program_id(&d.content)),
    )
    .await?;
    let shown = rows
        .iter()
        .zip(details)
        .map(|(row, detail)| {
            let link = match (
                detail.kind,
                detail.content.get("slug").and_then(Value::as_str),
            ) {
                (RecordKind::Program, Some(slug)) => base.program(slug),
                _ => base.record(&global_id::encode(detail.kind, row.record_id)),
            };
            Change {
                when: row.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                at: row.created_at.to_rfc3339(),
                kind: super::words(detail.kind.table()),
                new: detail.kind_of_change == ChangeKind::New,
                program: super::program_id(&detail.content)
                    .and_then(|id| programs.get(&id))
                    .map(|p| (p.name.clone(), base.program(&p.slug))),
                summary: row.summary.clone(),
                fields: detail
                    .changes
                    .iter()
                    .map(|c| {
                        (
                            super::words(&c.field),
                            value_text(&c.before),
                            value_text(&c.after),
                        )
                    })
                    .collect(),
                link,
                title: detail.title,
            }
        })
        .collect();
    let chosen = params.get("type").map(String::as_str).unwrap_or_default();
    let feed = match since {
        Some(since) => format!("/feed.atom?since={}", since.format("%Y-%m-%dT%H:%M:%SZ")),
        None => "/feed.atom".to_owned(),
    };
    Ok(Changes {
        since: params.get("since").cloned().unwrap_or_default(),
        kinds: RecordKind::ALL
            .iter()
            .map(|k| {
                let value = k.table().to_owned();
                let on = value == chosen;
                (value, super::words(k.table()), on)
            })
            .collect(),
        total,
        changes: shown,
        next: super::next_link("/changes", &super::query_text(&params), cursor),
        feed,
    })
}

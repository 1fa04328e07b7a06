//! `GET /timeline`: policy events across programs, newest first, 50 a page, filtered by
//! country, kind and dates (`kb::events`), each with its program and the sources that report it.

use super::{Note, Notes, words};
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::events::EventQuery;
use crate::kb::values::{PartialDate, parse_day};
use crate::kb::visibility::CitationTarget;
use crate::kb::{lists, read};
use crate::permalink::PublicBase;
use askama::Template;
use chrono::NaiveDate;
use entity::enums::PolicyEventKind;
use entity::policy_event;
use sea_orm::{ActiveEnum, DatabaseConnection, FromQueryResult, Iterable, QueryTrait};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "timeline.html")]
pub struct Timeline {
    pub country: String,
    pub from: String,
    pub to: String,
    /// Kinds of event: (value, words, chosen).
    pub kinds: Vec<(String, String, bool)>,
    pub events: Vec<Event>,
    pub notes: Vec<Note>,
    pub next: Option<String>,
}

pub struct Event {
    pub date: String,
    pub kind: String,
    pub title: String,
    pub description: Option<String>,
    /// The program's name and sheet.
    pub program: Option<(String, String)>,
    pub refs: Vec<usize>,
}

fn day(params: &HashMap<String, String>, key: &str) -> ApiResult<Option<NaiveDate>> {
    params.get(key).map(|v| parse_day(key, v)).transpose()
}

/// The page for the query's `country`, `kind`, `from`, `to` and `after` cursor.
pub async fn build(
    db: &DatabaseConnection,
    base: &PublicBase,
    mut params: HashMap<String, String>,
) -> ApiResult<Timeline> {
    params.retain(|_, v| !v.trim().is_empty());
    if let Some(unknown) = params
        .keys()
        .find(|k| !["country", "kind", "from", "to", "after"].contains(&k.as_str()))
    {
        return Err(ApiError::bad_input(
            unknown,
            format!("unknown filter `{unknown}`"),
        ));
    }
    let kind = params
        .get("kind")
        .map(|k| {
            PolicyEventKind::try_from_value(&k.trim().to_owned())
                .map_err(|_| ApiError::bad_input("kind", format!("`{k}` is not a kind of event")))
        })
        .transpose()?;
    let query = EventQuery {
        country: params
            .get("country")
            .map(|c| c.split(',').map(|c| c.trim().to_uppercase()).collect()),
        kind: kind.map(|k| vec![k]),
        from: day(&params, "from")?,
        to: day(&params, "to")?,
        ..EventQuery::default()
    };
    let list = query.apply(lists::events())?.into_query();
    let after = params.get("after").cloned();
    let (rows, cursor) =
        super::keyset_page(db, list, &lists::events_order(), after.as_deref()).await?;
    let events: Vec<policy_event::Model> = rows
        .iter()
        .map(|r| policy_event::Model::from_query_result(r, ""))
        .collect::<Result<_, _>>()?;
    let programs = super::programs_by_id(db, events.iter().map(|e| e.program_id)).await?;
    let cited =
        read::cited_sources(db, CitationTarget::PolicyEvent, events.iter().map(|e| e.id)).await?;
    let mut by_event: HashMap<i32, Vec<Arc<entity::citation::Model>>> = HashMap::new();
    let mut sources = HashMap::new();
    for (c, s) in cited {
        if let Some(id) = c.policy_event_id {
            by_event.entry(id).or_default().push(Arc::new(c));
        }
        sources.entry(s.id).or_insert_with(|| Arc::new(s));
    }
    let mut notes = Notes::default();
    let events = events
        .iter()
        .map(|e| Event {
            date: PartialDate::from_parts(e.occurred_on, e.precision).to_text(),
            kind: words(&e.kind.as_str()),
            title: e.title.clone(),
            description: e.description.clone(),
            program: programs
                .get(&e.program_id)
                .map(|p| (p.name.clone(), base.program(&p.slug))),
            refs: notes.refs(by_event.get(&e.id).map(Vec::as_slice).unwrap_or_default()),
        })
        .collect();
    let chosen = params.get("kind").map(String::as_str).unwrap_or_default();
    Ok(Timeline {
        kinds: PolicyEventKind::iter()
            .map(|k| {
                let value = k.to_value();
                let on = value == chosen;
                (value.clone(), words(&value), on)
            })
            .collect(),
        country: params.get("country").cloned().unwrap_or_default(),
        from: params.get("from").cloned().unwrap_or_default(),
        to: params.get("to").cloned().unwrap_or_default(),
        events,
        notes: notes.into_notes(&sources),
        next: super::next_link("/timeline", &super::query_text(&params), cursor),
    })
}

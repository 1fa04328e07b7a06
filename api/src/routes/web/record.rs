//! A record's page at its permalink (`/records/{id}`) for browsers: a requirement, fee, policy
//! event, commentary, source or person, with what its JSON-LD says in words, its footnoted
//! sources and how to cite it. (A program's permalink is its fact sheet, `sheet`.)

use super::{Note, Notes};
use crate::kb::error::ApiResult;
use crate::kb::visibility::CitationTarget;
use crate::kb::{RecordKind, read};
use askama::Template;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "record.html")]
pub struct Record {
    pub name: String,
    /// One line for link previews and search engines.
    pub description: String,
    pub kind: String,
    pub link: String,
    /// The program it belongs to (name, sheet).
    pub program: Option<(String, String)>,
    pub revision: Option<i64>,
    pub updated: Option<String>,
    /// What the record says: (label, text, link).
    pub rows: Vec<(&'static str, String, Option<String>)>,
    /// The footnote numbers of the record's citations (all of them support the record).
    pub refs: Vec<usize>,
    /// Whether the record is a fact that sources support (a source or a person is not).
    pub citable: bool,
    pub notes: Vec<Note>,
    pub cite_as: String,
    pub json_ld: String,
}

/// The schema.org properties a page shows, in order, with their labels; a property that holds
/// an object shows its `name`.
const SHOWN: [(&str, &str); 14] = [
    ("description", "Description"),
    ("text", "What was said"),
    ("creator", "Said by"),
    ("dateCreated", "Said on"),
    ("price", "Amount"),
    ("priceCurrency", "Currency"),
    ("validFrom", "Applies from"),
    ("validThrough", "Applies until"),
    ("startDate", "Date"),
    ("publisher", "Publisher"),
    ("affiliation", "Affiliation"),
    ("jobTitle", "Role"),
    ("inLanguage", "Language"),
    ("sameAs", "Web address"),
];

/// A property's value in words: text as it is, a number, an object's name (and its
/// affiliation's, for a speaker).
fn shown(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => {
            let name = o.get("name").and_then(Value::as_str)?;
            Some(
                match o
                    .get("affiliation")
                    .and_then(|a| a.get("name"))
                    .and_then(Value::as_str)
                {
                    Some(affiliation) => format!("{name} ({affiliation})"),
                    None => name.to_owned(),
                },
            )
        }
        _ => None,
    }
}

/// The page of the record `id` of `kind` from its JSON-LD `ld` (`routes::permalink`).
pub async fn build(
    db: &sea_orm::DatabaseConnection,
    kind: RecordKind,
    id: i32,
    ld: &Value,
    json_ld: String,
) -> ApiResult<Record> {
    let text = |key: &str| ld.get(key).and_then(Value::as_str).map(str::to_owned);
    let rows = SHOWN
        .iter()
        .filter_map(|(key, label)| {
            let value = shown(ld.get(*key)?)?;
            let link = (*key == "sameAs" && value.starts_with("http")).then(|| value.clone());
            Some((*label, value, link))
        })
        .collect();
    let target = match kind {
        RecordKind::Requirement => Some(CitationTarget::Requirement),
        RecordKind::Fee => Some(CitationTarget::Fee),
        RecordKind::PolicyEvent => Some(CitationTarget::PolicyEvent),
        RecordKind::Commentary => Some(CitationTarget::Commentary),
        _ => None,
    };
    let mut notes = Notes::default();
    let mut sources = HashMap::new();
    let mut refs = Vec::new();
    if let Some(target) = target {
        let cited: Vec<_> = read::cited_sources(db, target, [id])
            .await?
            .into_iter()
            .map(|(c, s)| {
                sources.insert(s.id, Arc::new(s));
                Arc::new(c)
            })
            .collect();
        refs = notes.refs(&cited);
    }
    let program = ld.get("subjectOf").and_then(|p| {
        Some((
            p.get("name")?.as_str()?.to_owned(),
            p.get("url")?.as_str()?.to_owned(),
        ))
    });
    let kind_words = super::words(kind.table());
    let description = ["description", "text"]
        .iter()
        .find_map(|key| text(key))
        .map(|d| crate::kb::values::short_title(&d, 200))
        .unwrap_or_else(|| format!("A {kind_words} in visa-kb, with its sources."));
    Ok(Record {
        name: text("name").unwrap_or_else(|| kind.stored_name().to_owned()),
        description,
        kind: kind_words,
        link: text("url").unwrap_or_default(),
        program,
        revision: ld.get("version").and_then(Value::as_i64),
        updated: text("dateModified").map(|d| d.chars().take(10).collect()),
        rows,
        refs,
        citable: target.is_some(),
        notes: notes.into_notes(&sources),
        cite_as: text("creditText").unwrap_or_default(),
        json_ld,
    })
}

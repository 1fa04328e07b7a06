//! Importing content: the visa-kb format and adapters for the datasets we seed from.
//!
//! One code path for everything: the start-up seed, `visa-kb import FILE` and tests all call
//! [`import_json`], which recognises the format, converts it to a [`document::Document`] and
//! writes it in one transaction.

mod apply;
pub mod document;
mod globenomad;
mod research;

use sea_orm::{DatabaseConnection, DbErr};
use serde::Serialize;

pub use apply::{import_document, import_documents};

/// Why an import changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not JSON, or not in a format we know.
    #[error("{0}")]
    Format(String),
    /// One record is wrong; `record` and `field` say where.
    #[error("{record}: field `{field}`: {message}")]
    Invalid {
        record: String,
        field: String,
        message: String,
    },
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

/// The revision writer's failures are the database's (or a snapshot that did not serialise).
impl From<crate::kb::error::ApiError> for ImportError {
    fn from(err: crate::kb::error::ApiError) -> Self {
        match err {
            crate::kb::error::ApiError::Internal(detail) => Self::Db(DbErr::Custom(detail)),
            other => Self::Format(format!("{other:?}")),
        }
    }
}

/// What an import wrote.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ImportReport {
    /// Rows inserted.
    pub created: usize,
    /// Existing rows whose values changed.
    pub updated: usize,
    pub programs: usize,
    pub sources: usize,
    pub events: usize,
    pub commentaries: usize,
    pub citations: usize,
}

/// Curation that goes with a research file (see `data/README.md`).
pub type ResearchCuration = research::Curation;

/// Imports one JSON file in any supported format:
/// - the visa-kb format (`{"format": "visa-kb/v1", ...}`);
/// - programs research notes (a JSON array of programs with `official_name`), which need their
///   curation file (`curation`, the JSON of `*.curation.json`);
/// - the GlobeNomad Visa Dataset (`{"dataset": "GlobeNomad Visa Dataset", ...}`).
pub async fn import_json(
    db: &DatabaseConnection,
    json: &str,
    curation: Option<&str>,
) -> Result<ImportReport, ImportError> {
    import_document(db, parse_json(json, curation)?).await
}

/// Refuses text a database cannot hold (`kb::values::check_storable`: NUL) anywhere in the
/// file, naming where, before anything is read into records: PostgreSQL would otherwise refuse
/// it as a database error, and SQLite would store it.
fn storable(value: &serde_json::Value, at: &str) -> Result<(), ImportError> {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            let (record, field) = at.rsplit_once('.').unwrap_or(("", at));
            crate::kb::values::check_storable(field, text).map_err(|e| ImportError::Invalid {
                record: record.to_owned(),
                field: field.to_owned(),
                message: match e {
                    crate::kb::error::ApiError::BadUserInput { message, .. } => message,
                    other => format!("{other:?}"),
                },
            })
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| storable(v, &format!("{at}[{i}]"))),
        Value::Object(members) => members.iter().try_for_each(|(k, v)| {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            storable(v, &path)
        }),
        _ => Ok(()),
    }
}

/// Reads any supported format into an import document, without touching the database.
pub fn parse_json(json: &str, curation: Option<&str>) -> Result<document::Document, ImportError> {
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| ImportError::Format(format!("not valid JSON: {e}")))?;
    storable(&value, "")?;
    let doc = if value.get("format").is_some() {
        serde_json::from_value(value)
            .map_err(|e| ImportError::Format(format!("not a valid visa-kb/v1 document: {e}")))?
    } else if value.get("dataset").and_then(|d| d.as_str()) == Some(globenomad::DATASET) {
        globenomad::convert(value)?
    } else if value
        .as_array()
        .is_some_and(|a| a.first().is_some_and(|p| p.get("official_name").is_some()))
    {
        let curation = curation.ok_or_else(|| {
            ImportError::Format(
                "research notes need their curation file (FILE.curation.json next to FILE)"
                    .to_owned(),
            )
        })?;
        research::convert(value, curation)?
    } else {
        return Err(ImportError::Format(
            "unknown format: expected a visa-kb/v1 document, research notes or the GlobeNomad dataset".to_owned(),
        ));
    };
    Ok(doc)
}

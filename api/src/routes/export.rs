//! `GET /export/programs.csv` and `GET /export/programs.json`: every published program matching
//! the filters, one row each, with its key facts, current fees and the URLs of the sources behind
//! each fact. Filters are query parameters with the import format's spellings, comma-separated:
//! `?country=CN,US&category=talent&employer_sponsorship=no&text=visa&not_verified_since=2026-01-01`.

use crate::kb::error::ApiError;
use crate::kb::programs::{Order, ProgramQuery};
use crate::kb::sheet::{self, Facts};
use crate::kb::values::{check_storable, parse_day};
use crate::kb::{lists, read};
use actix_web::{HttpResponse, http::header, web};
use chrono::{NaiveDate, Utc};
use entity::{program, source};
use futures::StreamExt;
use sea_orm::{DatabaseConnection, QuerySelect};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The sheet's attributes that get columns, with their column names (`current_fees`' sources
/// are `fees_sources`).
const COLUMNS: [(&str, &str); 9] = [
    ("status", "legal_status"),
    ("inForceOn", "in_force_on"),
    ("employerSponsorship", "employer_sponsorship"),
    ("workAuthorization", "work_authorization"),
    ("prPath", "pr_path"),
    ("entries", "entries"),
    ("validity", "validity"),
    ("maxStay", "max_stay"),
    ("currentFees", "current_fees"),
];

/// Where a column's sources go: `<key>_sources` in CSV, `sources.<key>` in JSON.
fn sources_key(column: &str) -> &str {
    if column == "current_fees" {
        "fees"
    } else {
        column
    }
}

/// One exported program: each value as the program's sheet (`kb::sheet`) shows it, with its
/// state, its note and when a source last verified it, so an export never shows as known what
/// the API shows as unverified or unconfirmed.
#[derive(Debug, Serialize)]
pub struct ExportRow {
    slug: String,
    name: String,
    local_name: Option<String>,
    country: String,
    category: String,
    /// Each column's value in words; absent when unknown.
    #[serde(flatten)]
    values: BTreeMap<String, Option<String>>,
    /// Each column's state: KNOWN, UNVERIFIED, UNCONFIRMED or UNKNOWN.
    state: BTreeMap<String, &'static str>,
    /// Why a value is unknown or unconfirmed, per column, where there is a note.
    notes: BTreeMap<String, String>,
    /// When a source last verified each column's value (at the source's precision).
    last_verified: BTreeMap<String, String>,
    /// Source URLs per column (`program` for the record as a whole, `fees` for current fees);
    /// a source without a URL is named by title and kind.
    sources: BTreeMap<String, Vec<String>>,
    /// Credit lines the sources' licences ask for (e.g. CC BY).
    attribution: Vec<String>,
}

/// Turns query parameters into a program filter; a bad value names its parameter.
pub(crate) fn filter_from(params: &HashMap<String, String>) -> Result<ProgramQuery, ApiError> {
    fn list<T: serde::de::DeserializeOwned>(
        params: &HashMap<String, String>,
        key: &str,
    ) -> Result<Option<Vec<T>>, ApiError> {
        params
            .get(key)
            .map(|v| {
                v.split(',')
                    .map(|item| {
                        serde_json::from_value(serde_json::Value::String(item.trim().to_owned()))
                            .map_err(|_| {
                                ApiError::bad_input(key, format!("`{item}` is not a valid {key}"))
                            })
                    })
                    .collect()
            })
            .transpose()
    }
    fn day(params: &HashMap<String, String>, key: &str) -> Result<Option<NaiveDate>, ApiError> {
        params.get(key).map(|v| parse_day(key, v)).transpose()
    }
    for (key, value) in params {
        check_storable(key, value)?;
    }
    if let Some(unknown) = params.keys().find(|k| {
        ![
            "country",
            "category",
            "legal_status",
            "employer_sponsorship",
            "work_authorization",
            "pr_path",
            "text",
            "verified_since",
            "not_verified_since",
        ]
        .contains(&k.as_str())
    }) {
        return Err(ApiError::bad_input(
            unknown,
            format!("unknown filter `{unknown}`"),
        ));
    }
    Ok(ProgramQuery {
        country: params
            .get("country")
            .map(|c| c.split(',').map(|c| c.trim().to_uppercase()).collect()),
        category: list(params, "category")?,
        legal_status: list(params, "legal_status")?,
        employer_sponsorship: list(params, "employer_sponsorship")?,
        work_authorization: list(params, "work_authorization")?,
        pr_path: list(params, "pr_path")?,
        text: params.get("text").cloned(),
        verified_since: day(params, "verified_since")?,
        not_verified_since: day(params, "not_verified_since")?,
        ..ProgramQuery::default()
    })
}

/// How an export names a source: its URL, or its title and kind when it has none.
fn reference(s: &source::Model) -> String {
    match &s.url {
        Some(url) => url.clone(),
        None => format!(
            "{} [{}, no URL]",
            s.title,
            s.kind.as_str().replace('_', " ")
        ),
    }
}

/// Programs read and written per batch: what one export holds in memory at a time, however
/// many programs it has.
const BATCH: usize = 500;

/// The matching programs' ids, in the list's reading order.
async fn ids(db: &DatabaseConnection, filter: ProgramQuery) -> Result<Vec<i32>, ApiError> {
    let today = Utc::now().date_naive();
    let select = filter.apply(lists::programs(), today)?;
    Ok(Order::default()
        .ordering(db.get_database_backend())
        .sort(select)
        .select_only()
        .column(program::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// The rows of the programs `ids`, in that order.
async fn rows(db: &DatabaseConnection, ids: &[i32]) -> Result<Vec<ExportRow>, ApiError> {
    // Exports show no requirements: they are not read.
    let mut sheets: HashMap<i32, Facts> =
        read::sheets_without_requirements(db, ids.iter().copied())
            .await?
            .into_iter()
            .map(|f| (f.program.id, f))
            .collect();
    let mut out = Vec::with_capacity(ids.len());
    // In the list's order (the sheets come back by id).
    for f in ids.iter().filter_map(|id| sheets.remove(id)) {
        let sheet = sheet::sheet(&f, None);
        let mut row = ExportRow {
            slug: f.program.slug.clone(),
            name: f.program.name.clone(),
            local_name: f.program.local_name.clone(),
            country: f.program.country.clone(),
            category: f.program.category.as_str(),
            values: BTreeMap::new(),
            state: BTreeMap::new(),
            notes: BTreeMap::new(),
            last_verified: BTreeMap::new(),
            sources: BTreeMap::new(),
            attribution: Vec::new(),
        };
        let mut attribution = BTreeSet::new();
        let mut add = |key: &str, citations: &[Arc<entity::citation::Model>]| {
            for s in citations.iter().filter_map(|c| f.sources.get(&c.source_id)) {
                let refs = row.sources.entry(key.to_owned()).or_default();
                let r = reference(s);
                if !refs.contains(&r) {
                    refs.push(r);
                }
                if let Some(a) = &s.attribution {
                    attribution.insert(a.clone());
                }
            }
        };
        let whole: Vec<_> = f
            .program_citations
            .iter()
            .filter(|c| c.field.is_none())
            .cloned()
            .collect();
        add("program", &whole);
        for (attribute, column) in COLUMNS {
            let Some(v) = sheet.iter().find(|v| v.attribute == attribute) else {
                continue;
            };
            add(sources_key(column), &v.cell.citations);
            row.values.insert(column.to_owned(), v.cell.value.clone());
            row.state.insert(column.to_owned(), v.cell.state.as_str());
            if let Some(note) = &v.cell.note {
                row.notes.insert(column.to_owned(), note.clone());
            }
            if let Some(d) = v.cell.last_verified {
                row.last_verified.insert(column.to_owned(), d.to_text());
            }
        }
        row.attribution = attribution.into_iter().collect();
        out.push(row);
    }
    Ok(out)
}

/// How an export is written: its opening, its rows batch by batch, its end.
#[derive(Clone, Copy)]
enum Format {
    Json,
    Csv,
}

impl Format {
    fn head(self) -> Vec<u8> {
        match self {
            Self::Json => b"[".to_vec(),
            Self::Csv => csv_head(),
        }
    }

    /// `rows`, the first of the export when `first`.
    fn rows(self, rows: &[ExportRow], first: bool) -> Result<Vec<u8>, ApiError> {
        match self {
            Self::Json => {
                let mut out = Vec::new();
                for (i, row) in rows.iter().enumerate() {
                    if !(first && i == 0) {
                        out.push(b',');
                    }
                    serde_json::to_writer(&mut out, row)
                        .map_err(|e| ApiError::Internal(format!("json export: {e}")))?;
                }
                Ok(out)
            }
            Self::Csv => csv_rows(rows).map_err(|e| ApiError::Internal(format!("csv export: {e}"))),
        }
    }

    fn tail(self) -> Vec<u8> {
        match self {
            Self::Json => b"]".to_vec(),
            Self::Csv => Vec::new(),
        }
    }
}

/// Answers an export: the filter and the first batch are read before the answer starts, so a
/// bad filter or an unavailable database still gets its status (400, 503); the rest is read
/// and sent a batch at a time. A failure after the start is logged and ends the body early.
async fn export(
    db: web::Data<DatabaseConnection>,
    params: &HashMap<String, String>,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    let ids = ids(&db, filter_from(params)?).await?;
    let first = rows(&db, &ids[..ids.len().min(BATCH)]).await?;
    let mut body = format.head();
    body.extend(format.rows(&first, true)?);
    let db = db.into_inner();
    let rest: Vec<Vec<i32>> = ids.chunks(BATCH).skip(1).map(<[i32]>::to_vec).collect();
    let batches = futures::stream::iter(rest).then(move |chunk| {
        let db = db.clone();
        async move {
            let rows = rows(&db, &chunk).await?;
            format.rows(&rows, false)
        }
    });
    let stream = futures::stream::once(async move { Ok(body) })
        .chain(batches)
        .chain(futures::stream::once(async move { Ok(format.tail()) }))
        .map(|part: Result<Vec<u8>, ApiError>| {
            part.map(web::Bytes::from).map_err(|e| {
                tracing::error!(error = ?e, "export failed after its answer started");
                actix_web::error::ErrorInternalServerError("export interrupted")
            })
        });
    let mut response = HttpResponse::Ok();
    match format {
        Format::Json => response.content_type("application/json"),
        Format::Csv => response
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"programs.csv\"",
            )),
    };
    Ok(response.streaming(stream))
}

/// `GET /export/programs.json`: a JSON array, streamed.
pub async fn json(
    db: web::Data<DatabaseConnection>,
    params: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    export(db, &params, Format::Json)
        .await
        .unwrap_or_else(|e| super::error::response(e, "export"))
}

/// `GET /export/programs.csv`: UTF-8 with a byte-order mark (so spreadsheets read the accents
/// and CJK names right), RFC 4180 quoting, lists joined by ` | `; streamed.
pub async fn csv(
    db: web::Data<DatabaseConnection>,
    params: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    export(db, &params, Format::Csv)
        .await
        .unwrap_or_else(|e| super::error::response(e, "export"))
}

/// A cell a spreadsheet will not run as a formula (OWASP, CSV injection): text that begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which spreadsheets show
/// as text and do not evaluate. Every other cell is unchanged.
fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The columns: each value, then how far it can be trusted, why, and when a source last
/// verified it; the sources per column; the attribution.
fn source_keys() -> Vec<&'static str> {
    ["program"]
        .into_iter()
        .chain(COLUMNS.iter().map(|(_, c)| sources_key(c)))
        .collect()
}

/// The byte-order mark and the header line.
fn csv_head() -> Vec<u8> {
    let mut headers: Vec<String> = ["slug", "name", "local_name", "country", "category"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for (_, column) in COLUMNS {
        headers.extend([
            column.to_owned(),
            format!("{column}_state"),
            format!("{column}_note"),
            format!("{column}_last_verified"),
        ]);
    }
    headers.extend(source_keys().iter().map(|k| format!("{k}_sources")));
    headers.push("attribution".to_owned());
    let mut buf = "\u{feff}".as_bytes().to_vec();
    // Header names are plain ASCII: nothing to quote or neutralise.
    buf.extend(headers.join(",").into_bytes());
    buf.extend(b"\r\n");
    buf
}

fn csv_rows(rows: &[ExportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut buf = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        let source_keys = source_keys();
        for r in rows {
            let mut record = vec![
                r.slug.clone(),
                r.name.clone(),
                r.local_name.clone().unwrap_or_default(),
                r.country.clone(),
                r.category.clone(),
            ];
            for (_, column) in COLUMNS {
                record.extend([
                    r.values.get(column).cloned().flatten().unwrap_or_default(),
                    r.state
                        .get(column)
                        .map(|s| (*s).to_owned())
                        .unwrap_or_default(),
                    r.notes.get(column).cloned().unwrap_or_default(),
                    r.last_verified.get(column).cloned().unwrap_or_default(),
                ]);
            }
            record.extend(
                source_keys
                    .iter()
                    .map(|k| r.sources.get(*k).map(|u| u.join(" | ")).unwrap_or_default()),
            );
            record.push(r.attribution.join(" | "));
            let cells: Vec<_> = record.iter().map(|cell| neutralised(cell)).collect();
            w.write_record(cells.iter().map(|cell| cell.as_bytes()))?;
        }
        w.flush()?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(slug: &str) -> ExportRow {
        ExportRow {
            slug: slug.to_owned(),
            name: format!("=Name of {slug}"),
            local_name: None,
            country: "CN".to_owned(),
            category: "talent".to_owned(),
            values: BTreeMap::from([("entries".to_owned(), Some("multiple".to_owned()))]),
            state: BTreeMap::from([("entries".to_owned(), "KNOWN")]),
            notes: BTreeMap::new(),
            last_verified: BTreeMap::new(),
            sources: BTreeMap::new(),
            attribution: Vec::new(),
        }
    }

    #[test]
    fn batches_join_into_one_document() {
        let batches = [vec![row("a-1"), row("a-2")], vec![row("a-3")]];
        let json = |format: Format| -> Vec<u8> {
            let mut out = format.head();
            for (i, batch) in batches.iter().enumerate() {
                out.extend(format.rows(batch, i == 0).unwrap_or_default());
            }
            out.extend(format.tail());
            out
        };
        let parsed: serde_json::Value =
            serde_json::from_slice(&json(Format::Json)).unwrap_or_default();
        let slugs: Vec<&str> = parsed
            .as_array()
            .map(|a| a.iter().filter_map(|r| r["slug"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(slugs, ["a-1", "a-2", "a-3"]);
        let csv = json(Format::Csv);
        let text = String::from_utf8(csv).unwrap_or_default();
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let names: Vec<String> = reader
            .records()
            .filter_map(Result::ok)
            .map(|r| r[1].to_owned())
            .collect();
        assert_eq!(names, ["'=Name of a-1", "'=Name of a-2", "'=Name of a-3"]);
    }

    #[test]
    fn formula_cells_are_neutralised_and_others_kept() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+cmd|' /C calc'!A0",
            "-1+1",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(neutralised(cell), format!("'{cell}"), "{cell}");
        }
        for cell in ["K visa", "", "USD 100000", "a=b", "https://x.example/?a=-1"] {
            assert_eq!(neutralised(cell), cell);
        }
    }
}

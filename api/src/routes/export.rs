//! `GET /export/programs.csv` and `GET /export/programs.json`: every published program matching
//! the filters, one row each, with its key facts, current fees and the URLs of the sources behind
//! each fact. Filters are query parameters with the import format's spellings, comma-separated:
//! `?country=CN,US&category=talent&employer_sponsorship=no&text=visa&not_verified_since=2026-01-01`.

use crate::kb::error::ApiError;
use crate::kb::programs::{Order, ProgramQuery};
use crate::kb::sheet::{self, Facts};
use crate::kb::values::check_storable;
use crate::kb::{lists, read};
use actix_web::{HttpResponse, http::header, web};
use chrono::{NaiveDate, Utc};
use entity::{program, source};
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
fn filter_from(params: &HashMap<String, String>) -> Result<ProgramQuery, ApiError> {
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
        params
            .get(key)
            .map(|v| {
                NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
                    ApiError::bad_input(key, format!("`{v}` is not a date (YYYY-MM-DD)"))
                })
            })
            .transpose()
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

async fn rows(db: &DatabaseConnection, filter: ProgramQuery) -> Result<Vec<ExportRow>, ApiError> {
    let today = Utc::now().date_naive();
    let select = filter.apply(lists::programs(), today)?;
    let ids: Vec<i32> = Order::default()
        .ordering(db.get_database_backend())
        .sort(select)
        .select_only()
        .column(program::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut sheets: HashMap<i32, Facts> = read::sheets(db, ids.clone())
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

/// `GET /export/programs.json`
pub async fn json(
    db: web::Data<DatabaseConnection>,
    params: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    match filter_from(&params).map(|f| rows(&db, f)) {
        Ok(fut) => match fut.await {
            Ok(rows) => HttpResponse::Ok().json(rows),
            Err(e) => super::error::response(e, "export"),
        },
        Err(e) => super::error::response(e, "export"),
    }
}

/// `GET /export/programs.csv`: UTF-8 with a byte-order mark (so spreadsheets read the accents
/// and CJK names right), RFC 4180 quoting, lists joined by ` | `.
pub async fn csv(
    db: web::Data<DatabaseConnection>,
    params: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let rows = match filter_from(&params) {
        Ok(filter) => match rows(&db, filter).await {
            Ok(rows) => rows,
            Err(e) => return super::error::response(e, "export"),
        },
        Err(e) => return super::error::response(e, "export"),
    };
    match to_csv(&rows) {
        Ok(body) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"programs.csv\"",
            ))
            .body(body),
        Err(e) => super::error::response(ApiError::Internal(format!("csv: {e}")), "export"),
    }
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

fn to_csv(rows: &[ExportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut buf = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        let mut headers: Vec<String> = ["slug", "name", "local_name", "country", "category"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        // Each value, then how far it can be trusted, why, and when a source last verified it.
        for (_, column) in COLUMNS {
            headers.extend([
                column.to_owned(),
                format!("{column}_state"),
                format!("{column}_note"),
                format!("{column}_last_verified"),
            ]);
        }
        let source_keys: Vec<&str> = ["program"]
            .into_iter()
            .chain(COLUMNS.iter().map(|(_, c)| sources_key(c)))
            .collect();
        headers.extend(source_keys.iter().map(|k| format!("{k}_sources")));
        headers.push("attribution".to_owned());
        w.write_record(&headers)?;
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
    use super::neutralised;

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

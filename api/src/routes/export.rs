//! `GET /export/programs.csv` and `GET /export/programs.json`: every published program matching
//! the filters, one row each, with its key facts, current fees and the URLs of the sources behind
//! each fact. Filters are query parameters with the import format's spellings, comma-separated:
//! `?country=CN,US&category=talent&employer_sponsorship=no&text=visa`.

use crate::kb::error::ApiError;
use crate::kb::fees::Amount;
use crate::kb::programs::{Order, ProgramQuery};
use crate::kb::values::{PartialDate, check_storable};
use crate::kb::visibility::CitationTarget;
use crate::kb::{lists, read};
use actix_web::{HttpResponse, http::header, web};
use chrono::Utc;
use entity::{program, source};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The facts whose sources get a column of their own.
const FACT_FIELDS: [&str; 6] = [
    "legal_status",
    "in_force_on",
    "employer_sponsorship",
    "work_authorization",
    "pr_path",
    "entries",
];

/// One exported program.
#[derive(Debug, Serialize)]
pub struct ExportRow {
    slug: String,
    name: String,
    local_name: Option<String>,
    country: String,
    category: String,
    legal_status: String,
    in_force_on: Option<String>,
    employer_sponsorship: String,
    work_authorization: String,
    pr_path: String,
    entries: String,
    max_stay: Option<String>,
    /// Fees in effect today: `label: amount currency`.
    current_fees: Vec<String>,
    /// Source URLs per fact field (`program` for the record as a whole, `fees` for current fees).
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
        ..ProgramQuery::default()
    })
}

async fn rows(db: &DatabaseConnection, filter: ProgramQuery) -> Result<Vec<ExportRow>, ApiError> {
    let today = Utc::now().date_naive();
    let select = filter.apply(lists::programs(), today)?;
    let programs: Vec<program::Model> = Order::default()
        .ordering(db.get_database_backend())
        .sort(select)
        .all(db)
        .await?;
    let ids: Vec<i32> = programs.iter().map(|p| p.id).collect();
    let fees = read::current_fees(db, ids.clone(), today).await?;
    let program_cites = read::cited_sources(db, CitationTarget::Program, ids).await?;
    let fee_cites = read::cited_sources(db, CitationTarget::Fee, fees.iter().map(|f| f.id)).await?;
    let fee_program: HashMap<i32, i32> = fees.iter().map(|f| (f.id, f.program_id)).collect();

    let mut out = Vec::with_capacity(programs.len());
    for p in programs {
        let mut sources: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut attribution = BTreeSet::new();
        let mut add = |key: &str, s: &source::Model| {
            // A source without a URL (an article known by its title) is named, not dropped.
            let reference = match &s.url {
                Some(url) => url.clone(),
                None => format!(
                    "{} [{}, no URL]",
                    s.title,
                    s.kind.as_str().replace('_', " ")
                ),
            };
            let urls = sources.entry(key.to_owned()).or_default();
            if !urls.contains(&reference) {
                urls.push(reference);
            }
            if let Some(a) = &s.attribution {
                attribution.insert(a.clone());
            }
        };
        for (c, s) in program_cites
            .iter()
            .filter(|(c, _)| c.program_id == Some(p.id))
        {
            match c.field.as_deref() {
                None => add("program", s),
                Some(f) if FACT_FIELDS.contains(&f) => add(f, s),
                Some(_) => {}
            }
        }
        for (_, s) in fee_cites
            .iter()
            .filter(|(c, _)| c.fee_id.and_then(|f| fee_program.get(&f)) == Some(&p.id))
        {
            add("fees", s);
        }
        let current_fees = fees
            .iter()
            .filter(|f| f.program_id == p.id)
            .map(|f| match Amount::of(f) {
                amount @ Amount::Words(_) => format!("{}: {amount} (not one amount)", f.label),
                amount => format!("{}: {amount}", f.label),
            })
            .collect();
        out.push(ExportRow {
            in_force_on: PartialDate::stored(p.in_force_on, p.in_force_precision)
                .map(PartialDate::to_text),
            max_stay: p.max_stay_unit.map(|u| match p.max_stay_value {
                Some(v) => format!("{v} {}", u.as_str()),
                None => u.as_str(),
            }),
            slug: p.slug,
            name: p.name,
            local_name: p.local_name,
            country: p.country,
            category: p.category.as_str(),
            legal_status: p.legal_status.as_str(),
            employer_sponsorship: p.employer_sponsorship.as_str(),
            work_authorization: p.work_authorization.as_str(),
            pr_path: p.pr_path.as_str(),
            entries: p.entries.as_str(),
            current_fees,
            sources,
            attribution: attribution.into_iter().collect(),
        });
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
        let mut headers: Vec<String> = [
            "slug",
            "name",
            "local_name",
            "country",
            "category",
            "legal_status",
            "in_force_on",
            "employer_sponsorship",
            "work_authorization",
            "pr_path",
            "entries",
            "max_stay",
            "current_fees",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let source_keys: Vec<&str> = ["program"]
            .into_iter()
            .chain(FACT_FIELDS)
            .chain(["fees"])
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
                r.legal_status.clone(),
                r.in_force_on.clone().unwrap_or_default(),
                r.employer_sponsorship.clone(),
                r.work_authorization.clone(),
                r.pr_path.clone(),
                r.entries.clone(),
                r.max_stay.clone().unwrap_or_default(),
                r.current_fees.join(" | "),
            ];
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

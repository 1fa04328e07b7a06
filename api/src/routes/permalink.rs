//! Permalinks: `GET /programs/{slug}` and `GET /records/{id}` answer JSON-LD (schema.org) to
//! `Accept: application/ld+json` (and to clients that ask for nothing in particular), and a
//! their pages to browsers. Readers see published records only: a record they saw once and
//! that was withdrawn is 410, anything else 404.

use crate::kb::error::ApiError;
use crate::kb::fees::{is_current, scheduled_end};
use crate::kb::global_id::{self, encode};
use crate::kb::sheet::Facts;
use crate::kb::values::{
    PartialDate, check_storable, e4_to_money, is_slug, partial_date_text, short_title,
};
use crate::kb::visibility::CitationTarget;
use crate::kb::{RecordKind, read, sheet, visibility};
use crate::permalink::{PublicBase, cite_as};
use crate::store::rows;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use entity::{citation, program, source};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use serde_json::{Map, Value, json};

/// The answer for anything readers may not see (or that does not exist).
fn not_found() -> ApiError {
    ApiError::not_found("no published record here")
}

/// The answer for the record `id` of `kind` when readers may not see it now: 410 when they saw
/// it once (`visibility::presence`), else the same 404 as for nothing at all.
async fn unseen(db: &DatabaseConnection, kind: RecordKind, id: i32) -> ApiError {
    match visibility::presence(db, kind, id).await {
        Ok(visibility::Presence::Withdrawn) => ApiError::Gone(
            "this record was published and has since been withdrawn by its editors".to_owned(),
        ),
        Ok(_) => not_found(),
        Err(e) => e.into(),
    }
}

fn text<'a>(row: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    row.get(field).and_then(Value::as_str)
}

/// Drops null members, so that unknown facts are absent rather than asserted.
fn compact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, compact(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(compact).collect()),
        other => other,
    }
}

/// The visible sources cited by a record, as schema.org CreativeWorks.
async fn citations(
    db: &DatabaseConnection,
    target: CitationTarget,
    id: i32,
) -> Result<Vec<Value>, ApiError> {
    let rows = read::cited_sources(db, target, [id]).await?;
    Ok(rows.iter().map(|(c, s)| creative_work(c, s)).collect())
}

/// A citation of the source `s` as a schema.org CreativeWork.
fn creative_work(c: &citation::Model, s: &source::Model) -> Value {
    compact(json!({
        "@type": "CreativeWork",
        "name": s.title,
        "url": s.url,
        "publisher": s.publisher.as_ref().map(|p| json!({ "@type": "Organization", "name": p })),
        // At the precision the source gives (ISO 8601 allows `2025-09`, `2024`).
        "datePublished": PartialDate::stored(s.published_on, s.published_precision)
            .map(PartialDate::to_text),
        "inLanguage": s.language,
        "license": s.licence,
        // The credit line the licence asks for (CC BY: GlobeNomad's attribution).
        "creditText": s.attribution,
        "abstract": c.excerpt,
        "about": c.field,
    }))
}

/// A value of the program's sheet as a schema.org PropertyValue: its value only when it may be
/// shown, and in `description` how far it can be trusted (KNOWN, UNVERIFIED, UNCONFIRMED,
/// UNKNOWN), why, and when a source last verified it.
fn property(v: &sheet::Value) -> Value {
    let mut description = v.cell.state.as_str().to_owned();
    if let Some(note) = &v.cell.note {
        description.push_str(": ");
        description.push_str(note);
    }
    match v.cell.last_verified {
        Some(d) => description.push_str(&format!("; last verified {}", d.to_text())),
        None => description.push_str("; no source"),
    }
    compact(json!({
        "@type": "PropertyValue",
        "propertyID": v.attribute,
        "name": v.label,
        "value": v.cell.value,
        "description": description,
    }))
}

async fn program_ld(
    db: &DatabaseConnection,
    base: &PublicBase,
    p: &program::Model,
) -> Result<Value, ApiError> {
    let facts = read::sheets(db, [p.id])
        .await?
        .into_iter()
        .next()
        .ok_or(not_found())?;
    Ok(program_ld_of(base, &facts))
}

/// The JSON-LD of the program whose sheet is `facts` (its own citations, with their sources,
/// are part of what the sheet read).
fn program_ld_of(base: &PublicBase, facts: &Facts) -> Value {
    let p = &facts.program;
    let link = base.program(&p.slug);
    let today = chrono::Utc::now().date_naive();
    let values = sheet::sheet(facts, None);
    let offers: Vec<Value> = facts
        .fees
        .iter()
        .filter(|f| is_current(f, today))
        .map(|f| {
            compact(json!({
                "@type": "Offer",
                "name": f.label,
                "price": f.amount_e4.map(|e4| e4_to_money(e4).to_string()),
                "priceCurrency": f.currency,
                "validFrom": f.effective_from.map(|d| d.to_string()),
                "validThrough": f.effective_until.map(|d| d.to_string()),
                // Not a known end: a term the sources say is scheduled to run out.
                "description": scheduled_end(f),
            }))
        })
        .collect();
    compact(json!({
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "@id": link,
        "url": link,
        "name": p.name,
        "alternateName": p.local_name,
        "description": p.summary,
        "serviceType": format!("{} visa or permit", p.category.as_str().replace('_', " ")),
        "areaServed": { "@type": "Country", "identifier": p.country },
        "provider": p.administering_authority.as_ref().map(|a| json!({ "@type": "GovernmentOrganization", "name": a })),
        "sameAs": p.official_url,
        "version": p.version,
        "dateModified": p.updated_at.to_rfc3339(),
        "additionalProperty": values
            .iter()
            .filter(|v| v.attribute != "country")
            .map(property)
            .collect::<Vec<_>>(),
        "offers": offers,
        "citation": facts
            .program_citations
            .iter()
            .filter_map(|c| facts.sources.get(&c.source_id).map(|s| creative_work(c, s)))
            .collect::<Vec<_>>(),
        "creditText": cite_as(&p.name, p.version, &link),
    }))
}

async fn record_ld(
    db: &DatabaseConnection,
    base: &PublicBase,
    kind: RecordKind,
    id: i32,
) -> Result<Value, ApiError> {
    let row = rows::fetch(db, kind, id).await?.ok_or(not_found())?;
    let link = base.record(encode(kind, id).as_str());
    let version = row.get("version").and_then(Value::as_i64).unwrap_or(0);
    let program = match row.get("program_id").and_then(Value::as_i64) {
        Some(pid) => Some(read::program(db, i32::try_from(pid).unwrap_or(0)).await?),
        None => None,
    };
    let (ld_type, name, column): (&str, String, Option<CitationTarget>) = match kind {
        RecordKind::Requirement => (
            "Thing",
            format!("{} requirement", text(&row, "kind").unwrap_or_default()),
            Some(CitationTarget::Requirement),
        ),
        RecordKind::Fee => (
            "PriceSpecification",
            text(&row, "label").unwrap_or_default().to_owned(),
            Some(CitationTarget::Fee),
        ),
        RecordKind::PolicyEvent => (
            "Event",
            text(&row, "title").unwrap_or_default().to_owned(),
            Some(CitationTarget::PolicyEvent),
        ),
        RecordKind::Commentary => (
            "Quotation",
            short_title(text(&row, "body").unwrap_or_default(), 80),
            Some(CitationTarget::Commentary),
        ),
        RecordKind::Source => (
            "CreativeWork",
            text(&row, "title").unwrap_or_default().to_owned(),
            None,
        ),
        RecordKind::Person => (
            "Person",
            text(&row, "name").unwrap_or_default().to_owned(),
            None,
        ),
        RecordKind::Citation | RecordKind::Program => {
            ("Thing", kind.stored_name().to_owned(), None)
        }
    };
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": ld_type,
        "@id": link,
        "url": link,
        "name": name,
        "version": version,
        "dateModified": row.get("updated_at"),
        "creditText": cite_as(&name, i32::try_from(version).unwrap_or(0), &link),
        "subjectOf": program.map(|p| {
            let url = base.program(&p.slug);
            json!({ "@type": "GovernmentService", "@id": url, "url": url, "name": p.name })
        }),
    });
    let extra = match kind {
        RecordKind::Requirement => json!({ "description": row.get("description") }),
        RecordKind::Fee => json!({
            "price": row.get("amount_e4").and_then(Value::as_i64).map(|e4| e4_to_money(e4).to_string()),
            "priceCurrency": row.get("currency"),
            "validFrom": row.get("effective_from"),
            "validThrough": row.get("effective_until"),
            "description": row.get("applies_when"),
        }),
        RecordKind::PolicyEvent => json!({
            "startDate": partial_date_text(&row, "occurred_on", "precision"),
            "description": row.get("description"),
        }),
        RecordKind::Commentary => {
            // Who said it: the person (with affiliation) or the named group.
            let person = match row.get("person_id").and_then(Value::as_i64) {
                Some(pid) => {
                    let pid = i32::try_from(pid).unwrap_or(0);
                    rows::fetch(db, RecordKind::Person, pid)
                        .await?
                        .map(|p| (pid, p))
                }
                None => None,
            };
            let speaker = match person {
                Some((pid, person)) => Some(json!({
                    "@type": "Person",
                    "@id": base.record(encode(RecordKind::Person, pid).as_str()),
                    "name": person.get("name"),
                    "affiliation": text(&person, "affiliation").map(|a| json!({ "@type": "Organization", "name": a })),
                    "jobTitle": person.get("role"),
                })),
                None => {
                    text(&row, "group_name").map(|g| json!({ "@type": "Organization", "name": g }))
                }
            };
            json!({
                "text": row.get("body"),
                "creator": speaker.clone(),
                "spokenByCharacter": speaker,
                "dateCreated": partial_date_text(&row, "said_on", "said_precision"),
            })
        }
        RecordKind::Source => {
            json!({ "sameAs": row.get("url"), "publisher": row.get("publisher") })
        }
        RecordKind::Person => {
            json!({ "affiliation": row.get("affiliation"), "jobTitle": row.get("role"), "sameAs": row.get("url") })
        }
        RecordKind::Citation | RecordKind::Program => json!({}),
    };
    if let (Value::Object(ld), Value::Object(extra)) = (&mut ld, extra) {
        ld.extend(extra);
        if let Some(column) = column {
            ld.insert(
                "citation".to_owned(),
                Value::Array(citations(db, column, id).await?),
            );
        }
    }
    Ok(compact(ld))
}

/// A browser, unless the link asks for the JSON-LD itself (`?format=jsonld`, which a link
/// can say and an `Accept` header cannot).
fn wants_html(req: &HttpRequest) -> bool {
    if req.query_string().split('&').any(|p| p == "format=jsonld") {
        return false;
    }
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    accept.contains("text/html") && !accept.contains("application/ld+json")
}

fn respond(req: &HttpRequest, result: Result<Value, ApiError>) -> HttpResponse {
    let mut response = respond_to(req, result);
    // The answer depends on `Accept`: caches must keep the HTML and the JSON-LD apart.
    response.headers_mut().insert(
        header::VARY,
        actix_web::http::header::HeaderValue::from_static("Accept"),
    );
    response
}

fn respond_to(req: &HttpRequest, result: Result<Value, ApiError>) -> HttpResponse {
    match result {
        Ok(ld) => HttpResponse::Ok()
            .content_type("application/ld+json; charset=utf-8")
            .body(ld.to_string()),
        Err(ApiError::NotFound(_)) if wants_html(req) => super::web::not_found(),
        Err(ApiError::Gone(_)) if wants_html(req) => super::web::gone(),
        Err(e) => super::error::response(e, "permalink"),
    }
}

/// The published program at `slug`; 410 when it was withdrawn, else 404.
async fn visible_program(db: &DatabaseConnection, slug: &str) -> Result<program::Model, ApiError> {
    check_storable("slug", slug)?;
    if !is_slug(slug) {
        return Err(not_found());
    }
    if let Some(p) = crate::kb::lists::programs()
        .filter(program::Column::Slug.eq(slug))
        .one(db)
        .await?
    {
        return Ok(p);
    }
    let any = program::Entity::find()
        .select_only()
        .column(program::Column::Id)
        .filter(program::Column::Slug.eq(slug))
        .into_tuple::<i32>()
        .one(db)
        .await?;
    Err(match any {
        Some(id) => unseen(db, RecordKind::Program, id).await,
        None => not_found(),
    })
}

/// A citation file a reference manager imports.
#[derive(Clone, Copy)]
enum CiteFormat {
    Ris,
    CslJson,
}

/// `GET /programs/{slug}/cite.ris`
pub async fn cite_ris(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    config: web::Data<super::state::RequestConfig>,
    slug: web::Path<String>,
) -> HttpResponse {
    cite(req, db, config, slug, CiteFormat::Ris).await
}

/// `GET /programs/{slug}/cite.csl.json`
pub async fn cite_csl_json(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    config: web::Data<super::state::RequestConfig>,
    slug: web::Path<String>,
) -> HttpResponse {
    cite(req, db, config, slug, CiteFormat::CslJson).await
}

/// The program's citation as a download (the sheet's "cite this" box links them).
async fn cite(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    config: web::Data<super::state::RequestConfig>,
    slug: web::Path<String>,
    format: CiteFormat,
) -> HttpResponse {
    let p = match visible_program(&db, &slug).await {
        Ok(p) => p,
        Err(e) => return super::error::response(e, "citation"),
    };
    let link = super::state::public_base(&req, &config).program(&p.slug);
    let citation = crate::permalink::Citation {
        key: format!("visa-kb-{}", p.slug),
        title: &p.name,
        revision: p.version,
        permalink: &link,
        updated: p.updated_at.date_naive(),
        accessed: chrono::Utc::now().date_naive(),
    };
    let (body, mime, extension) = match format {
        CiteFormat::Ris => (citation.ris(), "application/x-research-info-systems", "ris"),
        CiteFormat::CslJson => (
            citation.csl_json().to_string(),
            "application/vnd.citationstyles.csl+json",
            "csl.json",
        ),
    };
    HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"visa-kb-{}.{extension}\"", p.slug),
        ))
        .body(body)
}

/// `GET /programs/{slug}`
pub async fn program(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    config: web::Data<super::state::RequestConfig>,
    slug: web::Path<String>,
) -> HttpResponse {
    let base = super::state::public_base(&req, &config);
    let found = visible_program(&db, &slug).await;
    let p = match found {
        Ok(p) => p,
        Err(e) => return respond(&req, Err(e)),
    };
    if !wants_html(&req) {
        return respond(&req, program_ld(&db, &base, &p).await);
    }
    // A browser gets the fact sheet, with the same JSON-LD embedded.
    // One read of the sheet serves both the page and its embedded JSON-LD.
    let page = async {
        let Some(facts) = read::sheets(db.get_ref(), [p.id]).await?.into_iter().next() else {
            return Ok(None);
        };
        let ld = super::page::embedded_json(&program_ld_of(&base, &facts));
        super::web::sheet::build(&db, &base, &facts, ld)
            .await
            .map(Some)
    }
    .await;
    let mut response = match page {
        Ok(Some(sheet)) => super::web::render(actix_web::http::StatusCode::OK, &sheet),
        Ok(None) => super::web::not_found(),
        Err(e) => respond_to(&req, Err(e)),
    };
    response.headers_mut().insert(
        header::VARY,
        actix_web::http::header::HeaderValue::from_static("Accept"),
    );
    response
}

/// `GET /records/{id}`; a program's record redirects to its `/programs/{slug}`.
pub async fn record(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    config: web::Data<super::state::RequestConfig>,
    id: web::Path<String>,
) -> HttpResponse {
    let base = super::state::public_base(&req, &config);
    let result = async {
        check_storable("id", &id)?;
        let (kind, row) = global_id::decode(&id).ok_or(not_found())?;
        if !visibility::is_visible(db.get_ref(), kind, row).await? {
            return Err(unseen(&db, kind, row).await);
        }
        if kind == RecordKind::Program {
            let p = read::program(db.get_ref(), row).await?;
            return Ok(Err(base.program(&p.slug)));
        }
        Ok(Ok((kind, row, record_ld(&db, &base, kind, row).await?)))
    }
    .await;
    let (kind, row, ld) = match result {
        Ok(Err(location)) => {
            return HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, location))
                .finish();
        }
        Ok(Ok(found)) => found,
        Err(e) => return respond(&req, Err(e)),
    };
    if !wants_html(&req) {
        return respond(&req, Ok(ld));
    }
    // A browser gets the record's page, with the same JSON-LD embedded.
    let embedded = super::page::embedded_json(&ld);
    let mut response = match super::web::record::build(&db, kind, row, &ld, embedded).await {
        Ok(page) => super::web::render(actix_web::http::StatusCode::OK, &page),
        Err(e) => respond_to(&req, Err(e)),
    };
    response.headers_mut().insert(
        header::VARY,
        actix_web::http::header::HeaderValue::from_static("Accept"),
    );
    response
}

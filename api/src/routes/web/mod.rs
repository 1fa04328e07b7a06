//! The web pages journalists read: server-rendered HTML over the domain's read models, readable
//! with JavaScript off. Templates are askama's (`api/templates/`): checked at compile time and
//! escaped by default, so a value can only become markup where a view says it already is.

pub mod changes;
pub mod compare;
pub mod index;
pub mod record;
pub mod search;
pub mod sheet;
pub mod timeline;

use crate::kb::sheet::State;
use crate::kb::values::PartialDate;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use chrono::NaiveDate;
use entity::{citation, source};
use std::collections::HashMap;
use std::sync::Arc;

/// A page handler: `$module::build` over the query's parameters, rendered, or the error's page
/// (`what` names it in the log).
macro_rules! page_handler {
    ($(#[$doc:meta])* $name:ident, $module:ident, $what:literal) => {
        $(#[$doc])*
        pub async fn $name(
            req: actix_web::HttpRequest,
            db: actix_web::web::Data<sea_orm::DatabaseConnection>,
            config: actix_web::web::Data<super::state::RequestConfig>,
            query: actix_web::web::Query<HashMap<String, String>>,
        ) -> HttpResponse {
            let base = super::state::public_base(&req, &config);
            match $module::build(&db, &base, query.into_inner()).await {
                Ok(page) => render(StatusCode::OK, &page),
                Err(e) => error_page(e, $what),
            }
        }
    };
}

page_handler!(
    /// `GET /compare`
    compare, compare, "compare page"
);
page_handler!(
    /// `GET /programs`
    programs, index, "programs page"
);
page_handler!(
    /// `GET /timeline`
    timeline, timeline, "timeline page"
);
page_handler!(
    /// `GET /changes`
    changes, changes, "changes page"
);
page_handler!(
    /// `GET /search`
    search, search, "search page"
);

/// The page for a browser whose request cannot be answered: what went wrong, in words.
#[derive(Template)]
#[template(path = "problem.html")]
struct Problem<'a> {
    heading: &'a str,
    message: &'a str,
}

/// `status` with `page` rendered, under the pages' policy; a template that fails to render is
/// logged and answered as a plain 500.
pub fn render(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(html) => {
            let mut response = super::page::html(html, None);
            *response.status_mut() = status;
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("internal error")
        }
    }
}

/// The HTML 404. A draft gets it too, so that a page cannot tell readers a draft exists.
pub fn not_found() -> HttpResponse {
    render(
        StatusCode::NOT_FOUND,
        &Problem {
            heading: "Nothing published here",
            message: "visa-kb has no published record at this address.",
        },
    )
}

/// The HTML 410, for a record readers saw once that its editors withdrew
/// (`kb::visibility::Presence::Withdrawn`).
pub fn gone() -> HttpResponse {
    render(
        StatusCode::GONE,
        &Problem {
            heading: "Withdrawn",
            message: "visa-kb published a record at this address and its editors have since \
                      withdrawn it, so its facts are no longer shown here.",
        },
    )
}

/// A page's answer to an error of the domain: the HTML 404 and 410, a 400 naming the bad input, and
/// for anything else the one error mapping (logged there, never shown).
pub fn error_page(error: crate::kb::error::ApiError, what: &str) -> HttpResponse {
    use crate::kb::error::ApiError;
    match error {
        ApiError::NotFound(message) => render(
            StatusCode::NOT_FOUND,
            &Problem {
                heading: "Nothing published here",
                message: &message,
            },
        ),
        ApiError::Gone(_) => gone(),
        ApiError::BadUserInput { message, .. } => render(
            StatusCode::BAD_REQUEST,
            &Problem {
                heading: "That cannot be shown",
                message: &message,
            },
        ),
        other => super::error::response(other, what),
    }
}

/// A numbered source, with the passages of it that the page's facts cite.
pub struct Note {
    pub n: usize,
    pub title: String,
    /// The language of the title (BCP 47), when the source gives it.
    pub lang: Option<String>,
    pub publisher: Option<String>,
    pub kind: String,
    pub published: Option<String>,
    pub accessed: Option<String>,
    pub url: Option<String>,
    pub archived_url: Option<String>,
    /// Each distinct passage cited, in the order the page first cites it.
    pub passages: Vec<Passage>,
}

/// What a citation quotes of its source, and how strongly it supports the fact.
#[derive(PartialEq, Eq)]
pub struct Passage {
    pub excerpt: Option<String>,
    pub confidence: Option<String>,
}

/// A stored value in words: `skilled_work` → "skilled work".
pub fn words(stored: &str) -> String {
    stored.replace('_', " ")
}

/// A stored date at its precision.
pub fn date_text(
    date: Option<NaiveDate>,
    precision: Option<entity::enums::DatePrecision>,
) -> Option<String> {
    PartialDate::stored(date, precision).map(PartialDate::to_text)
}

/// Numbers the sources of citations in the order the page first cites them: one note per
/// source, so a source behind many facts is listed once, with each passage the facts quote.
#[derive(Default)]
pub struct Notes {
    numbers: HashMap<i32, usize>,
    /// Per note, its source and the citations it stands for, in the order first seen.
    cited: Vec<(i32, Vec<Arc<citation::Model>>)>,
}

impl Notes {
    /// The note numbers of `citations` (one per source, numbering sources not seen before).
    pub fn refs(&mut self, citations: &[Arc<citation::Model>]) -> Vec<usize> {
        let mut refs: Vec<usize> = Vec::with_capacity(citations.len());
        for c in citations {
            let next = self.cited.len() + 1;
            let n = *self.numbers.entry(c.source_id).or_insert_with(|| {
                self.cited.push((c.source_id, Vec::new()));
                next
            });
            self.cited[n - 1].1.push(c.clone());
            if !refs.contains(&n) {
                refs.push(n);
            }
        }
        refs
    }

    /// The notes, in number order, with the sources the sheets read (`sources`). The numbers
    /// stay those `refs` gave: a citation's source is always among `sources` (the reads keep only
    /// citations of visible sources).
    pub fn into_notes(self, sources: &HashMap<i32, Arc<source::Model>>) -> Vec<Note> {
        self.cited
            .into_iter()
            .enumerate()
            .filter_map(|(i, (source_id, citations))| {
                let s = sources.get(&source_id)?;
                let mut passages: Vec<Passage> = Vec::new();
                for c in citations {
                    let passage = Passage {
                        excerpt: c.excerpt.clone(),
                        confidence: c.confidence.map(|k| words(&k.as_str())),
                    };
                    if !passages.contains(&passage) {
                        passages.push(passage);
                    }
                }
                Some(Note {
                    n: i + 1,
                    title: s.title.clone(),
                    lang: s.language.clone(),
                    publisher: s.publisher.clone(),
                    kind: words(&s.kind.as_str()),
                    published: date_text(s.published_on, s.published_precision),
                    accessed: s.accessed_on.map(|d| d.to_string()),
                    url: s.url.clone(),
                    archived_url: s.archived_url.clone(),
                    passages,
                })
            })
            .collect()
    }
}

/// A value's state in words, also its CSS class.
pub fn state_words(state: State) -> &'static str {
    match state {
        State::Known => "known",
        State::Unverified => "unverified",
        State::Unconfirmed => "unconfirmed",
        State::Unknown => "unknown",
    }
}

/// Rows a list page shows.
pub const PAGE: u64 = 50;

/// A page of `list` in `ordering` after the cursor `after` (checked), and the cursor of the next
/// page when there is one: the API's keyset positions, so a page does not shift as records are
/// published ahead of it.
pub async fn keyset_page(
    db: &sea_orm::DatabaseConnection,
    list: sea_orm::sea_query::SelectStatement,
    ordering: &crate::kb::keyset::Ordering,
    after: Option<&str>,
) -> crate::kb::error::ApiResult<(Vec<sea_orm::QueryResult>, Option<String>)> {
    let (rows, next, _) = page(db, &list, ordering, after, None).await?;
    Ok((rows, next))
}

/// As [`keyset_page`], with the number of all of `list`'s rows, read with the page where it
/// can be (`Ordering::counted_window`; `read_whole`: the list's statement reads every match
/// anyway, as a filter by words does).
pub async fn counted_keyset_page(
    db: &sea_orm::DatabaseConnection,
    list: sea_orm::sea_query::SelectStatement,
    ordering: &crate::kb::keyset::Ordering,
    after: Option<&str>,
    read_whole: bool,
) -> crate::kb::error::ApiResult<(Vec<sea_orm::QueryResult>, Option<String>, i64)> {
    let (rows, next, carried) = page(db, &list, ordering, after, Some(read_whole)).await?;
    let total = match carried {
        Some(n) => n,
        // A page past the end has no row to carry the total.
        None => {
            use sea_orm::sea_query::{Alias, Expr, Query};
            let count = Query::select()
                .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                .from_subquery(list, Alias::new("matching"))
                .to_owned();
            total(db, [count]).await?
        }
    };
    Ok((rows, next, total))
}

/// The page of `list` after the cursor `after`, the cursor of the next page, and with
/// `count` (`Some(read_whole)`) the total the page's rows carry.
async fn page(
    db: &sea_orm::DatabaseConnection,
    list: &sea_orm::sea_query::SelectStatement,
    ordering: &crate::kb::keyset::Ordering,
    after: Option<&str>,
    count: Option<bool>,
) -> crate::kb::error::ApiResult<(Vec<sea_orm::QueryResult>, Option<String>, Option<i64>)> {
    use crate::kb::keyset::Ordering;
    let at = ordering.cursor("after", after)?;
    let window = match count {
        Some(read_whole) => {
            ordering.counted_window(list, at.as_ref(), None, PAGE, false, read_whole)
        }
        None => ordering.window(list, at.as_ref(), None, PAGE, false),
    };
    let (rows, more) = Ordering::read_window(db, &window, PAGE).await?;
    let next = match (more, rows.last()) {
        (true, Some(last)) => Some(ordering.encode(&ordering.position(last)?)),
        _ => None,
    };
    let carried = count.and_then(|_| Ordering::carried_total(&rows));
    Ok((rows, next, carried))
}

/// Query text for `params` (sorted, so that a page has one address), without `after`.
pub fn query_text(params: &HashMap<String, String>) -> String {
    let mut pairs: Vec<(&String, &String)> = params
        .iter()
        .filter(|(k, v)| k.as_str() != "after" && !v.is_empty())
        .collect();
    pairs.sort();
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The link to the page after `cursor` of `path` with the filters `filters` (query text).
pub fn next_link(path: &str, filters: &str, cursor: Option<String>) -> Option<String> {
    cursor.map(|c| {
        let mut next = url::form_urlencoded::Serializer::new(filters.to_owned());
        next.append_pair("after", &c);
        format!("{path}?{}", next.finish())
    })
}

/// The sum of the numbers in column `n` of `counts` (each yields one row): a total counted in
/// parts.
pub async fn total(
    db: &sea_orm::DatabaseConnection,
    counts: impl IntoIterator<Item = sea_orm::sea_query::SelectStatement>,
) -> crate::kb::error::ApiResult<i64> {
    use sea_orm::ConnectionTrait;
    let mut sum = 0;
    for count in counts {
        if let Some(row) = db.query_one(&count).await? {
            sum += row.try_get::<i64>("", "n")?;
        }
    }
    Ok(sum)
}

/// The visible programs `ids`, by id (the programs the rows of a page belong to).
pub async fn programs_by_id(
    db: &sea_orm::DatabaseConnection,
    ids: impl IntoIterator<Item = i32>,
) -> crate::kb::error::ApiResult<HashMap<i32, entity::program::Model>> {
    Ok(crate::kb::read::programs(db, ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// The `program_id` of a record's row, for a record that belongs to a program.
pub fn program_id(row: &serde_json::Map<String, serde_json::Value>) -> Option<i32> {
    row.get("program_id")
        .and_then(serde_json::Value::as_i64)
        .and_then(|id| i32::try_from(id).ok())
}

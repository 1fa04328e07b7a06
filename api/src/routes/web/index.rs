//! `GET /programs`: the published programs, 50 a page by name, with the exports' filters
//! (country, category, legal status, sponsorship, work authorization, path to residence, words)
//! as a form. Each program's key values show their state, as on its sheet.

use super::{state_words, words};
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::keyset::Position;
use crate::kb::programs::Order;
use crate::kb::{lists, read, sheet};
use crate::permalink::PublicBase;
use askama::Template;
use entity::enums::{Category, LegalStatus, PrPath, WorkAuthorization, YesNoUnknown};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ActiveEnum, ConnectionTrait, DatabaseConnection, Iterable, QueryTrait};
use std::collections::HashMap;

/// Programs a page.
const PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "programs.html")]
pub struct Index {
    pub filters: Vec<Filter>,
    pub text: String,
    pub country: String,
    pub total: i64,
    pub programs: Vec<Listed>,
    /// The link to the next page, with the same filters.
    pub next: Option<String>,
    /// The same programs as CSV.
    pub csv: String,
}

/// A `<select>` of the form: its parameter, label and options (value, words, chosen).
pub struct Filter {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<(String, String, bool)>,
}

pub struct Listed {
    pub name: String,
    pub link: String,
    pub country: String,
    pub category: String,
    /// Status, sponsorship and work authorization: (value, state).
    pub values: Vec<(Option<String>, &'static str)>,
}

fn filter<E: ActiveEnum<Value = String> + Iterable>(
    name: &'static str,
    label: &'static str,
    params: &HashMap<String, String>,
) -> Filter {
    let chosen = params.get(name).map(String::as_str).unwrap_or_default();
    Filter {
        name,
        label,
        options: E::iter()
            .map(|v| {
                let value = v.to_value();
                let on = chosen == value;
                (value.clone(), words(&value), on)
            })
            .collect(),
    }
}

/// Query text for `params` (sorted, so that a page has one address), without `after`.
fn query_text(params: &HashMap<String, String>) -> String {
    let mut pairs: Vec<(&String, &String)> = params
        .iter()
        .filter(|(k, v)| k.as_str() != "after" && !v.is_empty())
        .collect();
    pairs.sort();
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The page for the query's filters and `after` cursor.
pub async fn build(
    db: &DatabaseConnection,
    base: &PublicBase,
    mut params: HashMap<String, String>,
) -> ApiResult<Index> {
    // An empty field of the form means no filter.
    params.retain(|_, v| !v.trim().is_empty());
    let after = params.remove("after");
    let query = super::super::export::filter_from(&params)?;
    let today = chrono::Utc::now().date_naive();
    let ordering = Order::default().ordering(db.get_database_backend());
    let list = query.apply(lists::programs(), today)?.into_query();
    let total = {
        let count = Query::select()
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .from_subquery(list.clone(), Alias::new("matching"))
            .to_owned();
        match db.query_one(&count).await? {
            Some(row) => row.try_get::<i64>("", "n")?,
            None => 0,
        }
    };
    let mut page = list;
    ordering.select_keys(&mut page);
    if let Some(cursor) = &after {
        let at: Position = ordering
            .decode(cursor)
            .map_err(|e| ApiError::bad_input("after", format!("`{cursor}` {e}")))?;
        page.cond_where(ordering.after(&at));
    }
    ordering.order(&mut page, false);
    page.limit(PAGE + 1);
    let rows = db.query_all(&page).await?;
    let more = rows.len() as u64 > PAGE;
    let rows = &rows[..rows.len().min(PAGE as usize)];
    let ids: Vec<i32> = rows
        .iter()
        .map(|r| r.try_get::<i32>("", "id"))
        .collect::<Result<_, _>>()?;
    let mut sheets: HashMap<i32, sheet::Facts> = read::sheets(db, ids.iter().copied())
        .await?
        .into_iter()
        .map(|f| (f.program.id, f))
        .collect();
    let programs = ids
        .iter()
        .filter_map(|id| sheets.remove(id))
        .map(|f| {
            let values = sheet::sheet(&f, None);
            let pick = |attribute: &str| {
                values
                    .iter()
                    .find(|v| v.attribute == attribute)
                    .map_or((None, "unknown"), |v| {
                        (
                            v.cell.value.as_deref().map(words),
                            state_words(v.cell.state),
                        )
                    })
            };
            Listed {
                name: f.program.name.clone(),
                link: base.program(&f.program.slug),
                country: f.program.country.clone(),
                category: words(&f.program.category.as_str()),
                values: vec![
                    pick("status"),
                    pick("employerSponsorship"),
                    pick("workAuthorization"),
                ],
            }
        })
        .collect();
    let filters_text = query_text(&params);
    let next = match (more, rows.last()) {
        (true, Some(last)) => {
            let cursor = ordering.encode(&ordering.position(last)?);
            let mut next = url::form_urlencoded::Serializer::new(filters_text.clone());
            next.append_pair("after", &cursor);
            Some(format!("/programs?{}", next.finish()))
        }
        _ => None,
    };
    Ok(Index {
        filters: vec![
            filter::<Category>("category", "Category", &params),
            filter::<LegalStatus>("legal_status", "Legal status", &params),
            filter::<YesNoUnknown>("employer_sponsorship", "Employer sponsorship", &params),
            filter::<WorkAuthorization>("work_authorization", "Work authorization", &params),
            filter::<PrPath>("pr_path", "Path to residence", &params),
        ],
        text: params.get("text").cloned().unwrap_or_default(),
        country: params.get("country").cloned().unwrap_or_default(),
        total,
        programs,
        next,
        csv: format!("/export/programs.csv?{filters_text}"),
    })
}

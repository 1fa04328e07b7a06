//! `GET /programs`: the published programs, 50 a page by name, with the exports' filters
//! (country, category, legal status, sponsorship, work authorization, path to residence, words)
//! as a form. Each program's key values show their state, as on its sheet.

use super::{state_words, words};
use crate::kb::error::ApiResult;
use crate::kb::programs::Order;
use crate::kb::{lists, read, sheet};
use crate::permalink::PublicBase;
use askama::Template;
use entity::enums::{Category, LegalStatus, PrPath, WorkAuthorization, YesNoUnknown};
use sea_orm::{ActiveEnum, DatabaseConnection, Iterable, QueryTrait};
use std::collections::HashMap;

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
    let read_whole = query.narrows_by_words();
    let list = query.apply(lists::programs(), today)?.into_query();
    let (rows, cursor, total) =
        super::counted_keyset_page(db, list, &ordering, after.as_deref(), read_whole).await?;
    let ids: Vec<i32> = rows
        .iter()
        .map(|r| r.try_get::<i32>("", "id"))
        .collect::<Result<_, _>>()?;
    let mut sheets: HashMap<i32, sheet::Facts> = read::own_values(db, ids.iter().copied())
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
    let filters_text = super::query_text(&params);
    let next = super::next_link("/programs", &filters_text, cursor);
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

//! A search: every query term must match (as a prefix of an indexed term, so `sponsor` finds
//! `sponsorship`); records are ranked by the summed weight of the matching fields; only records
//! readers may see are found.

use super::text::{is_cjk_term, tokenize};
use crate::kb::RecordKind;
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::keyset::{KeyType, Ordering, SortKey, TOTAL_COLUMN};
use crate::permalink::escape_html;
use entity::search_term::{self, Column as T};
use entity::search_vocab::{self, Column as V};
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, Func, Query, QueryStatementBuilder, SelectStatement,
    SimpleExpr, UnionType,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect,
};

/// The terms in `column` between `term` and the last string that starts with it: a prefix
/// match that uses the index on both backends.
fn prefix<C: ColumnTrait>(term: &str, column: C) -> Condition {
    if is_cjk_term(term) {
        // CJK terms are whole characters or pairs: exact.
        return Condition::all().add(column.eq(term));
    }
    let upper = format!("{term}{}", char::MAX);
    Condition::all().add(column.gte(term)).add(column.lt(upper))
}

/// The records matching every term: rows of (`record_type`, `record_id`, `score`,
/// `TOTAL_COLUMN`), to read in [`ranking`] (a derived table, so that the ranking's keys are
/// plain columns).
///
/// A query of one word is read along the index of the term that most records hold among those
/// the word begins ([`one_word`]): a page costs its own rows however many records hold the
/// word. Other queries, and a word that begins many well-held terms, group every matching
/// posting by record.
pub async fn matches(
    db: &impl ConnectionTrait,
    terms: &[String],
) -> Result<SelectStatement, DbErr> {
    if let [term] = terms {
        let mut named: Vec<(String, i64)> = search_vocab::Entity::find()
            .select_only()
            .column(V::Term)
            .column(V::Records)
            .filter(prefix(term, V::Term))
            .order_by_desc(V::Records)
            .limit(MAX_TERMS + 1)
            .into_tuple()
            .all(db)
            .await?;
        if !named.is_empty() && named.len() <= MAX_TERMS as usize {
            let (main, held) = named.remove(0);
            let rest: Vec<String> = named.iter().map(|(t, _)| t.clone()).collect();
            let in_rest: i64 = named.iter().map(|(_, n)| n).sum();
            if in_rest <= MAX_OTHER_RECORDS {
                let total = if rest.is_empty() {
                    held
                } else {
                    held + only_in_rest(db, &main, &rest).await?
                };
                return Ok(derived(one_word(
                    db.get_database_backend(),
                    &main,
                    total,
                    &rest,
                )));
            }
        }
    }
    Ok(derived(grouped(terms)))
}

/// The most indexed terms one word may begin for [`one_word`] (`visa`: visa, visaguid, visahq).
const MAX_TERMS: u64 = 16;
/// The most records the other terms may hold for [`one_word`]: they are grouped whole.
const MAX_OTHER_RECORDS: i64 = 2_000;

fn derived(hits: SelectStatement) -> SelectStatement {
    Query::select()
        .column(Asterisk)
        .from_subquery(hits, Alias::new("hits"))
        .to_owned()
}

/// The records holding `main` or one of the `rest` of the terms a word begins (`total` of
/// them). A record's score sums its weights over all of them, so:
/// - a record holding none of the rest scores its weight for `main`: those are read along the
///   ranking index of `main`, in order, as far as the page goes;
/// - the few records holding one of the rest are summed one by one, on the postings' key.
fn one_word(backend: DbBackend, main: &str, total: i64, rest: &[String]) -> SelectStatement {
    let holders = || {
        Query::select()
            .column(T::RecordType)
            .column(T::RecordId)
            .from(search_term::Entity)
            .and_where(T::Term.is_in(rest.iter().cloned()))
            .to_owned()
    };
    let mut along_main = Query::select()
        .column(T::RecordType)
        .column(T::RecordId)
        .expr_as(Expr::col(T::Weight), Alias::new("score"))
        .expr_as(Expr::val(total), Alias::new(TOTAL_COLUMN))
        .from(search_term::Entity)
        .and_where(T::Term.eq(main))
        .to_owned();
    if rest.is_empty() {
        return along_main;
    }
    along_main.and_where(
        Expr::tuple([Expr::col(T::RecordType), Expr::col(T::RecordId)]).not_in_subquery(holders()),
    );
    let (holder, posting) = (Alias::new("holder"), Alias::new("posting"));
    let mut all = rest.to_vec();
    all.push(main.to_owned());
    let score = Query::select()
        // The same type as `weight`: PostgreSQL merges the two parts only when they match.
        .expr(Func::sum(Expr::col((posting.clone(), T::Weight))).cast_as(Alias::new("INTEGER")))
        .from_as(search_term::Entity, posting.clone())
        .and_where(Expr::col((posting.clone(), T::Term)).is_in(all))
        .and_where(
            Expr::col((posting.clone(), T::RecordType)).equals((holder.clone(), T::RecordType)),
        )
        .and_where(Expr::col((posting, T::RecordId)).equals((holder.clone(), T::RecordId)))
        .to_owned();
    let mut summed = Query::select()
        .column((holder.clone(), T::RecordType))
        .column((holder.clone(), T::RecordId))
        .expr_as(
            Expr::SubQuery(None, Box::new(score.into_sub_query_statement())),
            Alias::new("score"),
        )
        .expr_as(Expr::val(total), Alias::new(TOTAL_COLUMN))
        .from_subquery(holders().distinct().to_owned(), holder)
        .to_owned();
    if backend == DbBackend::Postgres {
        // Each part in ranking order, so that PostgreSQL merges them and stops at the page's
        // end (without, it sorts every row of `main`: 70 ms against 2 ms at 110,000). SQLite
        // allows no order inside a union, and reads small indexes.
        let ordered = |mut part: SelectStatement, name: &str| {
            part.order_by_expr(Expr::col(Alias::new("score")), Order::Desc)
                .order_by(T::RecordType, Order::Asc)
                .order_by(T::RecordId, Order::Asc);
            Query::select()
                .column(Asterisk)
                .from_subquery(part, Alias::new(name))
                .to_owned()
        };
        along_main = ordered(along_main, "of_main");
        summed = ordered(summed, "of_rest");
    }
    along_main.union(UnionType::All, summed).to_owned()
}

/// How many records hold one of the `rest` of a word's terms but not `main`: the few records
/// of the rest, each looked up on `main`'s key (`OFFSET 0` keeps PostgreSQL from reading all
/// of `main` into a hash instead).
async fn only_in_rest(
    db: &impl ConnectionTrait,
    main: &str,
    rest: &[String],
) -> Result<i64, DbErr> {
    let (other, of_main) = (Alias::new("other"), Alias::new("of_main"));
    let holds_main = Query::select()
        .expr(Expr::val(1))
        .from_as(search_term::Entity, of_main.clone())
        .and_where(Expr::col((of_main.clone(), T::Term)).eq(main))
        .and_where(
            Expr::col((of_main.clone(), T::RecordType)).equals((other.clone(), T::RecordType)),
        )
        .and_where(Expr::col((of_main, T::RecordId)).equals((other.clone(), T::RecordId)))
        .limit(1)
        .offset(0)
        .to_owned();
    let records = Query::select()
        .distinct()
        .column((other.clone(), T::RecordType))
        .column((other.clone(), T::RecordId))
        .from_as(search_term::Entity, other.clone())
        .and_where(Expr::col((other, T::Term)).is_in(rest.iter().cloned()))
        .and_where(Expr::exists(holds_main).not())
        .to_owned();
    let count = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from_subquery(records, Alias::new("others"))
        .to_owned();
    match db.query_one(&count).await? {
        Some(row) => row.try_get("", "n"),
        None => Ok(0),
    }
}

/// Best first: the highest score, then by record type and id.
pub fn ranking() -> Ordering {
    let col = |name: &str| Expr::col(Alias::new(name));
    Ordering::new(
        "search",
        vec![
            SortKey::desc(col("score"), KeyType::Int),
            SortKey::asc(col("record_type"), KeyType::Text),
            SortKey::asc(col("record_id"), KeyType::Int),
        ],
    )
}

fn grouped(terms: &[String]) -> SelectStatement {
    let any = terms
        .iter()
        .fold(Condition::any(), |any, t| any.add(prefix(t, T::Term)));
    // 1 for each query term the record matches; a hit matches them all.
    let matched: SimpleExpr = terms
        .iter()
        .map(|t| {
            SimpleExpr::from(Func::max(
                Expr::case(prefix(t, T::Term), Expr::val(1)).finally(Expr::val(0)),
            ))
        })
        .reduce(|a, b| a.add(b))
        .unwrap_or_else(|| Expr::val(0));
    let n = i32::try_from(terms.len()).unwrap_or(i32::MAX);
    Query::select()
        .column(T::RecordType)
        .column(T::RecordId)
        .expr_as(Func::sum(Expr::col(T::Weight)), Alias::new("score"))
        // Every hit is grouped to be ranked anyway: counting them here (after `HAVING`, before
        // a cursor's conditions) saves a second grouping of every match for `totalCount`.
        .expr_as(Expr::cust("COUNT(*) OVER ()"), Alias::new(TOTAL_COLUMN))
        .from(search_term::Entity)
        // The index holds visible records only (`index_record`): nothing to check here.
        .cond_where(any)
        .group_by_col(T::RecordType)
        .group_by_col(T::RecordId)
        .and_having(matched.eq(n))
        .to_owned()
}

/// Whether an indexed term matches one of the query's terms.
fn hit(term: &str, terms: &[String]) -> bool {
    terms.iter().any(|t| {
        if is_cjk_term(t) {
            term == t
        } else {
            term.starts_with(t.as_str())
        }
    })
}

/// How many of the query's terms occur in `text`.
pub fn matched_terms(text: &str, terms: &[String]) -> usize {
    let tokens = tokenize(text);
    terms
        .iter()
        .filter(|t| {
            tokens
                .iter()
                .any(|tok| hit(&tok.term, std::slice::from_ref(t)))
        })
        .count()
}

/// Characters of context on each side of the first match.
const CONTEXT: usize = 80;

/// The passage of `text` around its first match, HTML-escaped, matches in `<mark>`; None
/// when nothing in it matches.
pub fn snippet(text: &str, terms: &[String]) -> Option<String> {
    let marks: Vec<(usize, usize)> = tokenize(text)
        .into_iter()
        .filter(|t| hit(&t.term, terms))
        .map(|t| (t.start, t.end))
        .collect();
    let first = *marks.first()?;
    // A window of whole characters around the first match.
    let start = text[..first.0]
        .char_indices()
        .rev()
        .nth(CONTEXT)
        .map_or(0, |(i, _)| i);
    let end = text[first.1..]
        .char_indices()
        .nth(CONTEXT * 2)
        .map_or(text.len(), |(i, _)| first.1 + i);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    let mut open_until = 0;
    for (s, e) in marks.into_iter().filter(|(s, e)| *s >= start && *e <= end) {
        if s < open_until {
            // CJK pairs overlap their single characters: extend the open mark.
            if e > open_until {
                out.push_str(&escape_html(&text[open_until..e]));
                open_until = e;
                at = e;
            }
            continue;
        }
        if open_until > 0 {
            out.push_str("</mark>");
        }
        out.push_str(&escape_html(&text[at..s]));
        out.push_str("<mark>");
        out.push_str(&escape_html(&text[s..e]));
        open_until = e;
        at = e;
    }
    if open_until > 0 {
        out.push_str("</mark>");
    }
    out.push_str(&escape_html(&text[at..end]));
    if end < text.len() {
        out.push('…');
    }
    Some(out)
}

/// The query's terms, or None when it has none (only punctuation or stop words).
pub fn terms(query: &str) -> Option<Vec<String>> {
    let terms = super::text::query_terms(query);
    (!terms.is_empty()).then_some(terms)
}

/// The longest query, in characters.
const MAX_QUERY_CHARS: usize = 200;

/// A reader's query (argument or parameter `field`) as terms: at most 200 characters, with at
/// least one word to search for.
pub fn parse(field: &str, query: &str) -> ApiResult<Vec<String>> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_input(
            field,
            format!("a query has at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    terms(query).ok_or_else(|| ApiError::bad_input(field, "the query has no words to search for"))
}

/// The field of a found record's `row` that matches best, and its snippet: the field that
/// matches most of the query's `terms`, then the weightiest (`index::fields_of`).
pub fn best_passage(
    kind: RecordKind,
    row: &serde_json::Map<String, serde_json::Value>,
    terms: &[String],
) -> Option<(&'static str, String)> {
    let text = |field: &str| {
        row.get(field)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
    };
    let mut fields: Vec<&(&'static str, i32)> = super::index::fields_of(kind).iter().collect();
    fields.sort_by_key(|(field, weight)| {
        (
            std::cmp::Reverse(matched_terms(text(field), terms)),
            -weight,
        )
    });
    fields
        .into_iter()
        .find_map(|(field, _)| Some((*field, snippet(text(field), terms)?)))
}

/// Which record type a stored name is.
pub fn kind(name: &str) -> Option<RecordKind> {
    RecordKind::from_stored_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_mark_matches_and_escape_the_rest() {
        let terms = vec!["sponsor".to_owned()];
        assert_eq!(
            snippet("No <employer> sponsorship needed", &terms).unwrap(),
            "No &lt;employer&gt; <mark>sponsorship</mark> needed"
        );
        let terms = vec!["签证".to_owned()];
        assert_eq!(snippet("K字签证", &terms).unwrap(), "K字<mark>签证</mark>");
        assert!(snippet("nothing here", &terms).is_none());
    }
}

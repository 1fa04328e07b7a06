//! A search: every query term must match (as a prefix of an indexed term, so `sponsor` finds
//! `sponsorship`); records are ranked by the summed weight of the matching fields; only records
//! readers may see are found.

use super::text::{is_cjk_term, tokenize};
use crate::kb::RecordKind;
use crate::kb::keyset::{KeyType, Ordering, SortKey, TOTAL_COLUMN};
use crate::permalink::escape_html;
use entity::search_term::{self, Column as T};
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, Func, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ColumnTrait, Condition};

/// The terms between `term` and the last string that starts with it: a prefix match that uses
/// the index on both backends.
fn prefix(term: &str) -> Condition {
    if is_cjk_term(term) {
        // CJK terms are whole characters or pairs: exact.
        return Condition::all().add(T::Term.eq(term));
    }
    let upper = format!("{term}{}", char::MAX);
    Condition::all()
        .add(T::Term.gte(term))
        .add(T::Term.lt(upper))
}

/// The records matching every term: rows of (`record_type`, `record_id`, `score`), to read in
/// [`ranking`] (a derived table, so that the ranking's keys are plain columns).
pub fn matches(terms: &[String]) -> SelectStatement {
    Query::select()
        .column(Asterisk)
        .from_subquery(grouped(terms), Alias::new("hits"))
        .to_owned()
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
        .fold(Condition::any(), |any, t| any.add(prefix(t)));
    // 1 for each query term the record matches; a hit matches them all.
    let matched: SimpleExpr = terms
        .iter()
        .map(|t| {
            SimpleExpr::from(Func::max(
                Expr::case(prefix(t), Expr::val(1)).finally(Expr::val(0)),
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

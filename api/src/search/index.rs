//! Keeping the index in step with the content: each write reindexes its record (records
//! readers may see only) and keeps each term's count of records (`search_vocab`), an import
//! rebuilds the whole index, and a start on a database that has content but no index (after
//! upgrading) builds it.

use super::text::tokenize;
use crate::kb::RecordKind;
use crate::store::rows;
use entity::{program, search_term, search_vocab};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The searchable fields of each type, with how much a match in them counts.
pub const FIELDS: &[(RecordKind, &[(&str, i32)])] = &[
    (
        RecordKind::Program,
        &[
            ("name", 10),
            ("local_name", 10),
            ("summary", 4),
            ("description", 2),
        ],
    ),
    (RecordKind::Requirement, &[("description", 2)]),
    (RecordKind::Commentary, &[("body", 3), ("group_name", 2)]),
    (RecordKind::Source, &[("title", 3), ("publisher", 1)]),
    // Experts and officials by name: a search for a speaker finds them.
    (
        RecordKind::Person,
        &[("name", 8), ("affiliation", 2), ("role", 1)],
    ),
];

/// The searchable fields of `kind` (none for the types search does not cover).
pub fn fields_of(kind: RecordKind) -> &'static [(&'static str, i32)] {
    FIELDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(&[], |(_, fields)| fields)
}

/// Occurrences beyond this do not raise a field's weight further.
const MAX_REPEATS: i32 = 3;

/// The postings of a record: each term once, its weight summed over the fields.
fn terms_of(kind: RecordKind, id: i32, row: &Map<String, Value>) -> Vec<search_term::ActiveModel> {
    let mut weights: BTreeMap<String, i32> = BTreeMap::new();
    for (field, weight) in fields_of(kind) {
        let Some(text) = row.get(*field).and_then(Value::as_str) else {
            continue;
        };
        let mut counts: BTreeMap<String, i32> = BTreeMap::new();
        for token in tokenize(text) {
            *counts.entry(token.term).or_default() += 1;
        }
        for (term, n) in counts {
            *weights.entry(term).or_default() += weight * n.min(MAX_REPEATS);
        }
    }
    weights
        .into_iter()
        .map(|(term, weight)| search_term::ActiveModel {
            term: Set(term),
            record_type: Set(kind.stored_name().to_owned()),
            record_id: Set(id),
            weight: Set(weight),
        })
        .collect()
}

/// Rows per statement: bounded under both backends' parameter limits.
const BATCH: usize = 500;

async fn insert(
    db: &impl ConnectionTrait,
    rows: Vec<search_term::ActiveModel>,
) -> Result<(), DbErr> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(BATCH).collect();
        search_term::Entity::insert_many(batch).exec(db).await?;
    }
    Ok(())
}

/// Adds `delta` records to each term's count in the vocabulary, and forgets terms no record
/// holds any more.
async fn count_terms(db: &impl ConnectionTrait, delta: BTreeMap<String, i64>) -> Result<(), DbErr> {
    let delta: Vec<(String, i64)> = delta.into_iter().filter(|(_, n)| *n != 0).collect();
    for batch in delta.chunks(BATCH) {
        let rows = batch.iter().map(|(term, n)| search_vocab::ActiveModel {
            term: Set(term.clone()),
            records: Set(*n),
        });
        search_vocab::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(search_vocab::Column::Term)
                    .value(
                        search_vocab::Column::Records,
                        Expr::cust("search_vocab.records + excluded.records"),
                    )
                    .to_owned(),
            )
            .exec(db)
            .await?;
        let fewer: Vec<&str> = batch
            .iter()
            .filter(|(_, n)| *n < 0)
            .map(|(term, _)| term.as_str())
            .collect();
        if !fewer.is_empty() {
            search_vocab::Entity::delete_many()
                .filter(search_vocab::Column::Term.is_in(fewer))
                .filter(search_vocab::Column::Records.lte(0))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

/// Counts every term's records again, from the postings.
async fn recount_terms(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    search_vocab::Entity::delete_many().exec(db).await?;
    let counted = Query::select()
        .column(search_term::Column::Term)
        .expr(Expr::cust("COUNT(*)"))
        .from(search_term::Entity)
        .group_by_col(search_term::Column::Term)
        .to_owned();
    let insert = Query::insert()
        .into_table(search_vocab::Entity)
        .columns([search_vocab::Column::Term, search_vocab::Column::Records])
        .select_from(counted)
        .map_err(|e| DbErr::Custom(format!("the vocabulary's insert: {e}")))?
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

/// Reindexes one record: its terms when readers may see it (`kb::visibility`), none
/// otherwise, so a search never has to ask the rule about each of its matches.
pub async fn index_record(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    id: i32,
) -> Result<(), DbErr> {
    if fields_of(kind).is_empty() {
        return Ok(());
    }
    let of_record = || {
        Condition::all()
            .add(search_term::Column::RecordType.eq(kind.stored_name()))
            .add(search_term::Column::RecordId.eq(id))
    };
    let before: Vec<String> = search_term::Entity::find()
        .select_only()
        .column(search_term::Column::Term)
        .filter(of_record())
        .into_tuple()
        .all(db)
        .await?;
    let mut delta: BTreeMap<String, i64> = before.into_iter().map(|t| (t, -1)).collect();
    search_term::Entity::delete_many()
        .filter(of_record())
        .exec(db)
        .await?;
    // The row only when readers may see it: one statement asks both.
    let after = match rows::fetch_visible(db, kind, vec![id]).await?.pop() {
        Some((_, row)) => terms_of(kind, id, &row),
        None => Vec::new(),
    };
    for posting in &after {
        if let Set(term) = &posting.term {
            *delta.entry(term.clone()).or_default() += 1;
        }
    }
    insert(db, after).await?;
    count_terms(db, delta).await
}

/// Rebuilds the whole index from the content readers may see.
pub async fn reindex_all(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    search_term::Entity::delete_many().exec(db).await?;
    for (kind, _) in FIELDS {
        insert(db, visible_terms(db, *kind).await?).await?;
    }
    recount_terms(db).await
}

/// The postings of every record of `kind` readers may see.
async fn visible_terms(
    db: &impl ConnectionTrait,
    kind: RecordKind,
) -> Result<Vec<search_term::ActiveModel>, DbErr> {
    let mut terms = Vec::new();
    for row in rows::fetch_all_visible(db, kind).await? {
        let id = row
            .get("id")
            .and_then(Value::as_i64)
            .and_then(|v| i32::try_from(v).ok())
            .unwrap_or_default();
        terms.extend(terms_of(kind, id, &row));
    }
    Ok(terms)
}

/// Builds the index when the database has programs but no index (a database from before
/// search); replicas starting together take turns on PostgreSQL.
pub async fn ensure_index(db: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7669736173)")
            .await?;
    }
    let empty = search_term::Entity::find().count(&txn).await? == 0;
    if empty && program::Entity::find().count(&txn).await? > 0 {
        reindex_all(&txn).await?;
        tracing::info!("built the search index");
    } else if !empty {
        // A type that became searchable after the index was built (people) is indexed now.
        for (kind, _) in FIELDS {
            let indexed = search_term::Entity::find()
                .filter(search_term::Column::RecordType.eq(kind.stored_name()))
                .count(&txn)
                .await?;
            if indexed > 0 {
                continue;
            }
            let terms = visible_terms(&txn, *kind).await?;
            if !terms.is_empty() {
                insert(&txn, terms).await?;
                recount_terms(&txn).await?;
                tracing::info!(kind = kind.stored_name(), "indexed a newly searchable type");
            }
        }
    }
    txn.commit().await
}

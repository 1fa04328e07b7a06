//! Keeping `search_term` in step with the content: each write reindexes its record (published
//! records only), an import rebuilds the whole index, and a start on a database that has
//! content but no index (after upgrading) builds it.

use super::text::tokenize;
use crate::kb::{RecordKind, visibility};
use crate::store::rows;
use entity::{program, search_term};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, Set, TransactionTrait,
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

fn terms_of(kind: RecordKind, id: i32, row: &Map<String, Value>) -> Vec<search_term::ActiveModel> {
    let mut out = Vec::new();
    for (field, weight) in fields_of(kind) {
        let Some(text) = row.get(*field).and_then(Value::as_str) else {
            continue;
        };
        let mut counts: BTreeMap<String, i32> = BTreeMap::new();
        for token in tokenize(text) {
            *counts.entry(token.term).or_default() += 1;
        }
        out.extend(
            counts
                .into_iter()
                .map(|(term, n)| search_term::ActiveModel {
                    term: Set(term),
                    record_type: Set(kind.stored_name().to_owned()),
                    record_id: Set(id),
                    field: Set((*field).to_owned()),
                    weight: Set(weight * n.min(MAX_REPEATS)),
                    ..Default::default()
                }),
        );
    }
    out
}

async fn insert(
    db: &impl ConnectionTrait,
    rows: Vec<search_term::ActiveModel>,
) -> Result<(), DbErr> {
    // Bounded batches keep every statement under the backends' parameter limits.
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(500).collect();
        search_term::Entity::insert_many(batch).exec(db).await?;
    }
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
    search_term::Entity::delete_many()
        .filter(search_term::Column::RecordType.eq(kind.stored_name()))
        .filter(search_term::Column::RecordId.eq(id))
        .exec(db)
        .await?;
    if !visibility::is_visible(db, kind, id).await? {
        return Ok(());
    }
    let Some(row) = rows::fetch(db, kind, id).await? else {
        return Ok(());
    };
    insert(db, terms_of(kind, id, &row)).await
}

/// Rebuilds the whole index from the content readers may see.
pub async fn reindex_all(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    search_term::Entity::delete_many().exec(db).await?;
    for (kind, _) in FIELDS {
        insert(db, published_terms(db, *kind).await?).await?;
    }
    Ok(())
}

/// The terms of every record of `kind` readers may see.
async fn published_terms(
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
            let terms = published_terms(&txn, *kind).await?;
            if !terms.is_empty() {
                insert(&txn, terms).await?;
                tracing::info!(kind = kind.stored_name(), "indexed a newly searchable type");
            }
        }
    }
    txn.commit().await
}

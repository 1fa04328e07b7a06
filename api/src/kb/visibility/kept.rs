//! The rule's answers, kept where the big reads need them (migration 12). Counting the changes
//! since a year ago, or ranking every record that holds a common word, cannot ask the rule
//! about each of 100,000 rows per request; so each write asks it about the records the write
//! can affect, and keeps the answers:
//! - on each public revision, whether its record is visible now (`revision.visible`), which the
//!   change list reads on its index;
//! - per day and record type, how many of those revisions are visible (`change_tally`), which
//!   a count of changes sums.
//!
//! The rule stays [`super::condition`]: this module only evaluates it. A write to a record can
//! change the visibility of the record and of what hangs from it ([`hanging_from`]); editors'
//! writes refresh those ([`refresh`]) in their transaction, an import rebuilds everything
//! ([`rebuild`]). The search index follows the same records (`search::index_record`).

use super::condition;
use crate::kb::RecordKind;
use crate::kb::kind::with_entity;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{change_tally, citation, revision};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    QueryFilter, QuerySelect, QueryTrait, TransactionTrait,
};
use std::collections::{BTreeMap, HashSet};

/// Ids per statement: bounded under both backends' parameter limits.
const CHUNK: usize = 500;

/// The records whose visibility a write to (`kind`, `id`) can change besides itself: what
/// hangs from it, directly or through a record that hangs from it (the rule's parents, turned
/// around: a program's requirements, fees and events, and their citations; a source's
/// citations and commentary; a person's commentary; a commentary's citations).
pub async fn hanging_from(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    id: i32,
) -> Result<Vec<(RecordKind, Vec<i32>)>, DbErr> {
    let ids_where = |table: RecordKind, column: &str| {
        Query::select()
            .column(Alias::new("id"))
            .from(Alias::new(table.table()))
            .and_where(Expr::col(Alias::new(column)).eq(id))
            .to_owned()
    };
    // The records hanging from this one, and the citations of this one or of them.
    let (children, cited): (Vec<(RecordKind, SelectStatement)>, Vec<SimpleExpr>) = match kind {
        RecordKind::Program => {
            let children = [
                (RecordKind::Requirement, citation::Column::RequirementId),
                (RecordKind::Fee, citation::Column::FeeId),
                (RecordKind::PolicyEvent, citation::Column::PolicyEventId),
            ]
            .map(|(child, column)| (child, column, ids_where(child, "program_id")));
            let mut cited = vec![citation::Column::ProgramId.eq(id)];
            cited.extend(
                children
                    .iter()
                    .map(|(_, c, ids)| c.in_subquery(ids.clone())),
            );
            (children.map(|(child, _, ids)| (child, ids)).into(), cited)
        }
        RecordKind::Source => {
            let said = ids_where(RecordKind::Commentary, "source_id");
            let cited = vec![
                citation::Column::SourceId.eq(id),
                citation::Column::CommentaryId.in_subquery(said.clone()),
            ];
            (vec![(RecordKind::Commentary, said)], cited)
        }
        RecordKind::Person => {
            let said = ids_where(RecordKind::Commentary, "person_id");
            let cited = vec![citation::Column::CommentaryId.in_subquery(said.clone())];
            (vec![(RecordKind::Commentary, said)], cited)
        }
        RecordKind::Requirement
        | RecordKind::Fee
        | RecordKind::PolicyEvent
        | RecordKind::Commentary => {
            let target = super::CitationTarget::ALL
                .into_iter()
                .find(|t| t.kind() == kind)
                .map(super::CitationTarget::column);
            (Vec::new(), target.map(|c| c.eq(id)).into_iter().collect())
        }
        RecordKind::Citation => (Vec::new(), Vec::new()),
    };
    let mut out = Vec::new();
    for (child, ids) in children {
        out.push((child, ids_in(db, &ids).await?));
    }
    if !cited.is_empty() {
        let citations = Query::select()
            .column(citation::Column::Id)
            .from(citation::Entity)
            .cond_where(cited.into_iter().fold(Condition::any(), Condition::add))
            .to_owned();
        out.push((RecordKind::Citation, ids_in(db, &citations).await?));
    }
    Ok(out)
}

/// The ids a one-column statement finds.
async fn ids_in(db: &impl ConnectionTrait, select: &SelectStatement) -> Result<Vec<i32>, DbErr> {
    db.query_all(select)
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i32>(0))
        .collect()
}

/// Asks the rule again about (`kind`, `id`) and what hangs from it, after a write in `db`'s
/// transaction, and keeps the answers. Returns the records it asked about (the search index
/// follows them).
pub async fn refresh(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    id: i32,
) -> Result<Vec<(RecordKind, Vec<i32>)>, DbErr> {
    let mut records = vec![(kind, vec![id])];
    records.extend(hanging_from(db, kind, id).await?);
    for (kind, ids) in &records {
        for chunk in ids.chunks(CHUNK) {
            keep(db, *kind, chunk).await?;
        }
    }
    Ok(records)
}

/// The ids among `ids` of `kind` that the rule shows readers now.
async fn visible_among(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    ids: &[i32],
) -> Result<HashSet<i32>, DbErr> {
    let ids = ids.to_vec();
    with_entity!(kind, E => {
        let found: Vec<i32> = E::find()
            .select_only()
            .column(<E as EntityTrait>::Column::Id)
            .filter(<E as EntityTrait>::Column::Id.is_in(ids))
            .filter(condition(kind))
            .into_tuple()
            .all(db)
            .await?;
        Ok(found.into_iter().collect())
    })
}

/// Keeps the rule's answer for `ids` of `kind` on their public revisions and in the tally.
async fn keep(db: &impl ConnectionTrait, kind: RecordKind, ids: &[i32]) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let visible = visible_among(db, kind, ids).await?;
    let rows: Vec<(i32, i32, DateTime<Utc>, Option<bool>)> = revision::Entity::find()
        .select_only()
        .column(revision::Column::Id)
        .column(revision::Column::RecordId)
        .column(revision::Column::CreatedAt)
        .column(revision::Column::Visible)
        .filter(revision::Column::Public.eq(true))
        .filter(revision::Column::RecordType.eq(kind.stored_name()))
        .filter(revision::Column::RecordId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let (mut shown, mut hidden) = (Vec::new(), Vec::new());
    let mut tally: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for (revision_id, record_id, at, was) in rows {
        let now = visible.contains(&record_id);
        if was == Some(now) {
            continue;
        }
        if now {
            shown.push(revision_id);
            *tally.entry(at.date_naive()).or_default() += 1;
        } else {
            hidden.push(revision_id);
            if was == Some(true) {
                *tally.entry(at.date_naive()).or_default() -= 1;
            }
        }
    }
    for (ids, value) in [(shown, true), (hidden, false)] {
        for chunk in ids.chunks(CHUNK) {
            revision::Entity::update_many()
                .col_expr(revision::Column::Visible, Expr::val(value))
                .filter(revision::Column::Id.is_in(chunk.iter().copied()))
                .exec(db)
                .await?;
        }
    }
    add_to_tally(db, kind, tally).await
}

async fn add_to_tally(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    tally: BTreeMap<NaiveDate, i64>,
) -> Result<(), DbErr> {
    let rows: Vec<change_tally::ActiveModel> = tally
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|(day, n)| change_tally::ActiveModel {
            day: sea_orm::Set(day),
            record_type: sea_orm::Set(kind.stored_name().to_owned()),
            n: sea_orm::Set(n),
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    change_tally::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([change_tally::Column::Day, change_tally::Column::RecordType])
                .value(
                    change_tally::Column::N,
                    Expr::cust("change_tally.n + excluded.n"),
                )
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// The day (UTC) of `revision.created_at`, in SQL: PostgreSQL stores a timestamp, SQLite the
/// RFC 3339 text of a UTC time, which begins with the day.
fn revision_day(backend: DbBackend) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust("CAST(created_at AT TIME ZONE 'UTC' AS DATE)"),
        _ => Expr::cust("SUBSTR(created_at, 1, 10)"),
    }
}

/// Asks the rule about every record with a public revision and rebuilds the tally: after an
/// import, and at start on a database whose revisions were written before the rule's answers
/// were kept. One statement per kind and two for the tally, whatever the size.
pub async fn rebuild(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    for kind in RecordKind::ALL {
        let of_kind = || {
            Condition::all()
                .add(revision::Column::Public.eq(true))
                .add(revision::Column::RecordType.eq(kind.stored_name()))
        };
        let ids = || super::ids(kind);
        revision::Entity::update_many()
            .col_expr(revision::Column::Visible, Expr::val(true))
            .filter(of_kind())
            .filter(
                revision::Column::Visible
                    .ne(true)
                    .or(revision::Column::Visible.is_null()),
            )
            .filter(revision::Column::RecordId.in_subquery(ids()))
            .exec(db)
            .await?;
        revision::Entity::update_many()
            .col_expr(revision::Column::Visible, Expr::val(false))
            .filter(of_kind())
            .filter(
                revision::Column::Visible
                    .ne(false)
                    .or(revision::Column::Visible.is_null()),
            )
            .filter(revision::Column::RecordId.not_in_subquery(ids()))
            .exec(db)
            .await?;
    }
    change_tally::Entity::delete_many().exec(db).await?;
    let day = revision_day(db.get_database_backend());
    let counted = Query::select()
        .expr(day.clone())
        .column(revision::Column::RecordType)
        .expr(Expr::cust("COUNT(*)"))
        .from(revision::Entity)
        .and_where(revision::Column::Public.eq(true))
        .and_where(revision::Column::Visible.eq(true))
        .add_group_by([day, Expr::col(revision::Column::RecordType)])
        .to_owned();
    let insert = Query::insert()
        .into_table(change_tally::Entity)
        .columns([
            change_tally::Column::Day,
            change_tally::Column::RecordType,
            change_tally::Column::N,
        ])
        .select_from(counted)
        .map_err(|e| DbErr::Custom(format!("the tally's insert: {e}")))?
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

/// Rebuilds when a public revision's answer was never kept (a database written before
/// migration 12), found by a probe on the change list's index; replicas starting together take
/// turns on PostgreSQL. Returns whether it rebuilt.
pub async fn ensure(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({REBUILD_LOCK})"))
            .await?;
    }
    let undecided = revision::Entity::find()
        .select_only()
        .column(revision::Column::Id)
        .filter(revision::Column::Public.eq(true))
        .filter(revision::Column::Visible.is_null())
        .into_tuple::<i32>()
        .one(&txn)
        .await?
        .is_some();
    if undecided {
        rebuild(&txn).await?;
    }
    txn.commit().await?;
    Ok(undecided)
}

/// The advisory lock replicas take to rebuild at start ("kept").
const REBUILD_LOCK: i64 = 0x6b65_7074;

/// How many public changes of visible records there are after `since` (of `kinds` when
/// given): whole days from the tally, the rest of `since`'s own day from the change list's
/// index. Two statements, each yielding one row with the number in `n`.
pub fn count_since(since: DateTime<Utc>, kinds: &[RecordKind]) -> [SelectStatement; 2] {
    let day = since.date_naive();
    let next_day = day
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or(since + Duration::days(1));
    let names: Vec<&str> = kinds.iter().map(|k| k.stored_name()).collect();
    let mut whole_days = Query::select()
        .expr_as(
            Expr::cust("CAST(COALESCE(SUM(n), 0) AS BIGINT)"),
            Alias::new("n"),
        )
        .from(change_tally::Entity)
        .and_where(change_tally::Column::Day.gt(day))
        .to_owned();
    let mut rest_of_day = revision::Entity::find()
        .select_only()
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .filter(revision::Column::Public.eq(true))
        .filter(revision::Column::Visible.eq(true))
        .filter(revision::Column::CreatedAt.gt(since))
        .filter(revision::Column::CreatedAt.lt(next_day))
        .into_query();
    if !names.is_empty() {
        whole_days.and_where(change_tally::Column::RecordType.is_in(names.clone()));
        rest_of_day.and_where(revision::Column::RecordType.is_in(names));
    }
    [whole_days, rest_of_day]
}

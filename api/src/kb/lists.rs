//! The public lists of each kind, already narrowed to what readers may see, and their reading
//! orders. Every surface starts from these (and adds its filters), never from `Entity::find()`.
//! A list is read in its [`Ordering`]: a page at a time by key (`keyset`), or whole with
//! [`Ordering::sort`].

use super::keyset::{KeyType, Ordering, SortKey};
use super::kind::RecordKind;
use super::visibility::condition;
use entity::{audit_log, commentary, person, policy_event, program, revision, source};
use sea_orm::sea_query::{Expr, IntoIden};
use sea_orm::{DbBackend, EntityTrait, IdenStatic, QueryFilter, Select};

/// Visible programs (ordered by `programs::Order`).
pub fn programs() -> Select<program::Entity> {
    program::Entity::find().filter(condition(RecordKind::Program))
}

/// Visible sources.
pub fn sources() -> Select<source::Entity> {
    source::Entity::find().filter(condition(RecordKind::Source))
}

/// Visible people.
pub fn people() -> Select<person::Entity> {
    person::Entity::find().filter(condition(RecordKind::Person))
}

/// Visible commentary.
pub fn commentaries() -> Select<commentary::Entity> {
    commentary::Entity::find().filter(condition(RecordKind::Commentary))
}

/// Visible policy events.
pub fn events() -> Select<policy_event::Entity> {
    policy_event::Entity::find().filter(condition(RecordKind::PolicyEvent))
}

/// `table.column`, qualified: list statements hold subqueries over other tables.
pub fn column<E: EntityTrait>(entity: E, column: impl IdenStatic) -> Expr {
    Expr::col((entity.into_iden(), column.into_iden()))
}

/// The table's id, the last key of every order.
fn id<E: EntityTrait>(entity: E, id: impl IdenStatic, descending: bool) -> SortKey {
    SortKey::by(column(entity, id), KeyType::Int, descending)
}

/// Sources: oldest record first.
pub fn sources_order() -> Ordering {
    Ordering::new(
        "sources",
        vec![id(source::Entity, source::Column::Id, false)],
    )
}

/// People: by name, ignoring case and accents.
pub fn people_order(backend: DbBackend) -> Ordering {
    Ordering::new(
        "people",
        vec![
            SortKey::text_bytes("person", "sort_name", backend, false),
            id(person::Entity, person::Column::Id, false),
        ],
    )
}

/// Commentary: oldest statement first, undated last.
pub fn commentaries_order() -> Ordering {
    Ordering::new(
        "commentaries",
        vec![
            SortKey::asc(
                column(commentary::Entity, commentary::Column::SaidOn),
                KeyType::Date,
            )
            .nulls_last(),
            id(commentary::Entity, commentary::Column::Id, false),
        ],
    )
}

/// Policy events: newest first (the timeline).
pub fn events_order() -> Ordering {
    Ordering::new(
        "events",
        vec![
            SortKey::desc(
                column(policy_event::Entity, policy_event::Column::OccurredOn),
                KeyType::Date,
            ),
            id(policy_event::Entity, policy_event::Column::Id, true),
        ],
    )
}

/// Public changes (revisions): newest first.
pub fn changes_order() -> Ordering {
    Ordering::new(
        "changes",
        vec![
            SortKey::desc(
                column(revision::Entity, revision::Column::CreatedAt),
                KeyType::Timestamp,
            ),
            id(revision::Entity, revision::Column::Id, true),
        ],
    )
}

/// The audit log: newest first.
pub fn audit_order() -> Ordering {
    Ordering::new(
        "audit",
        vec![
            SortKey::desc(
                column(audit_log::Entity, audit_log::Column::CreatedAt),
                KeyType::Timestamp,
            ),
            id(audit_log::Entity, audit_log::Column::Id, true),
        ],
    )
}

//! The public lists of each kind, in their default order, already narrowed to what readers may
//! see. Every surface starts from these (and adds its filters), never from `Entity::find()`.

use super::kind::RecordKind;
use super::visibility::condition;
use entity::{commentary, person, policy_event, program, source};
use sea_orm::sea_query::NullOrdering;
use sea_orm::{EntityTrait, Order, QueryFilter, QueryOrder, Select};

/// Visible programs (unordered: the caller orders them).
pub fn programs() -> Select<program::Entity> {
    program::Entity::find().filter(condition(RecordKind::Program))
}

/// Visible sources, by id.
pub fn sources() -> Select<source::Entity> {
    source::Entity::find()
        .filter(condition(RecordKind::Source))
        .order_by_asc(source::Column::Id)
}

/// Visible people, by name.
pub fn people() -> Select<person::Entity> {
    person::Entity::find()
        .filter(condition(RecordKind::Person))
        .order_by_asc(person::Column::Name)
        .order_by_asc(person::Column::Id)
}

/// Visible commentary, oldest statement first (undated last).
pub fn commentaries() -> Select<commentary::Entity> {
    commentary::Entity::find()
        .filter(condition(RecordKind::Commentary))
        .order_by_with_nulls(commentary::Column::SaidOn, Order::Asc, NullOrdering::Last)
        .order_by_asc(commentary::Column::Id)
}

/// Visible policy events, newest first: the timeline.
pub fn events() -> Select<policy_event::Entity> {
    policy_event::Entity::find()
        .filter(condition(RecordKind::PolicyEvent))
        .order_by_desc(policy_event::Column::OccurredOn)
        .order_by_desc(policy_event::Column::Id)
}

//! The `Node` interface and `node(id:)`: any record by its global ID, if readers may see it.

use super::citation::Citation;
use super::commentary::Commentary;
use super::fee::Fee;
use super::ids::{RecordKind, decode_view};
use super::person::Person;
use super::policy_event::PolicyEvent;
use super::program::Program;
use super::requirement::Requirement;
use super::source::Source;
use crate::kb::error::ApiResult;
use crate::kb::visibility;
use async_graphql::{ID, Interface};
use entity::{citation, commentary, fee, person, policy_event, program, requirement, source};
use sea_orm::{Condition, DatabaseConnection, EntityTrait, PrimaryKeyTrait, QueryFilter};

/// Anything with a global ID.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
pub enum Node {
    Program(Program),
    Requirement(Requirement),
    Fee(Fee),
    Source(Source),
    Citation(Citation),
    Person(Person),
    Commentary(Commentary),
    PolicyEvent(PolicyEvent),
}

/// The record `id` names, or `None` when it does not exist or readers may not see it (the one
/// rule: `kb::visibility`).
/// A dated program ID gives the program as it stood on that day.
pub async fn load(db: &DatabaseConnection, id: &ID) -> ApiResult<Option<Node>> {
    let (kind, id, day) = decode_view(id)?;
    let visible = visibility::condition(kind);
    Ok(match kind {
        RecordKind::Program => find::<program::Entity>(db, id, visible)
            .await?
            .map(|m| Node::Program(Program::from(m).seen_on(day))),
        RecordKind::Requirement => find::<requirement::Entity>(db, id, visible)
            .await?
            .map(|m| Node::Requirement(Requirement::from(m))),
        RecordKind::Fee => find::<fee::Entity>(db, id, visible)
            .await?
            .map(|m| Node::Fee(Fee::from(m))),
        RecordKind::PolicyEvent => find::<policy_event::Entity>(db, id, visible)
            .await?
            .map(|m| Node::PolicyEvent(PolicyEvent::from(m))),
        RecordKind::Source => find::<source::Entity>(db, id, visible)
            .await?
            .map(|m| Node::Source(Source::from(m))),
        RecordKind::Person => find::<person::Entity>(db, id, visible)
            .await?
            .map(|m| Node::Person(Person::from(m))),
        RecordKind::Commentary => find::<commentary::Entity>(db, id, visible)
            .await?
            .map(|m| Node::Commentary(Commentary::from(m))),
        RecordKind::Citation => find::<citation::Entity>(db, id, visible)
            .await?
            .map(|m| Node::Citation(Citation::from(m))),
    })
}

async fn find<E>(
    db: &DatabaseConnection,
    id: i32,
    visible: Condition,
) -> ApiResult<Option<E::Model>>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i32>,
{
    Ok(E::find_by_id(id).filter(visible).one(db).await?)
}

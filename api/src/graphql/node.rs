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
use crate::kb::error::{ApiError, ApiResult};
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

/// A row read as JSON (`store::rows`, the `RowOf` loader) as its model.
pub(crate) fn read<M: serde::de::DeserializeOwned>(
    kind: RecordKind,
    row: &serde_json::Map<String, serde_json::Value>,
) -> ApiResult<M> {
    serde_json::from_value(serde_json::Value::Object(row.clone())).map_err(|e| {
        ApiError::Internal(format!(
            "a {} row did not read back: {e}",
            kind.stored_name()
        ))
    })
}

/// The node of a row of `kind` read as JSON (a page of changes reads its records together).
pub(crate) fn from_row(
    kind: RecordKind,
    row: &serde_json::Map<String, serde_json::Value>,
) -> ApiResult<Node> {
    Ok(match kind {
        RecordKind::Program => Node::Program(Program::from(read::<program::Model>(kind, row)?)),
        RecordKind::Requirement => {
            Node::Requirement(Requirement::from(read::<requirement::Model>(kind, row)?))
        }
        RecordKind::Fee => Node::Fee(Fee::from(read::<fee::Model>(kind, row)?)),
        RecordKind::PolicyEvent => {
            Node::PolicyEvent(PolicyEvent::from(read::<policy_event::Model>(kind, row)?))
        }
        RecordKind::Source => Node::Source(Source::from(read::<source::Model>(kind, row)?)),
        RecordKind::Person => Node::Person(Person::from(read::<person::Model>(kind, row)?)),
        RecordKind::Commentary => {
            Node::Commentary(Commentary::from(read::<commentary::Model>(kind, row)?))
        }
        RecordKind::Citation => Node::Citation(Citation::from(read::<citation::Model>(kind, row)?)),
    })
}

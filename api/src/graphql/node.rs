//! The `Node` interface and `node(id:)`: any record by its global ID, if readers may see it.

use super::citation::Citation;
use super::commentary::Commentary;
use super::fee::Fee;
use super::ids::{NodeType, decode};
use super::person::Person;
use super::policy_event::PolicyEvent;
use super::program::Program;
use super::requirement::Requirement;
use super::source::Source;
use crate::error::ApiResult;
use async_graphql::{ID, Interface};
use entity::enums::EditorialState;
use entity::{citation, commentary, fee, person, policy_event, program, requirement, source};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

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

const PUBLISHED: EditorialState = EditorialState::Published;

async fn program_visible(db: &DatabaseConnection, id: i32) -> ApiResult<bool> {
    Ok(program::Entity::find_by_id(id)
        .filter(program::Column::State.eq(PUBLISHED))
        .one(db)
        .await?
        .is_some())
}

/// The record `id` names, or `None` when it does not exist or readers may not see it (a draft,
/// an archived record, or a part of one).
pub async fn load(db: &DatabaseConnection, id: &ID) -> ApiResult<Option<Node>> {
    let (kind, id) = decode(id)?;
    Ok(match kind {
        NodeType::Program => program::Entity::find_by_id(id)
            .filter(program::Column::State.eq(PUBLISHED))
            .one(db)
            .await?
            .map(|m| Node::Program(Program::from(m))),
        NodeType::Requirement => {
            match requirement::Entity::find_by_id(id)
                .filter(requirement::Column::State.eq(PUBLISHED))
                .one(db)
                .await?
            {
                Some(m) if program_visible(db, m.program_id).await? => {
                    Some(Node::Requirement(Requirement::from(m)))
                }
                _ => None,
            }
        }
        NodeType::Fee => match fee::Entity::find_by_id(id)
            .filter(fee::Column::State.eq(PUBLISHED))
            .one(db)
            .await?
        {
            Some(m) if program_visible(db, m.program_id).await? => Some(Node::Fee(Fee::from(m))),
            _ => None,
        },
        NodeType::PolicyEvent => {
            match policy_event::Entity::find_by_id(id)
                .filter(policy_event::Column::State.eq(PUBLISHED))
                .one(db)
                .await?
            {
                Some(m) if program_visible(db, m.program_id).await? => {
                    Some(Node::PolicyEvent(PolicyEvent::from(m)))
                }
                _ => None,
            }
        }
        NodeType::Source => source::Entity::find_by_id(id)
            .filter(source::Column::State.eq(PUBLISHED))
            .one(db)
            .await?
            .map(|m| Node::Source(Source::from(m))),
        NodeType::Person => person::Entity::find_by_id(id)
            .filter(person::Column::State.eq(PUBLISHED))
            .one(db)
            .await?
            .map(|m| Node::Person(Person::from(m))),
        NodeType::Commentary => commentary::Entity::find_by_id(id)
            .filter(commentary::Column::State.eq(PUBLISHED))
            .one(db)
            .await?
            .map(|m| Node::Commentary(Commentary::from(m))),
        NodeType::Citation => {
            let Some(m) = citation::Entity::find_by_id(id)
                .filter(citation::Column::State.eq(PUBLISHED))
                .one(db)
                .await?
            else {
                return Ok(None);
            };
            let source_ok = source::Entity::find_by_id(m.source_id)
                .filter(source::Column::State.eq(PUBLISHED))
                .one(db)
                .await?
                .is_some();
            let program_id = match (m.program_id, m.requirement_id, m.fee_id, m.policy_event_id) {
                (Some(p), ..) => Some(p),
                (_, Some(r), ..) => requirement::Entity::find_by_id(r)
                    .filter(requirement::Column::State.eq(PUBLISHED))
                    .one(db)
                    .await?
                    .map(|r| r.program_id),
                (_, _, Some(f), _) => fee::Entity::find_by_id(f)
                    .filter(fee::Column::State.eq(PUBLISHED))
                    .one(db)
                    .await?
                    .map(|f| f.program_id),
                (_, _, _, Some(e)) => policy_event::Entity::find_by_id(e)
                    .filter(policy_event::Column::State.eq(PUBLISHED))
                    .one(db)
                    .await?
                    .map(|e| e.program_id),
                _ => None,
            };
            let target_ok = match (program_id, m.commentary_id) {
                (Some(p), _) => program_visible(db, p).await?,
                (None, Some(c)) => commentary::Entity::find_by_id(c)
                    .filter(commentary::Column::State.eq(PUBLISHED))
                    .one(db)
                    .await?
                    .is_some(),
                (None, None) => false,
            };
            (source_ok && target_ok).then_some(Node::Citation(Citation::from(m)))
        }
    })
}

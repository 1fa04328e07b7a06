//! `Person`: an expert or official, and the people list filter.

use super::ids::{NodeType, encode};
use super::program::lower_like;
use crate::error::{ApiError, ApiResult};
use async_graphql::{ID, InputObject, Object};
use entity::enums::EditorialState;
use entity::person;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Select};

/// An expert or official whose commentary is recorded.
pub struct Person(pub person::Model);

/// An expert or official whose commentary is recorded.
#[Object]
impl Person {
    /// Opaque global ID, for `node(id:)`.
    pub async fn id(&self) -> ID {
        encode(NodeType::Person, self.0.id)
    }

    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Institution or organisation.
    async fn affiliation(&self) -> Option<&str> {
        self.0.affiliation.as_deref()
    }

    /// Position or role.
    async fn role(&self) -> Option<&str> {
        self.0.role.as_deref()
    }

    /// A page about the person.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
}

/// Which people to list.
#[derive(InputObject, Debug, Default)]
pub struct PersonFilter {
    /// Words in the name or affiliation (case-insensitive substring).
    pub text: Option<String>,
}

impl PersonFilter {
    pub fn apply(self, mut select: Select<person::Entity>) -> ApiResult<Select<person::Entity>> {
        if let Some(text) = self.text {
            let text = text.trim();
            if text.is_empty() || text.chars().count() > 200 {
                return Err(ApiError::bad_input(
                    "filter.text",
                    "must be 1 to 200 characters",
                ));
            }
            select = select.filter(
                Condition::any()
                    .add(lower_like(person::Column::Name, text))
                    .add(lower_like(person::Column::Affiliation, text)),
            );
        }
        Ok(select)
    }
}

/// Published people, by name.
pub fn published_people() -> Select<person::Entity> {
    person::Entity::find()
        .filter(person::Column::State.eq(EditorialState::Published))
        .order_by_asc(person::Column::Name)
        .order_by_asc(person::Column::Id)
}

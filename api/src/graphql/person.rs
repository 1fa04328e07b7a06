//! `Person`: an expert or official, and the people list filter.

use super::ids::{RecordKind, encode};
use crate::kb::error::ApiResult;
use crate::kb::matching::text_condition;
use async_graphql::{ID, InputObject, Object};
use entity::person;
use sea_orm::{QueryFilter, Select};

/// An expert or official whose commentary is recorded.
pub struct Person(pub std::sync::Arc<person::Model>);

impl From<person::Model> for Person {
    fn from(row: person::Model) -> Self {
        Self(std::sync::Arc::new(row))
    }
}

/// An expert or official whose commentary is recorded.
#[Object]
impl Person {
    /// Opaque global ID, for `node(id:)`.
    pub async fn id(&self) -> ID {
        encode(RecordKind::Person, self.0.id)
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
            select = select.filter(text_condition(
                "filter.text",
                &text,
                &[person::Column::Name, person::Column::Affiliation],
            )?);
        }
        Ok(select)
    }
}

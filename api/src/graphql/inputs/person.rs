//! `PersonInput`: an expert or official who is quoted.

use super::{Changes, ContentInput};
use crate::kb::RecordKind;
use crate::kb::error::ApiResult;
use async_graphql::{InputObject, MaybeUndefined};
use sea_orm::DatabaseTransaction;
use serde_json::{Map, Value};

/// A person's fields. Required on create: `name`.
#[derive(InputObject, Default)]
pub struct PersonInput {
    /// Full name.
    pub name: MaybeUndefined<String>,
    /// Institution.
    pub affiliation: MaybeUndefined<String>,
    /// Position, e.g. "Assistant Professor".
    pub role: MaybeUndefined<String>,
    /// A page about them (http or https).
    pub url: MaybeUndefined<String>,
}

impl ContentInput for PersonInput {
    const KIND: RecordKind = RecordKind::Person;

    async fn changes(
        &self,
        _txn: &DatabaseTransaction,
        creating: bool,
    ) -> ApiResult<Map<String, Value>> {
        let mut c = Changes::new(creating);
        c.text("name", "name", &self.name, 300, true)?;
        c.text("affiliation", "affiliation", &self.affiliation, 300, false)?;
        c.text("role", "role", &self.role, 300, false)?;
        c.url("url", "url", &self.url, false)?;
        Ok(c.into_map())
    }
}

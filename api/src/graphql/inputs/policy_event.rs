//! `PolicyEventInput`: one dated step in a program's timeline.

use super::{Changes, ContentInput, reference_field};
use crate::graphql::enums::PolicyEventKind;
use crate::kb::RecordKind;
use crate::kb::error::ApiResult;
use async_graphql::{ID, InputObject, MaybeUndefined};
use entity::enums as db;
use sea_orm::DatabaseTransaction;
use serde_json::{Map, Value};

/// A policy event's fields. Required on create: `programId`, `occurredOn`, `kind`, `title`.
#[derive(InputObject, Default)]
pub struct PolicyEventInput {
    /// The program it concerns.
    pub program_id: MaybeUndefined<ID>,
    /// When: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub occurred_on: MaybeUndefined<String>,
    /// What happened.
    pub kind: MaybeUndefined<PolicyEventKind>,
    /// Headline.
    pub title: MaybeUndefined<String>,
    /// Details.
    pub description: MaybeUndefined<String>,
}

impl ContentInput for PolicyEventInput {
    const KIND: RecordKind = RecordKind::PolicyEvent;

    async fn changes(
        &self,
        txn: &DatabaseTransaction,
        creating: bool,
    ) -> ApiResult<Map<String, Value>> {
        let mut c = Changes::new(creating);
        reference_field(
            &mut c,
            txn,
            ("programId", "program_id"),
            &self.program_id,
            RecordKind::Program,
            true,
        )
        .await?;
        c.partial_date(
            "occurredOn",
            ("occurred_on", "precision"),
            &self.occurred_on,
            true,
        )?;
        c.plain::<_, db::PolicyEventKind>("kind", "kind", &self.kind, true)?;
        c.text("title", "title", &self.title, 300, true)?;
        c.text(
            "description",
            "description",
            &self.description,
            10_000,
            false,
        )?;
        Ok(c.into_map())
    }
}

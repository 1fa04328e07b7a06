//! `CommentaryInput`: a quote or paraphrase about programs.

use super::{Changes, ContentInput, reference, reference_field};
use crate::graphql::enums::{CommentaryKind, Stance};
use crate::kb::RecordKind;
use crate::kb::error::ApiResult;
use async_graphql::{ID, InputObject, MaybeUndefined};
use entity::commentary_program;
use entity::enums as db;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde_json::{Map, Value};

/// A commentary's fields. Required on create: `kind`, `body`, `stance`, and a `personId` or
/// a `groupName`.
#[derive(InputObject, Default)]
pub struct CommentaryInput {
    /// Who said it.
    pub person_id: MaybeUndefined<ID>,
    /// The group that said it when no one person did, e.g. "Chinese officials".
    pub group_name: MaybeUndefined<String>,
    /// Quote or paraphrase.
    pub kind: MaybeUndefined<CommentaryKind>,
    /// What was said (a quote exactly as published).
    pub body: MaybeUndefined<String>,
    /// Its stance towards the program.
    pub stance: MaybeUndefined<Stance>,
    /// When it was said: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub said_on: MaybeUndefined<String>,
    /// Where it was published.
    pub source_id: MaybeUndefined<ID>,
    /// The programs it is about; replaces the current list when given.
    pub program_ids: Option<Vec<ID>>,
}

impl ContentInput for CommentaryInput {
    const KIND: RecordKind = RecordKind::Commentary;

    async fn changes(
        &self,
        txn: &DatabaseTransaction,
        creating: bool,
    ) -> ApiResult<Map<String, Value>> {
        let mut c = Changes::new(creating);
        reference_field(
            &mut c,
            txn,
            ("personId", "person_id"),
            &self.person_id,
            RecordKind::Person,
            false,
        )
        .await?;
        c.text("groupName", "group_name", &self.group_name, 300, false)?;
        c.plain::<_, db::CommentaryKind>("kind", "kind", &self.kind, true)?;
        c.text("body", "body", &self.body, 10_000, true)?;
        c.plain::<_, db::Stance>("stance", "stance", &self.stance, true)?;
        c.partial_date(
            "saidOn",
            ("said_on", "said_precision"),
            &self.said_on,
            false,
        )?;
        reference_field(
            &mut c,
            txn,
            ("sourceId", "source_id"),
            &self.source_id,
            RecordKind::Source,
            false,
        )
        .await?;
        Ok(c.into_map())
    }

    async fn after_write(&self, txn: &DatabaseTransaction, id: i32) -> ApiResult<()> {
        let Some(program_ids) = &self.program_ids else {
            return Ok(());
        };
        let mut rows = Vec::new();
        for program in program_ids {
            let (_, program_id) =
                reference(txn, "programIds", program, &[RecordKind::Program]).await?;
            if !rows.contains(&program_id) {
                rows.push(program_id);
            }
        }
        commentary_program::Entity::delete_many()
            .filter(commentary_program::Column::CommentaryId.eq(id))
            .exec(txn)
            .await?;
        if !rows.is_empty() {
            commentary_program::Entity::insert_many(rows.into_iter().map(|program_id| {
                commentary_program::ActiveModel {
                    commentary_id: Set(id),
                    program_id: Set(program_id),
                }
            }))
            .exec(txn)
            .await?;
        }
        Ok(())
    }
}

//! `CitationInput`: a source supporting one record.

use super::{Changes, ContentInput, reference, reference_field};
use crate::graphql::enums::Confidence;
use crate::kb::RecordKind;
use crate::kb::error::ApiResult;
use async_graphql::{ID, InputObject, MaybeUndefined};
use entity::enums as db;
use sea_orm::DatabaseTransaction;
use serde_json::{Map, Value};

/// The records a citation can support, with their columns.
const TARGETS: [(RecordKind, &str); 5] = [
    (RecordKind::Program, "program_id"),
    (RecordKind::Requirement, "requirement_id"),
    (RecordKind::Fee, "fee_id"),
    (RecordKind::Commentary, "commentary_id"),
    (RecordKind::PolicyEvent, "policy_event_id"),
];

/// A citation's fields. Required on create: `sourceId`, `supports`.
#[derive(InputObject, Default)]
pub struct CitationInput {
    /// The source.
    pub source_id: MaybeUndefined<ID>,
    /// The record it supports: a Program, Requirement, Fee, Commentary or PolicyEvent ID.
    pub supports: MaybeUndefined<ID>,
    /// The field of that record it supports (e.g. `employerSponsorship`), when only one.
    pub field: MaybeUndefined<String>,
    /// The passage of the source that says it.
    pub excerpt: MaybeUndefined<String>,
    /// How strongly it supports the fact; null when unknown.
    pub confidence: MaybeUndefined<Confidence>,
}

impl ContentInput for CitationInput {
    const KIND: RecordKind = RecordKind::Citation;

    async fn changes(
        &self,
        txn: &DatabaseTransaction,
        creating: bool,
    ) -> ApiResult<Map<String, Value>> {
        let mut c = Changes::new(creating);
        reference_field(
            &mut c,
            txn,
            ("sourceId", "source_id"),
            &self.source_id,
            RecordKind::Source,
            true,
        )
        .await?;
        match &self.supports {
            MaybeUndefined::Value(id) => {
                let kinds: Vec<RecordKind> = TARGETS.iter().map(|(k, _)| *k).collect();
                let (kind, row) = reference(txn, "supports", id, &kinds).await?;
                // Exactly one target column is set (a CHECK constraint insists).
                for (target, column) in TARGETS {
                    c.set(column, (target == kind).then_some(row))?;
                }
            }
            other => c.field("supports", "program_id", other, true, |_: ID| {
                Ok(Value::Null)
            })?,
        }
        c.text("field", "field", &self.field, 64, false)?;
        c.text("excerpt", "excerpt", &self.excerpt, 5_000, false)?;
        c.plain::<_, db::Confidence>("confidence", "confidence", &self.confidence, false)?;
        Ok(c.into_map())
    }
}

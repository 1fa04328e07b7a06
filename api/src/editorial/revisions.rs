//! The only writer of revision rows: editors' writes (through the engine) and the importer
//! both append here, so every revision has the same shape whoever made it.

use crate::kb::RecordKind;
use crate::kb::changes;
use crate::kb::error::{ApiError, ApiResult};
use chrono::Utc;
use entity::revision;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::{Map, Value};

/// One write to record in the history.
pub struct Revision<'a> {
    pub kind: RecordKind,
    pub id: i32,
    /// The record's version after the write.
    pub version: i32,
    /// `create`, `update`, `publish`, ..., or `import`.
    pub action: &'a str,
    /// The record's content after the write.
    pub snapshot: &'a Map<String, Value>,
    pub summary: String,
    /// False when the snapshot is a pending draft of a published record, not what readers see.
    pub live: bool,
}

/// Appends `entry`, written by `author` (None: the command line or an import).
pub async fn append(
    db: &impl ConnectionTrait,
    author: Option<i32>,
    entry: Revision<'_>,
) -> ApiResult<()> {
    let public = changes::is_public(entry.action, entry.live, entry.snapshot);
    // A record's first version has no earlier revision to follow (most imported rows).
    let previous_public_id = if public && entry.version > 1 {
        changes::latest_public(db, entry.kind, entry.id).await?
    } else {
        None
    };
    let snapshot = serde_json::to_string(entry.snapshot)
        .map_err(|e| ApiError::Internal(format!("cannot serialise a snapshot: {e}")))?;
    revision::ActiveModel {
        record_type: Set(entry.kind.stored_name().to_owned()),
        record_id: Set(entry.id),
        version: Set(entry.version),
        action: Set(entry.action.to_owned()),
        author_id: Set(author),
        created_at: Set(Utc::now()),
        snapshot: Set(snapshot),
        summary: Set(entry.summary),
        live: Set(entry.live),
        public: Set(public),
        previous_public_id: Set(previous_public_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

//! The editorial operations: create, update, publish, unpublish, archive, restore and
//! restore-a-revision, each with its revision and audit entry.
//!
//! Invariants:
//! - new records start as drafts; readers only ever see `published` rows;
//! - an edit of a published record goes to its pending draft (the `draft` table) and readers
//!   keep seeing the published content until `publish`; only published records have one;
//! - every write names the version the editor saw and bumps it with a conditional UPDATE, so
//!   of two concurrent edits (on any replicas) exactly one wins and the other gets CONFLICT;
//! - every write appends a revision (history is never rewritten) and an audit entry.

use super::revisions::{self, Revision};
use crate::audit::{self, Actor, Target};
use crate::kb::diff::{FieldChange, content, diff};
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::visibility::kept;
use crate::kb::{RecordKind, rules};
use crate::store::rows;
use chrono::Utc;
use entity::enums::EditorialState;
use entity::{draft, revision};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Set, SqlErr,
};
use serde_json::{Map, Value};

/// The write rules of `kind` (`kb::rules`) on the record as it will be after the write.
fn check(kind: RecordKind, record: &Map<String, Value>) -> ApiResult<()> {
    rules::check(kind, record).map_err(|v| ApiError::bad_input(&rules::camel(v.column), v.message))
}

/// A record after a write.
#[derive(Debug, Clone)]
pub struct Saved {
    pub kind: RecordKind,
    pub id: i32,
    pub version: i32,
    pub state: EditorialState,
    /// Whether an unpublished edit is waiting.
    pub has_pending_draft: bool,
    /// What this write changed (empty for a pure state change).
    pub changes: Vec<FieldChange>,
}

/// A change of editorial state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Draft (or published with a pending draft) → published, pending edit applied.
    Publish,
    /// Published → draft: readers stop seeing it.
    Unpublish,
    /// Any state → archived: the delete of a CMS, reversible with `Restore`.
    Archive,
    /// Archived → draft.
    Restore,
    /// Drops the pending edit of a published record: readers never saw it, and the record
    /// stays as they see it (a new version, so that an editor still holding the edit conflicts).
    DiscardDraft,
}

impl Transition {
    fn action(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::Unpublish => "unpublish",
            Self::Archive => "archive",
            Self::Restore => "restore",
            Self::DiscardDraft => "discard_draft",
        }
    }
}

/// The unique column of a type and the input field that sets it.
fn unique_field(kind: RecordKind) -> Option<(&'static str, &'static str)> {
    match kind {
        RecordKind::Program => Some(("slug", "slug")),
        RecordKind::Source => Some(("url", "url")),
        _ => None,
    }
}

/// Turns a unique violation into CONFLICT on the type's unique field; other errors stay
/// internal.
fn db_error(kind: RecordKind, e: DbErr) -> ApiError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            let (_, field) = unique_field(kind).unwrap_or(("", "id"));
            ApiError::taken(
                field,
                format!("another {} already has this {field}", kind.stored_name()),
            )
        }
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => ApiError::bad_input(
            "id",
            "a referenced record does not exist (or was removed meanwhile)",
        ),
        _ => e.into(),
    }
}

async fn check_unique(
    txn: &DatabaseTransaction,
    kind: RecordKind,
    snapshot: &Map<String, Value>,
    id: Option<i32>,
) -> ApiResult<()> {
    if let Some((column, field)) = unique_field(kind)
        && let Some(value) = snapshot.get(column)
        && rows::taken_by_other(txn, kind, column, value, id).await?
    {
        return Err(ApiError::taken(
            field,
            format!("another {} already has this {field}", kind.stored_name()),
        ));
    }
    Ok(())
}

/// The rules that need the database: a citation may not claim more confidence than its source
/// can confirm (`kb::confidence`), as the importer caps it; and a source's kind may not change
/// to one that confirms less than its citations claim (lower them first), so what readers are
/// shown never overclaims.
async fn check_linked(
    txn: &DatabaseTransaction,
    kind: RecordKind,
    snapshot: &Map<String, Value>,
) -> ApiResult<()> {
    if kind == RecordKind::Source {
        let id = snapshot.get("id").and_then(Value::as_i64);
        let source_kind: Option<entity::enums::SourceKind> = snapshot
            .get("kind")
            .cloned()
            .and_then(|v| serde_json::from_value(v).ok());
        if let (Some(id), Some(source_kind)) = (id.and_then(|i| i32::try_from(i).ok()), source_kind)
        {
            let claims: Vec<Option<entity::enums::Confidence>> = entity::citation::Entity::find()
                .filter(entity::citation::Column::SourceId.eq(id))
                .filter(entity::citation::Column::State.ne(EditorialState::Archived))
                .select_only()
                .column(entity::citation::Column::Confidence)
                .into_tuple()
                .all(txn)
                .await?;
            let over = claims
                .iter()
                .filter(|c| crate::kb::confidence::check_claim(**c, source_kind).is_err())
                .count();
            if over > 0 {
                let why = crate::kb::confidence::check_claim(
                    Some(entity::enums::Confidence::Official),
                    source_kind,
                )
                .err()
                .unwrap_or_default();
                return Err(ApiError::bad_input(
                    "kind",
                    format!(
                        "{over} citation(s) of this source claim more: {why}; lower them first"
                    ),
                ));
            }
        }
        return Ok(());
    }
    if kind != RecordKind::Citation {
        return Ok(());
    }
    let claimed: Option<entity::enums::Confidence> = snapshot
        .get("confidence")
        .cloned()
        .and_then(|v| serde_json::from_value(v).ok());
    let source_id = snapshot
        .get("source_id")
        .and_then(Value::as_i64)
        .and_then(|id| i32::try_from(id).ok());
    if let (Some(claimed), Some(source_id)) = (claimed, source_id)
        && let Some(source) = entity::source::Entity::find_by_id(source_id)
            .one(txn)
            .await?
    {
        crate::kb::confidence::check_claim(Some(claimed), source.kind)
            .map_err(|message| ApiError::bad_input("confidence", message))?;
    }
    Ok(())
}

/// The editorial state of a row's snapshot.
fn state_of(snapshot: &Map<String, Value>) -> ApiResult<EditorialState> {
    snapshot
        .get("state")
        .cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| ApiError::Internal("a record without a readable state".to_owned()))
}

fn state_value(state: EditorialState) -> Value {
    Value::from(state.as_str())
}

fn version_of(snapshot: &Map<String, Value>) -> i32 {
    snapshot
        .get("version")
        .and_then(Value::as_i64)
        .and_then(|v| i32::try_from(v).ok())
        .unwrap_or(0)
}

fn now_value() -> Value {
    serde_json::to_value(Utc::now()).unwrap_or(Value::Null)
}

fn summary(action: &str, changes: &[FieldChange]) -> String {
    if changes.is_empty() {
        action.to_owned()
    } else {
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        format!("{action}: {}", fields.join(", "))
    }
}

/// What readers see follows the write, for the record and everything hanging from it
/// (publishing a program shows its published requirements; withdrawing a source hides its
/// citations): the rule's kept answers that the change list counts, and the search index.
async fn follow_visibility(txn: &DatabaseTransaction, kind: RecordKind, id: i32) -> ApiResult<()> {
    for (kind, ids) in kept::refresh(txn, kind, id).await? {
        for id in ids {
            crate::search::index_record(txn, kind, id).await?;
        }
    }
    Ok(())
}

async fn append_revision(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    entry: Revision<'_>,
) -> ApiResult<()> {
    let kind = entry.kind;
    let id = entry.id;
    let action = entry.action;
    let summary = entry.summary.clone();
    revisions::append(txn, actor.user_id, entry).await?;
    audit::record(
        txn,
        actor,
        &format!("{}.{action}", kind.stored_name()),
        Target {
            record_type: Some(kind.stored_name().to_owned()),
            record_id: Some(id),
            detail: Some(summary),
        },
    )
    .await?;
    Ok(())
}

async fn pending_draft(
    txn: &DatabaseTransaction,
    kind: RecordKind,
    id: i32,
) -> ApiResult<Option<(draft::Model, Map<String, Value>)>> {
    let row = draft::Entity::find()
        .filter(draft::Column::RecordType.eq(kind.stored_name()))
        .filter(draft::Column::RecordId.eq(id))
        .one(txn)
        .await?;
    match row {
        None => Ok(None),
        Some(row) => {
            let snapshot: Map<String, Value> = serde_json::from_str(&row.snapshot)
                .map_err(|e| ApiError::Internal(format!("unreadable draft {}: {e}", row.id)))?;
            Ok(Some((row, snapshot)))
        }
    }
}

/// The live row, checked against the version the editor saw.
async fn current(
    txn: &DatabaseTransaction,
    kind: RecordKind,
    id: i32,
    expected_version: i32,
) -> ApiResult<Map<String, Value>> {
    let live = rows::fetch(txn, kind, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no {} with this id", kind.stored_name())))?;
    let version = version_of(&live);
    if version != expected_version {
        return Err(ApiError::stale(version));
    }
    Ok(live)
}

/// Writes the live row if nobody else did since `expected`, else CONFLICT.
async fn write_live(
    txn: &DatabaseTransaction,
    kind: RecordKind,
    id: i32,
    expected: i32,
    snapshot: Map<String, Value>,
) -> ApiResult<()> {
    let written = rows::write_if_version(txn, kind, id, expected, snapshot)
        .await
        .map_err(|e| db_error(kind, e))?;
    if written {
        return Ok(());
    }
    // Someone else's write landed between our read and our write.
    let now = rows::fetch(txn, kind, id)
        .await?
        .map_or(0, |r| version_of(&r));
    Err(ApiError::stale(now))
}

/// Creates a draft record from its content fields.
pub async fn create(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    kind: RecordKind,
    fields: Map<String, Value>,
) -> ApiResult<Saved> {
    let mut snapshot = fields;
    check(kind, &snapshot)?;
    snapshot.insert("state".to_owned(), state_value(EditorialState::Draft));
    snapshot.insert("version".to_owned(), Value::from(1));
    snapshot.insert("created_at".to_owned(), now_value());
    snapshot.insert("updated_at".to_owned(), now_value());
    check_unique(txn, kind, &snapshot, None).await?;
    check_linked(txn, kind, &snapshot).await?;
    let id = rows::insert(txn, kind, snapshot.clone())
        .await
        .map_err(|e| db_error(kind, e))?;
    snapshot.insert("id".to_owned(), Value::from(id));
    let changes = diff(&Map::new(), &snapshot);
    append_revision(
        txn,
        actor,
        Revision {
            kind,
            id,
            version: 1,
            action: "create",
            snapshot: &snapshot,
            summary: "created".to_owned(),
            live: true,
        },
    )
    .await?;
    follow_visibility(txn, kind, id).await?;
    Ok(Saved {
        kind,
        id,
        version: 1,
        state: EditorialState::Draft,
        has_pending_draft: false,
        changes,
    })
}

/// An edit of a record's content.
pub struct Edit<'a> {
    pub kind: RecordKind,
    pub id: i32,
    /// The version the editor saw.
    pub expected_version: i32,
    /// The content fields that change.
    pub fields: Map<String, Value>,
    /// What the revision calls it (`update`, `restore_revision`).
    pub action: &'a str,
}

/// Applies changed content fields. A published record keeps its published content and gets
/// (or updates) a pending draft; any other record is changed in place. Archived records must
/// be restored first.
pub async fn update(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    edit: Edit<'_>,
) -> ApiResult<Saved> {
    let Edit {
        kind,
        id,
        expected_version,
        fields,
        action,
    } = edit;
    let live = current(txn, kind, id, expected_version).await?;
    let state = state_of(&live)?;
    if state == EditorialState::Archived {
        return Err(ApiError::bad_input(
            "id",
            "this record is archived; restore it before editing",
        ));
    }
    let pending = pending_draft(txn, kind, id).await?;
    let base = pending.as_ref().map_or(&live, |(_, s)| s).clone();
    let mut edited = base.clone();
    for (field, value) in fields {
        edited.insert(field, value);
    }
    let changes = diff(&base, &edited);
    if changes.is_empty() {
        // Nothing to record: the editor saved what is already there.
        return Ok(Saved {
            kind,
            id,
            version: expected_version,
            state,
            has_pending_draft: pending.is_some(),
            changes,
        });
    }
    check(kind, &edited)?;
    check_unique(txn, kind, &edited, Some(id)).await?;
    check_linked(txn, kind, &edited).await?;
    let version = expected_version + 1;
    let published = state == EditorialState::Published;
    let mut row = if published {
        live.clone()
    } else {
        edited.clone()
    };
    row.insert("version".to_owned(), Value::from(version));
    row.insert("updated_at".to_owned(), now_value());
    edited.insert("version".to_owned(), Value::from(version));
    edited.insert("updated_at".to_owned(), now_value());
    write_live(txn, kind, id, expected_version, row).await?;
    if published {
        save_draft(txn, actor, kind, id, pending.map(|(d, _)| d), &edited).await?;
    }
    append_revision(
        txn,
        actor,
        Revision {
            kind,
            id,
            version,
            action,
            snapshot: &edited,
            summary: summary(action, &changes),
            live: !published,
        },
    )
    .await?;
    follow_visibility(txn, kind, id).await?;
    Ok(Saved {
        kind,
        id,
        version,
        state,
        has_pending_draft: published,
        changes,
    })
}

async fn save_draft(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    kind: RecordKind,
    id: i32,
    existing: Option<draft::Model>,
    snapshot: &Map<String, Value>,
) -> ApiResult<()> {
    let text = serde_json::to_string(snapshot)
        .map_err(|e| ApiError::Internal(format!("cannot serialise a draft: {e}")))?;
    match existing {
        Some(row) => {
            let mut row: draft::ActiveModel = row.into();
            row.snapshot = Set(text);
            row.author_id = Set(actor.user_id);
            row.updated_at = Set(Utc::now());
            row.update(txn).await?;
        }
        None => {
            draft::ActiveModel {
                record_type: Set(kind.stored_name().to_owned()),
                record_id: Set(id),
                snapshot: Set(text),
                author_id: Set(actor.user_id),
                updated_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

/// Changes the editorial state. Publishing applies the pending draft; unpublishing and
/// archiving fold it into the (now invisible) row, so only published records have drafts.
pub async fn transition(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    kind: RecordKind,
    id: i32,
    expected_version: i32,
    to: Transition,
) -> ApiResult<Saved> {
    let live = current(txn, kind, id, expected_version).await?;
    let state = state_of(&live)?;
    let pending = pending_draft(txn, kind, id).await?;
    use EditorialState::{Archived, Draft, Published};
    let (allowed, next) = match to {
        Transition::Publish => (
            state == Draft || (state == Published && pending.is_some()),
            Published,
        ),
        Transition::Unpublish => (state == Published, Draft),
        Transition::Archive => (state != Archived, Archived),
        Transition::Restore => (state == Archived, Draft),
        Transition::DiscardDraft => (pending.is_some(), state),
    };
    if !allowed {
        return Err(ApiError::bad_input(
            "id",
            format!(
                "cannot {} a {} {}{}",
                to.action(),
                state.as_str(),
                kind.stored_name(),
                if (state == Published && to == Transition::Publish)
                    || to == Transition::DiscardDraft
                {
                    " with no pending changes"
                } else {
                    ""
                }
            ),
        ));
    }
    let version = expected_version + 1;
    // Every transition but a discard takes the pending edit along.
    let mut row = match (&pending, to) {
        (Some((_, edit)), to) if to != Transition::DiscardDraft => edit.clone(),
        _ => live.clone(),
    };
    let changes = diff(&live, &row);
    // A discard's history says which edit it dropped.
    let summarised = match (&pending, to) {
        (Some((_, edit)), Transition::DiscardDraft) => diff(&live, edit),
        _ => changes.clone(),
    };
    row.insert("state".to_owned(), state_value(next));
    row.insert("version".to_owned(), Value::from(version));
    row.insert("updated_at".to_owned(), now_value());
    row.insert(
        "created_at".to_owned(),
        live.get("created_at").cloned().unwrap_or(Value::Null),
    );
    if to == Transition::Publish {
        check_unique(txn, kind, &row, Some(id)).await?;
        check_linked(txn, kind, &row).await?;
    }
    write_live(txn, kind, id, expected_version, row.clone()).await?;
    if let Some((draft_row, _)) = pending {
        draft::Entity::delete_by_id(draft_row.id).exec(txn).await?;
    }
    append_revision(
        txn,
        actor,
        Revision {
            kind,
            id,
            version,
            action: to.action(),
            snapshot: &row,
            summary: summary(to.action(), &summarised),
            live: true,
        },
    )
    .await?;
    follow_visibility(txn, kind, id).await?;
    Ok(Saved {
        kind,
        id,
        version,
        state: next,
        has_pending_draft: false,
        changes,
    })
}

/// Brings back the content of an old revision as a new revision (history is not rewritten).
pub async fn restore_revision(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    revision_id: i32,
    expected_version: i32,
) -> ApiResult<Saved> {
    let old = revision::Entity::find_by_id(revision_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no revision {revision_id}")))?;
    let kind = RecordKind::from_stored_name(&old.record_type)
        .ok_or_else(|| ApiError::Internal(format!("revision {revision_id} has an unknown type")))?;
    let snapshot: Map<String, Value> = serde_json::from_str(&old.snapshot)
        .map_err(|e| ApiError::Internal(format!("unreadable revision {revision_id}: {e}")))?;
    let edit = Edit {
        kind,
        id: old.record_id,
        expected_version,
        fields: content(&snapshot),
        action: "restore_revision",
    };
    update(txn, actor, edit).await
}

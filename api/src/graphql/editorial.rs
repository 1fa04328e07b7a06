//! The editors' view of content: `EditorialRecord` (any state, with its pending draft),
//! `Revision` with field-level diffs, and `AuditEntry`.
//!
//! Records are shown as JSON objects keyed by the camelCase names of the input fields' columns
//! (`legalStatus`, `amountE4`), the same shape for all eight content types.

use super::enums::EditorialState;
use super::ids::{RecordKind, encode, encode_named};
use super::user::User;
use crate::graphql::scalars::{JsonValue, Timestamp};
use crate::kb::diff::{self, FieldChange as Change};
use crate::kb::error::{ApiError, ApiResult};
use crate::store::rows;
use async_graphql::{ID, Object, SimpleObject};

use entity::{audit_log, commentary_program, draft, revision, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Map, Value};
use std::collections::HashMap;

pub(crate) use crate::kb::rules::camel;

fn camel_keys(map: &Map<String, Value>) -> JsonValue {
    JsonValue::from(
        map.iter()
            .map(|(k, v)| (camel(k), v.clone()))
            .collect::<Map<String, Value>>(),
    )
}

/// The content types editors work on.
#[derive(async_graphql::Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum RecordType {
    /// Programs.
    Program,
    /// Requirements of programs.
    Requirement,
    /// Fees of programs.
    Fee,
    /// Sources.
    Source,
    /// Citations.
    Citation,
    /// People.
    Person,
    /// Commentary.
    Commentary,
    /// Policy events.
    PolicyEvent,
}

impl From<RecordType> for RecordKind {
    fn from(t: RecordType) -> Self {
        match t {
            RecordType::Program => Self::Program,
            RecordType::Requirement => Self::Requirement,
            RecordType::Fee => Self::Fee,
            RecordType::Source => Self::Source,
            RecordType::Citation => Self::Citation,
            RecordType::Person => Self::Person,
            RecordType::Commentary => Self::Commentary,
            RecordType::PolicyEvent => Self::PolicyEvent,
        }
    }
}

/// One field that differs between two versions.
#[derive(SimpleObject)]
pub struct FieldChange {
    /// The field (camelCase column name).
    pub field: String,
    /// Its value before (null when it was empty or did not exist).
    pub before: JsonValue,
    /// Its value after.
    pub after: JsonValue,
}

impl From<Change> for FieldChange {
    fn from(c: Change) -> Self {
        Self {
            field: camel(&c.field),
            before: JsonValue(c.before),
            after: JsonValue(c.after),
        }
    }
}

/// A content record as editors see it: in any state, with its pending draft.
pub struct EditorialRecord {
    kind: RecordKind,
    id: i32,
    live: Map<String, Value>,
    draft: Option<(draft::Model, Map<String, Value>)>,
    /// A commentary's programs (none for other kinds).
    program_ids: Vec<i32>,
}

impl EditorialRecord {
    /// Loads a record and its pending draft; None when there is no such record.
    pub async fn load(
        db: &impl ConnectionTrait,
        kind: RecordKind,
        id: i32,
    ) -> ApiResult<Option<Self>> {
        Ok(Self::load_many(db, kind, vec![id]).await?.pop())
    }

    /// Loads the records `ids` of one kind with their pending drafts, in the order of `ids`,
    /// leaving out those that do not exist: a statement for the rows, one for the drafts and,
    /// for commentary, one for its programs, however many records there are.
    pub async fn load_many(
        db: &impl ConnectionTrait,
        kind: RecordKind,
        ids: Vec<i32>,
    ) -> ApiResult<Vec<Self>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut rows: HashMap<i32, Map<String, Value>> = rows::fetch_many(db, kind, ids.clone())
            .await?
            .into_iter()
            .collect();
        let mut drafts = HashMap::new();
        for row in draft::Entity::find()
            .filter(draft::Column::RecordType.eq(kind.stored_name()))
            .filter(draft::Column::RecordId.is_in(ids.clone()))
            .all(db)
            .await?
        {
            let snapshot = serde_json::from_str::<Map<String, Value>>(&row.snapshot)
                .map_err(|e| ApiError::Internal(format!("unreadable draft {}: {e}", row.id)))?;
            drafts.insert(row.record_id, (row, snapshot));
        }
        let mut programs: HashMap<i32, Vec<i32>> = HashMap::new();
        if kind == RecordKind::Commentary {
            for link in commentary_program::Entity::find()
                .filter(commentary_program::Column::CommentaryId.is_in(ids.clone()))
                .all(db)
                .await?
            {
                programs
                    .entry(link.commentary_id)
                    .or_default()
                    .push(link.program_id);
            }
        }
        Ok(ids
            .into_iter()
            .filter_map(|id| {
                Some(Self {
                    kind,
                    id,
                    live: rows.remove(&id)?,
                    draft: drafts.remove(&id),
                    program_ids: programs.remove(&id).unwrap_or_default(),
                })
            })
            .collect())
    }

    fn text(&self, column: &str) -> &str {
        self.live
            .get(column)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// A content record as editors see it: in any state, with its pending draft.
#[Object]
impl EditorialRecord {
    /// Its global ID (the same as the public `node(id:)` uses).
    async fn id(&self) -> ID {
        encode(self.kind, self.id)
    }

    /// Its type: `Program`, `Requirement`, `Fee`, `Source`, `Citation`, `Person`,
    /// `Commentary` or `PolicyEvent`.
    async fn record_type(&self) -> &'static str {
        self.kind.stored_name()
    }

    /// A short name for lists: its name, title, label, description, body or excerpt (the
    /// pending edit's when there is one), cut at 120 characters.
    async fn title(&self) -> String {
        let content = self.draft.as_ref().map_or(&self.live, |(_, s)| s);
        crate::kb::changes::record_title(self.kind, content)
    }

    /// Its editorial state.
    async fn state(&self) -> ApiResult<EditorialState> {
        serde_json::from_value::<entity::enums::EditorialState>(
            self.live.get("state").cloned().unwrap_or(Value::Null),
        )
        .map(Into::into)
        .map_err(|e| ApiError::Internal(format!("unreadable state: {e}")))
    }

    /// The version to send as `expectedVersion` with the next edit.
    async fn version(&self) -> i32 {
        self.live
            .get("version")
            .and_then(Value::as_i64)
            .and_then(|v| i32::try_from(v).ok())
            .unwrap_or(0)
    }

    /// The content as stored (what readers see once it is published).
    async fn content(&self) -> JsonValue {
        camel_keys(&diff::content(&self.live))
    }

    /// The pending edit of a published record, waiting for `publish`; null when none.
    async fn pending_draft(&self) -> Option<JsonValue> {
        self.draft
            .as_ref()
            .map(|(_, s)| camel_keys(&diff::content(s)))
    }

    /// What publishing the pending draft would change.
    async fn pending_changes(&self) -> Vec<FieldChange> {
        self.draft.as_ref().map_or_else(Vec::new, |(_, s)| {
            diff::diff(&self.live, s)
                .into_iter()
                .map(Into::into)
                .collect()
        })
    }

    /// The record (its pending edit when there is one) as the fields of its input type
    /// (`ProgramInput`, `FeeInput`…): what an edit form shows. Enum values keep their stored
    /// spelling (`in_force` for `IN_FORCE`).
    async fn input(&self) -> JsonValue {
        let content = self.draft.as_ref().map_or(&self.live, |(_, s)| s);
        JsonValue::from(super::inputs::form_values(
            self.kind,
            content,
            &self.program_ids,
        ))
    }

    /// When the record was created.
    async fn created_at(&self) -> &str {
        self.text("created_at")
    }

    /// When the record (or its pending draft) last changed.
    async fn updated_at(&self) -> &str {
        self.text("updated_at")
    }
}

/// Narrows the editors' work list; every part is optional.
#[derive(async_graphql::InputObject, Default)]
pub struct WorkListFilter {
    /// Only records in this state.
    pub state: Option<EditorialState>,
    /// Only records with (true) or without (false) a pending edit waiting for `publish`.
    pub pending: Option<bool>,
    /// Only programs of this country (ISO 3166-1 alpha-2), or requirements, fees and policy
    /// events of such programs.
    pub country: Option<String>,
    /// Only records this account (a `User` ID) wrote a revision or the pending edit of.
    pub author: Option<ID>,
    /// Only records that belong to this one (an ID): a program's requirements, fees, policy
    /// events or commentary, a source's or a cited record's citations, a person's commentary.
    pub of: Option<ID>,
    /// Only records with this text (any case) in their name, title, label, description, body,
    /// excerpt, slug or URL; a URL also finds the source stored at its normalised form.
    pub text: Option<String>,
}

/// A page of the editors' work list.
#[derive(SimpleObject)]
pub struct WorkList {
    /// How many records pass the filter, on every page.
    pub total_count: u64,
    /// This page, most recently changed first.
    pub records: Vec<EditorialRecord>,
}

/// One write to a record.
pub struct Revision {
    row: revision::Model,
    author: Option<User>,
    changes: Vec<Change>,
}

/// One write to a record: who, when, what, and the record's content after it.
#[Object]
impl Revision {
    /// Opaque ID, for `restoreRevision`.
    async fn id(&self) -> ID {
        encode_named("Revision", self.row.id)
    }

    /// The record's version after this write.
    async fn version(&self) -> i32 {
        self.row.version
    }

    /// create, update, publish, unpublish, archive, restore or restore_revision.
    async fn action(&self) -> &str {
        &self.row.action
    }

    /// Who wrote it; null for imports and the command line.
    async fn author(&self) -> Option<&User> {
        self.author.as_ref()
    }

    /// When.
    async fn created_at(&self) -> Timestamp {
        self.row.created_at.into()
    }

    /// One line on what changed.
    async fn summary(&self) -> &str {
        &self.row.summary
    }

    /// False when this revision is a pending draft of a published record (not what readers
    /// saw).
    async fn live(&self) -> bool {
        self.row.live
    }

    /// The record's content after this write.
    async fn snapshot(&self) -> ApiResult<JsonValue> {
        let map: Map<String, Value> = serde_json::from_str(&self.row.snapshot)
            .map_err(|e| ApiError::Internal(format!("unreadable revision: {e}")))?;
        Ok(camel_keys(&diff::content(&map)))
    }

    /// Field-level differences from the previous revision.
    async fn changes(&self) -> Vec<FieldChange> {
        self.changes.iter().cloned().map(Into::into).collect()
    }
}

async fn authors(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i32>,
) -> ApiResult<HashMap<i32, user::Model>> {
    let ids: Vec<i32> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

fn snapshot_of(row: &revision::Model) -> ApiResult<Map<String, Value>> {
    serde_json::from_str(&row.snapshot)
        .map_err(|e| ApiError::Internal(format!("unreadable revision {}: {e}", row.id)))
}

impl Revision {
    /// One revision with its author and its diff from the record's revision before it.
    pub async fn of_row(db: &impl ConnectionTrait, row: revision::Model) -> ApiResult<Self> {
        let previous = revision::Entity::find()
            .filter(revision::Column::RecordType.eq(row.record_type.as_str()))
            .filter(revision::Column::RecordId.eq(row.record_id))
            .filter(revision::Column::Version.lt(row.version))
            .order_by_desc(revision::Column::Version)
            .one(db)
            .await?;
        let before = match &previous {
            Some(p) => snapshot_of(p)?,
            None => Map::new(),
        };
        let authors = authors(db, row.author_id.into_iter()).await?;
        Ok(Revision {
            author: row
                .author_id
                .and_then(|a| authors.get(&a).cloned())
                .map(User::from),
            changes: diff::diff(&before, &snapshot_of(&row)?),
            row,
        })
    }
}

/// Every revision of a record, newest first, each with its diff from the one before.
pub async fn revisions_of(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    id: i32,
) -> ApiResult<Vec<Revision>> {
    let rows = revision::Entity::find()
        .filter(revision::Column::RecordType.eq(kind.stored_name()))
        .filter(revision::Column::RecordId.eq(id))
        .order_by_asc(revision::Column::Version)
        .all(db)
        .await?;
    let authors = authors(db, rows.iter().filter_map(|r| r.author_id)).await?;
    let mut previous = Map::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let snapshot = snapshot_of(&row)?;
        let changes = diff::diff(&previous, &snapshot);
        previous = snapshot;
        out.push(Revision {
            author: row
                .author_id
                .and_then(|a| authors.get(&a).cloned())
                .map(User::from),
            changes,
            row,
        });
    }
    out.reverse();
    Ok(out)
}

/// One entry of the audit log.
pub struct AuditEntry(pub audit_log::Model);

impl From<audit_log::Model> for AuditEntry {
    fn from(row: audit_log::Model) -> Self {
        Self(row)
    }
}

/// Who did what, when, from which request.
#[Object]
impl AuditEntry {
    /// Opaque ID.
    async fn id(&self) -> ID {
        encode_named("AuditEntry", self.0.id)
    }

    /// The account that acted; null for failed logins and the command line.
    async fn user_id(&self) -> Option<ID> {
        self.0.user_id.map(|id| encode_named("User", id))
    }

    /// What was done, e.g. `Program.update`, `login`, `login.failed`, `user.update`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The type of the record acted on.
    async fn record_type(&self) -> Option<&str> {
        self.0.record_type.as_deref()
    }

    /// The ID of the record acted on.
    async fn record_id(&self) -> Option<ID> {
        let id = self.0.record_id?;
        let kind = self.0.record_type.as_deref()?;
        Some(match RecordKind::from_stored_name(kind) {
            Some(kind) => encode(kind, id),
            None => encode_named(kind, id),
        })
    }

    /// The request's ID (the `x-request-id` response header of that request).
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The client's address.
    async fn ip(&self) -> Option<&str> {
        self.0.ip.as_deref()
    }

    /// When.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }

    /// Details: the change summary, or the email of a failed login.
    async fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }
}

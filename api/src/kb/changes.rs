//! What readers could see change, from the revision history: records published for the first
//! time and updates of published records, each with its field-level diff. The `changes` query
//! and the Atom feed (`/feed.atom`) both read it.

use super::diff::{self, FieldChange};
use super::error::{ApiError, ApiResult};
use super::kind::RecordKind;
use super::visibility;
use chrono::{DateTime, Utc};
use entity::revision;
use sea_orm::Select;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Map, Value};

/// Whether a change brought a record to readers or changed one they could already see.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum ChangeKind {
    /// Published for the first time.
    New,
    /// A published record changed.
    Updated,
}

/// Revisions after which readers saw the record: a publication, or an import of a record that
/// was published after it. (An import of a draft is not public; its publication will be.)
/// Snapshots are compact JSON written by serde, so `"state":"published"` appears exactly when
/// the record's state is published: a quote inside a text field would be escaped.
fn public_revision() -> Condition {
    Condition::all().add(revision::Column::Live.eq(true)).add(
        Condition::any()
            .add(revision::Column::Action.eq("publish"))
            .add(
                Condition::all()
                    .add(revision::Column::Action.eq("import"))
                    .add(revision::Column::Snapshot.like(r#"%"state":"published"%"#)),
            ),
    )
}

/// Public changes of records readers can see now, after `since`; only `kinds` when given.
/// Read them in `lists::changes_order()` (newest first).
pub fn public_changes(
    since: Option<DateTime<Utc>>,
    kinds: &[RecordKind],
) -> Select<revision::Entity> {
    let mut select =
        revision::Entity::find()
            .filter(public_revision())
            .filter(visibility::records(
                revision::Column::RecordType,
                revision::Column::RecordId,
            ));
    if let Some(since) = since {
        select = select.filter(revision::Column::CreatedAt.gt(since));
    }
    if !kinds.is_empty() {
        let names: Vec<&str> = kinds.iter().map(|k| k.stored_name()).collect();
        select = select.filter(revision::Column::RecordType.is_in(names));
    }
    select
}

/// A change with what it changed, ready to show.
#[derive(Debug, Clone)]
pub struct ChangeDetail {
    pub kind: RecordKind,
    pub kind_of_change: ChangeKind,
    pub title: String,
    pub changes: Vec<FieldChange>,
}

fn snapshot(row: &revision::Model) -> ApiResult<Map<String, Value>> {
    serde_json::from_str(&row.snapshot)
        .map_err(|e| ApiError::Internal(format!("unreadable revision {}: {e}", row.id)))
}

/// A name for a record from its content: a program's name, a fee's label, an event's title...
pub fn record_title(kind: RecordKind, content: &Map<String, Value>) -> String {
    ["name", "title", "label", "description", "body", "excerpt"]
        .iter()
        .find_map(|f| content.get(*f).and_then(Value::as_str))
        .map_or_else(
            || kind.stored_name().to_owned(),
            |t| t.chars().take(120).collect(),
        )
}

/// The kind of record a revision is about.
pub fn kind_of(row: &revision::Model) -> ApiResult<RecordKind> {
    RecordKind::from_stored_name(&row.record_type)
        .ok_or_else(|| ApiError::Internal(format!("revision {} has an unknown type", row.id)))
}

/// Compares a public revision with the record's previous public revision.
pub async fn detail(db: &impl ConnectionTrait, row: &revision::Model) -> ApiResult<ChangeDetail> {
    let kind = kind_of(row)?;
    let after = snapshot(row)?;
    let previous = revision::Entity::find()
        .filter(revision::Column::RecordType.eq(row.record_type.as_str()))
        .filter(revision::Column::RecordId.eq(row.record_id))
        .filter(public_revision())
        .filter(revision::Column::Version.lt(row.version))
        .order_by_desc(revision::Column::Version)
        .one(db)
        .await?;
    let (kind_of_change, changes) = match previous {
        None => (ChangeKind::New, Vec::new()),
        Some(prev) => (ChangeKind::Updated, diff::diff(&snapshot(&prev)?, &after)),
    };
    Ok(ChangeDetail {
        kind,
        kind_of_change,
        title: record_title(kind, &after),
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn titles_come_from_the_first_naming_field() {
        let fee = map(serde_json::json!({"label": "Visa fee", "amount": "100"}));
        assert_eq!(record_title(RecordKind::Fee, &fee), "Visa fee");
        let bare = map(serde_json::json!({"amount": "100"}));
        assert_eq!(record_title(RecordKind::Fee, &bare), "Fee");
        let long = map(serde_json::json!({"body": "x".repeat(300)}));
        assert_eq!(
            record_title(RecordKind::Commentary, &long).chars().count(),
            120
        );
    }

    #[test]
    fn the_published_state_is_found_in_compact_snapshots_only_as_a_field() {
        let published = serde_json::to_string(&serde_json::json!({"state": "published"}));
        assert_eq!(published.ok().as_deref(), Some(r#"{"state":"published"}"#));
        let quoted = serde_json::to_string(
            &serde_json::json!({"state": "draft", "body": r#""state":"published""#}),
        )
        .unwrap_or_default();
        assert!(!quoted.contains(r#""state":"published""#));
    }
}

//! What readers could see change, from the revision history: records published for the first
//! time and updates of published records, each with its field-level diff. The `changes` query
//! and the Atom feed (`/feed.atom`) both read it.

use super::diff::{self, FieldChange};
use super::error::{ApiError, ApiResult};
use super::kind::RecordKind;
use super::one_of::one_of;
use super::visibility;
use chrono::{DateTime, Utc};
use entity::revision;
use sea_orm::Select;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Whether a change brought a record to readers or changed one they could already see.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum ChangeKind {
    /// Published for the first time.
    New,
    /// A published record changed.
    Updated,
}

/// Whether readers saw the record after this revision: a publication, or an import of a record
/// that was published after it, of the live content. (An import of a draft is not public; its
/// publication will be.) Decided once, when the revision is written (`editorial::revisions`),
/// and kept in `revision.public`: migration 10 applied the same rule to older histories.
pub fn is_public(action: &str, live: bool, snapshot: &Map<String, Value>) -> bool {
    live && (action == "publish"
        || (action == "import"
            && snapshot.get("state").and_then(Value::as_str) == Some("published")))
}

/// The public revisions, on their index (migration 10).
fn public_revision() -> Condition {
    Condition::all().add(revision::Column::Public.eq(true))
}

/// The latest public revision of a record, which the next public one follows.
pub async fn latest_public(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    id: i32,
) -> ApiResult<Option<i32>> {
    Ok(revision::Entity::find()
        .select_only()
        .column(revision::Column::Id)
        .filter(revision::Column::RecordType.eq(kind.stored_name()))
        .filter(revision::Column::RecordId.eq(id))
        .filter(public_revision())
        .order_by_desc(revision::Column::Version)
        .into_tuple::<i32>()
        .one(db)
        .await?)
}

/// Public changes of records readers can see now, after `since`; only `kinds` when given.
/// Read them in `lists::changes_order()` (newest first). Whether a record is visible now is
/// the rule's answer kept on its public revisions (`visibility::kept`), so a page reads only
/// its own rows along the index (migration 12).
pub fn public_changes(
    since: Option<DateTime<Utc>>,
    kinds: &[RecordKind],
) -> Select<revision::Entity> {
    let mut select = revision::Entity::find()
        .filter(public_revision())
        .filter(revision::Column::Visible.eq(true));
    if let Some(since) = since {
        select = select.filter(revision::Column::CreatedAt.gt(since));
    }
    if !kinds.is_empty() {
        let names: Vec<&str> = kinds.iter().map(|k| k.stored_name()).collect();
        select = select.filter(revision::Column::RecordType.is_in(names));
    }
    select
}

/// How many [`public_changes`] there are: statements whose `n`s add up to it (whole days from
/// the kept tally, then the rest of `since`'s day), however long the history.
pub fn count_public_changes(since: DateTime<Utc>, kinds: &[RecordKind]) -> [SelectStatement; 2] {
    visibility::kept::count_since(since, kinds)
}

/// A change with what it changed, ready to show.
#[derive(Debug, Clone)]
pub struct ChangeDetail {
    pub kind: RecordKind,
    pub kind_of_change: ChangeKind,
    pub title: String,
    pub changes: Vec<FieldChange>,
    /// The record's content after the change (the revision's snapshot, read once).
    pub content: Map<String, Value>,
}

fn snapshot(row: &revision::Model) -> ApiResult<Map<String, Value>> {
    serde_json::from_str(&row.snapshot)
        .map_err(|e| ApiError::Internal(format!("unreadable revision {}: {e}", row.id)))
}

/// A name for a record from its content: a program's name, a fee's label, an event's title...
/// A long one (a quote) is cut at a word boundary with `…`, never inside a word, so that a
/// quoted person is never shown saying half a word.
pub fn record_title(kind: RecordKind, content: &Map<String, Value>) -> String {
    ["name", "title", "label", "description", "body", "excerpt"]
        .iter()
        .find_map(|f| content.get(*f).and_then(Value::as_str))
        .map_or_else(
            || kind.stored_name().to_owned(),
            |t| super::values::short_title(t, 120),
        )
}

/// The kind of record a revision is about.
pub fn kind_of(row: &revision::Model) -> ApiResult<RecordKind> {
    RecordKind::from_stored_name(&row.record_type)
        .ok_or_else(|| ApiError::Internal(format!("revision {} has an unknown type", row.id)))
}

/// The revisions `ids` (the `previous_public_id` of a page of changes), in one statement.
pub async fn predecessors(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> ApiResult<HashMap<i32, revision::Model>> {
    let ids: Vec<i32> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(revision::Entity::find()
        .filter(one_of(db.get_database_backend(), revision::Column::Id, ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

/// Compares a public revision with the record's previous public revision (`previous`, read by
/// [`predecessors`]; None when the record was new).
pub fn detail(
    row: &revision::Model,
    previous: Option<&revision::Model>,
) -> ApiResult<ChangeDetail> {
    let kind = kind_of(row)?;
    let after = snapshot(row)?;
    let (kind_of_change, changes) = match previous {
        None => (ChangeKind::New, Vec::new()),
        Some(prev) => (ChangeKind::Updated, diff::diff(&snapshot(prev)?, &after)),
    };
    Ok(ChangeDetail {
        kind,
        kind_of_change,
        title: record_title(kind, &after),
        changes,
        content: after,
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
        let long = map(serde_json::json!({"body": "word ".repeat(60)}));
        let title = record_title(RecordKind::Commentary, &long);
        assert!(
            title.chars().count() <= 121 && title.ends_with("word…"),
            "{title}"
        );
    }

    #[test]
    fn a_revision_is_public_when_readers_saw_it() {
        let published = map(serde_json::json!({"state": "published", "name": "K visa"}));
        let draft = map(serde_json::json!({"state": "draft", "body": r#""state":"published""#}));
        assert!(is_public("publish", true, &draft));
        assert!(is_public("import", true, &published));
        assert!(!is_public("import", true, &draft));
        assert!(!is_public("update", true, &published));
        // A pending draft of a published record is not what readers see.
        assert!(!is_public("publish", false, &published));
    }
}

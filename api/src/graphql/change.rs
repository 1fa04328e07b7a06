//! `Change`: what readers could see change, from the revision history: records published for
//! the first time and updates of published records, each with its field-level diff. The
//! `changes` query and the Atom feed (`/feed.atom`) both read it.

use super::editorial::{FieldChange, RecordType};
use super::ids::{NodeType, encode};
use super::node::{self, Node};
use crate::editorial::diff;
use crate::error::{ApiError, ApiResult};
use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use entity::enums::EditorialState;
use entity::{
    citation, commentary, fee, person, policy_event, program, requirement, revision, source,
};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select,
};
use serde_json::{Map, Value};

/// Whether a change brought a record to readers or changed one they could already see.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum ChangeKind {
    /// Published for the first time.
    New,
    /// A published record changed.
    Updated,
}

/// Revisions that changed what readers see: publications and imports.
const PUBLIC_ACTIONS: [&str; 2] = ["publish", "import"];

fn published_ids<E: EntityTrait>(id: E::Column, state: E::Column) -> SelectStatement {
    Query::select()
        .column(id)
        .from(E::default())
        .and_where(state.eq(EditorialState::Published))
        .to_owned()
}

/// Rows naming (in `type_col`, `id_col`) a record readers can see now: published, and for a
/// requirement, of a published program.
pub fn visible_records<C: ColumnTrait>(type_col: C, id_col: C) -> Condition {
    let visible = |kind: NodeType, ids: SelectStatement| {
        Condition::all()
            .add(type_col.eq(kind.name()))
            .add(id_col.in_subquery(ids))
    };
    let requirements_of_published_programs = {
        let mut ids = published_ids::<requirement::Entity>(
            requirement::Column::Id,
            requirement::Column::State,
        );
        ids.and_where(requirement::Column::ProgramId.in_subquery(
            published_ids::<program::Entity>(program::Column::Id, program::Column::State),
        ));
        ids
    };
    Condition::any()
        .add(visible(
            NodeType::Program,
            published_ids::<program::Entity>(program::Column::Id, program::Column::State),
        ))
        .add(visible(
            NodeType::Requirement,
            requirements_of_published_programs,
        ))
        .add(visible(
            NodeType::Fee,
            published_ids::<fee::Entity>(fee::Column::Id, fee::Column::State),
        ))
        .add(visible(
            NodeType::Source,
            published_ids::<source::Entity>(source::Column::Id, source::Column::State),
        ))
        .add(visible(
            NodeType::Citation,
            published_ids::<citation::Entity>(citation::Column::Id, citation::Column::State),
        ))
        .add(visible(
            NodeType::Person,
            published_ids::<person::Entity>(person::Column::Id, person::Column::State),
        ))
        .add(visible(
            NodeType::Commentary,
            published_ids::<commentary::Entity>(commentary::Column::Id, commentary::Column::State),
        ))
        .add(visible(
            NodeType::PolicyEvent,
            published_ids::<policy_event::Entity>(
                policy_event::Column::Id,
                policy_event::Column::State,
            ),
        ))
}

/// Public changes after `since`, newest first.
pub fn public_changes(
    since: Option<DateTime<Utc>>,
    types: &[RecordType],
) -> Select<revision::Entity> {
    let mut select = revision::Entity::find()
        .filter(revision::Column::Live.eq(true))
        .filter(revision::Column::Action.is_in(PUBLIC_ACTIONS))
        .filter(visible_records(
            revision::Column::RecordType,
            revision::Column::RecordId,
        ))
        .order_by_desc(revision::Column::CreatedAt)
        .order_by_desc(revision::Column::Id);
    if let Some(since) = since {
        select = select.filter(revision::Column::CreatedAt.gt(since));
    }
    if !types.is_empty() {
        let names: Vec<&str> = types.iter().map(|t| NodeType::from(*t).name()).collect();
        select = select.filter(revision::Column::RecordType.is_in(names));
    }
    select
}

/// One change readers could see.
pub struct Change {
    pub row: revision::Model,
    /// Loaded once, however many of its fields a query asks for.
    detail: tokio::sync::OnceCell<ChangeDetail>,
}

impl From<revision::Model> for Change {
    fn from(row: revision::Model) -> Self {
        Self {
            row,
            detail: tokio::sync::OnceCell::new(),
        }
    }
}

/// A change with what it changed, ready to show.
pub struct ChangeDetail {
    pub kind_of_change: ChangeKind,
    pub title: String,
    pub changes: Vec<diff::FieldChange>,
}

fn snapshot(row: &revision::Model) -> ApiResult<Map<String, Value>> {
    serde_json::from_str(&row.snapshot)
        .map_err(|e| ApiError::Internal(format!("unreadable revision {}: {e}", row.id)))
}

/// A name for a record from its content: a program's name, a fee's label, an event's title...
fn record_title(kind: NodeType, content: &Map<String, Value>) -> String {
    ["name", "title", "label", "description", "body", "excerpt"]
        .iter()
        .find_map(|f| content.get(*f).and_then(Value::as_str))
        .map_or_else(|| kind.name().to_owned(), |t| t.chars().take(120).collect())
}

impl Change {
    fn record_kind(&self) -> ApiResult<NodeType> {
        NodeType::from_name(&self.row.record_type).ok_or_else(|| {
            ApiError::Internal(format!("revision {} has an unknown type", self.row.id))
        })
    }

    /// Compares with the record's previous public revision (once per change).
    pub async fn detail(&self, db: &impl ConnectionTrait) -> ApiResult<&ChangeDetail> {
        self.detail.get_or_try_init(|| self.compare(db)).await
    }

    async fn compare(&self, db: &impl ConnectionTrait) -> ApiResult<ChangeDetail> {
        let kind = self.record_kind()?;
        let after = snapshot(&self.row)?;
        let previous = revision::Entity::find()
            .filter(revision::Column::RecordType.eq(self.row.record_type.as_str()))
            .filter(revision::Column::RecordId.eq(self.row.record_id))
            .filter(revision::Column::Live.eq(true))
            .filter(revision::Column::Action.is_in(PUBLIC_ACTIONS))
            .filter(revision::Column::Version.lt(self.row.version))
            .order_by_desc(revision::Column::Version)
            .one(db)
            .await?;
        let (kind_of_change, changes) = match previous {
            None => (ChangeKind::New, Vec::new()),
            Some(prev) => (ChangeKind::Updated, diff::diff(&snapshot(&prev)?, &after)),
        };
        Ok(ChangeDetail {
            kind_of_change,
            title: record_title(kind, &after),
            changes,
        })
    }

    /// The record's global ID.
    pub fn global_id(&self) -> ApiResult<ID> {
        Ok(encode(self.record_kind()?, self.row.record_id))
    }
}

/// Something readers could see change: a record published, or a published record updated.
#[Object]
impl Change {
    /// The ID of the revision behind it.
    async fn id(&self) -> ID {
        super::ids::encode_named("Revision", self.row.id)
    }

    /// When it was published.
    async fn at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    /// New or updated.
    async fn kind(&self, ctx: &Context<'_>) -> ApiResult<ChangeKind> {
        Ok(self.detail(super::context::db(ctx)?).await?.kind_of_change)
    }

    /// The type of the record.
    async fn record_type(&self) -> &str {
        &self.row.record_type
    }

    /// The record's global ID, for `node(id:)`.
    async fn record_id(&self) -> ApiResult<ID> {
        self.global_id()
    }

    /// The record as readers see it now.
    async fn record(&self, ctx: &Context<'_>) -> ApiResult<Option<Node>> {
        node::load(super::context::db(ctx)?, &self.global_id()?).await
    }

    /// Its name (a program's name, a fee's label, an event's title...).
    async fn title(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.detail(super::context::db(ctx)?).await?.title.clone())
    }

    /// The record's version after the change.
    async fn version(&self) -> i32 {
        self.row.version
    }

    /// One line on what changed.
    async fn summary(&self) -> &str {
        &self.row.summary
    }

    /// What changed, field by field, since the previous published version (empty when new).
    async fn changes(&self, ctx: &Context<'_>) -> ApiResult<Vec<FieldChange>> {
        Ok(self
            .detail(super::context::db(ctx)?)
            .await?
            .changes
            .iter()
            .cloned()
            .map(FieldChange::from)
            .collect())
    }
}

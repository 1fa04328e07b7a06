//! `Change`: what readers could see change (the rule and the diffs are `kb::changes`).

use super::context::loaders;
use super::editorial::FieldChange;
use super::ids::encode;
use super::loaders::{RevisionById, RowOf, one};
use super::node::{self, Node};
use crate::graphql::scalars::Timestamp;
use crate::kb::changes::{self, ChangeDetail};
use crate::kb::error::ApiResult;
use async_graphql::{Context, Enum, ID, Object};

use entity::revision;

/// Whether a change brought a record to readers or changed one they could already see.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum ChangeKind {
    /// Published for the first time.
    New,
    /// A published record changed.
    Updated,
}

impl From<changes::ChangeKind> for ChangeKind {
    fn from(kind: changes::ChangeKind) -> Self {
        match kind {
            changes::ChangeKind::New => Self::New,
            changes::ChangeKind::Updated => Self::Updated,
        }
    }
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

impl Change {
    /// Compares with the record's previous public revision (once per change; the
    /// predecessors of a page are read together).
    pub async fn detail(&self, ctx: &Context<'_>) -> ApiResult<&ChangeDetail> {
        self.detail
            .get_or_try_init(|| async {
                let previous = match self.row.previous_public_id {
                    None => None,
                    Some(id) => one(loaders(ctx)?, RevisionById(id)).await?,
                };
                changes::detail(&self.row, previous.as_deref())
            })
            .await
    }

    /// The record's global ID.
    pub fn global_id(&self) -> ApiResult<ID> {
        Ok(encode(changes::kind_of(&self.row)?, self.row.record_id))
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
    async fn at(&self) -> Timestamp {
        self.row.created_at.into()
    }

    /// New or updated.
    async fn kind(&self, ctx: &Context<'_>) -> ApiResult<ChangeKind> {
        Ok(self.detail(ctx).await?.kind_of_change.into())
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
    async fn record(&self, ctx: &Context<'_>) -> Option<Node> {
        // Read with the page's other records, one statement per kind (the same visibility
        // rule as `node(id:)`).
        let found = async {
            let kind = changes::kind_of(&self.row)?;
            match one(loaders(ctx)?, RowOf(kind, self.row.record_id)).await? {
                Some(row) => node::from_row(kind, &row).map(Some),
                None => Ok(None),
            }
        };
        super::error::or_null(ctx, found.await)
    }

    /// Its name (a program's name, a fee's label, an event's title...).
    async fn title(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.detail(ctx).await?.title.clone())
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
            .detail(ctx)
            .await?
            .changes
            .iter()
            .cloned()
            .map(FieldChange::from)
            .collect())
    }
}

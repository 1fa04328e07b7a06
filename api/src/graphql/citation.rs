//! `Citation`: a source standing behind a record or one of its fields.

use super::context::loaders;
use super::enums::Confidence;
use super::ids::{NodeType, encode};
use super::loaders::SourceById;
use super::source::Source;
use crate::error::ApiResult;
use async_graphql::{Context, ID, Object};
use entity::{citation, source};

/// A source standing behind a record, or behind one field of it.
pub struct Citation {
    row: citation::Model,
    /// The source when it was read with the citation (always, through the loaders).
    source: Option<source::Model>,
}

impl Citation {
    /// A citation whose source is loaded on demand.
    pub fn new(row: citation::Model) -> Self {
        Self { row, source: None }
    }
}

impl From<(citation::Model, source::Model)> for Citation {
    fn from((row, source): (citation::Model, source::Model)) -> Self {
        Self {
            row,
            source: Some(source),
        }
    }
}

/// A source standing behind a record, or behind one field of it.
#[Object]
impl Citation {
    /// Opaque global ID, for `node(id:)`.
    pub async fn id(&self) -> ID {
        encode(NodeType::Citation, self.row.id)
    }

    /// The source.
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Option<Source>> {
        match &self.source {
            Some(source) => Ok(Some(Source(source.clone()))),
            None => Ok(loaders(ctx)?
                .load_one(SourceById(self.row.source_id))
                .await?
                .map(Source)),
        }
    }

    /// The field of the record the source supports; null when it supports the whole record.
    async fn field(&self) -> Option<&str> {
        self.row.field.as_deref()
    }

    /// The passage of the source that supports the fact, verbatim.
    async fn excerpt(&self) -> Option<&str> {
        self.row.excerpt.as_deref()
    }

    /// How strongly this source supports the fact; null means not assessed.
    async fn confidence(&self) -> Option<Confidence> {
        self.row.confidence.map(Into::into)
    }
}

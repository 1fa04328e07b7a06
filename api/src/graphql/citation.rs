//! `Citation`: a source standing behind a record or one of its fields.

use super::context::loaders;
use super::enums::Confidence;
use super::ids::{RecordKind, encode};
use super::in_place::{InPlace, LoaderFields};
use super::loaders::{CitationsOf, SourceById, list, many, one};
use super::source::Source;
use crate::kb::error::ApiResult;
use async_graphql::{Context, ID, Object};
use entity::citation;

/// A source standing behind a record, or behind one field of it.
pub struct Citation(pub std::sync::Arc<citation::Model>);

impl From<citation::Model> for Citation {
    fn from(row: citation::Model) -> Self {
        Self(std::sync::Arc::new(row))
    }
}

/// The citations of a record (one batched load per request, shared by `citations` and `cited`).
pub async fn of(ctx: &Context<'_>, record: CitationsOf) -> ApiResult<Vec<InPlace<Citation>>> {
    let rows = list(loaders(ctx)?, record).await?;
    Ok(rows.iter().cloned().map(|c| InPlace(Citation(c))).collect())
}

/// `source` and `confidence` both read the citation's source: the one that comes second finds
/// it loaded (or on its way), so in turn they cost no more rounds than together.
impl LoaderFields for Citation {
    const LOADER_FIELDS: &'static [&'static str] = &[];
}

/// Whether any visible source supports a record; false: show it as uncited.
pub async fn is_cited(ctx: &Context<'_>, record: CitationsOf) -> ApiResult<bool> {
    Ok(!list(loaders(ctx)?, record).await?.is_empty())
}

/// When the visible sources behind a record (or one `field` of it) last verified it
/// (`kb::freshness`); None: never.
pub async fn last_verified(
    ctx: &Context<'_>,
    record: CitationsOf,
    field: Option<&str>,
) -> ApiResult<Option<crate::kb::values::PartialDate>> {
    let loaders = loaders(ctx)?;
    let rows = list(loaders, record).await?;
    let wanted = rows
        .iter()
        .filter(|c| field.is_none() || c.field.as_deref() == field)
        .map(|c| SourceById(c.source_id))
        .collect::<Vec<_>>();
    let sources = many(loaders, wanted).await?;
    Ok(crate::kb::freshness::newest(
        sources
            .values()
            .filter_map(|s| crate::kb::freshness::verified_on(s)),
    ))
}

/// A source standing behind a record, or behind one field of it.
#[Object]
impl Citation {
    /// Opaque global ID, for `node(id:)`.
    pub async fn id(&self) -> ID {
        encode(RecordKind::Citation, self.0.id)
    }

    /// The source.
    async fn source(&self, ctx: &Context<'_>) -> Option<InPlace<Source>> {
        let found = async {
            Ok(one(loaders(ctx)?, SourceById(self.0.source_id))
                .await?
                .map(|s| InPlace(Source(s))))
        };
        super::error::or_null(ctx, found.await)
    }

    /// The field of the record the source supports; null when it supports the whole record.
    async fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    /// The passage of the source that supports the fact, verbatim.
    async fn excerpt(&self) -> Option<&str> {
        self.0.excerpt.as_deref()
    }

    /// How strongly this source supports the fact, never more than the kind of source can
    /// confirm (news, an agency or a law firm: at most SECONDARY); null means not assessed.
    async fn confidence(&self, ctx: &Context<'_>) -> ApiResult<Option<Confidence>> {
        let source = one(loaders(ctx)?, SourceById(self.0.source_id)).await?;
        let confidence = match source {
            Some(s) => crate::kb::confidence::of_citation(self.0.confidence, s.kind),
            None => self.0.confidence,
        };
        Ok(confidence.map(Into::into))
    }
}

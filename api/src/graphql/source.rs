//! `Source`: a publication that facts cite, and its list filter.

use super::enums::SourceKind;
use super::ids::{RecordKind, encode};
use super::in_place::LoaderFields;
use super::scalars::{Date, PartialDate};
use crate::kb::error::ApiResult;
use crate::kb::matching::text_condition;
use async_graphql::{ID, InputObject, Object};
use entity::source;
use sea_orm::{ColumnTrait, QueryFilter, Select};

/// A publication that supports facts. Fields that are not known stay null, never guessed.
pub struct Source(pub std::sync::Arc<source::Model>);

impl From<source::Model> for Source {
    fn from(row: source::Model) -> Self {
        Self(std::sync::Arc::new(row))
    }
}

/// Every field reads the row.
impl LoaderFields for Source {
    const LOADER_FIELDS: &'static [&'static str] = &[];
}

/// A publication that supports facts. Fields that are not known stay null, never guessed.
#[Object]
impl Source {
    /// Opaque global ID, for `node(id:)`.
    pub async fn id(&self) -> ID {
        encode(RecordKind::Source, self.0.id)
    }

    /// The page, normalised; null for a source known only by its title.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// Title of the page or document.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Who published it.
    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }

    /// What kind of publication it is.
    async fn kind(&self) -> SourceKind {
        self.0.kind.into()
    }

    /// Language (BCP 47), when known.
    async fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }

    /// When it was published, to the precision known.
    async fn published_on(&self) -> Option<PartialDate> {
        PartialDate::from_parts(self.0.published_on, self.0.published_precision)
    }

    /// The publication date in words when it is not a plain date (e.g. `unknown (Oct 2025)`).
    async fn published_note(&self) -> Option<&str> {
        self.0.published_note.as_deref()
    }

    /// When it was last read.
    async fn accessed_on(&self) -> Option<Date> {
        self.0.accessed_on.map(Date)
    }

    /// An archived copy.
    async fn archived_url(&self) -> Option<&str> {
        self.0.archived_url.as_deref()
    }

    /// The licence of the content, when it is reused.
    async fn licence(&self) -> Option<&str> {
        self.0.licence.as_deref()
    }

    /// The credit line the licence asks for.
    async fn attribution(&self) -> Option<&str> {
        self.0.attribution.as_deref()
    }

    /// What the source says, in brief.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// Which sources to list.
#[derive(InputObject, Debug, Default)]
pub struct SourceFilter {
    /// Kinds of publication.
    pub kind: Option<Vec<SourceKind>>,
    /// Words in the title or publisher (case-insensitive substring).
    pub text: Option<String>,
}

impl SourceFilter {
    pub fn apply(self, mut select: Select<source::Entity>) -> ApiResult<Select<source::Entity>> {
        if let Some(kinds) = self.kind {
            select = select.filter(
                source::Column::Kind.is_in(kinds.into_iter().map(entity::enums::SourceKind::from)),
            );
        }
        if let Some(text) = self.text {
            select = select.filter(text_condition(
                "filter.text",
                &text,
                &[source::Column::Title, source::Column::Publisher],
            )?);
        }
        Ok(select)
    }
}

//! `SourceInput`: a publication facts are cited from.

use super::{Changes, ContentInput};
use crate::graphql::enums::SourceKind;
use crate::graphql::scalars::Date;
use crate::kb::RecordKind;
use crate::kb::error::ApiResult;
use async_graphql::{InputObject, MaybeUndefined};
use entity::enums as db;
use sea_orm::DatabaseTransaction;
use serde_json::{Map, Value};

/// A source's fields. Required on create: `title`, `kind`. Unknown fields stay empty.
#[derive(InputObject, Default)]
pub struct SourceInput {
    /// Where it is (http or https); normalised and unique. Null for a source known only by
    /// its title.
    pub url: MaybeUndefined<String>,
    /// Title as published.
    pub title: MaybeUndefined<String>,
    /// Who published it.
    pub publisher: MaybeUndefined<String>,
    /// What kind of publication it is.
    pub kind: MaybeUndefined<SourceKind>,
    /// Language tag, e.g. `en` or `zh-CN`.
    pub language: MaybeUndefined<String>,
    /// When it was published: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub published_on: MaybeUndefined<String>,
    /// The publication date as written when it is not a plain date.
    pub published_note: MaybeUndefined<String>,
    /// When it was last read.
    pub accessed_on: MaybeUndefined<Date>,
    /// An archived copy (http or https).
    pub archived_url: MaybeUndefined<String>,
    /// Its licence, e.g. `CC BY 4.0`.
    pub licence: MaybeUndefined<String>,
    /// Attribution its licence asks for.
    pub attribution: MaybeUndefined<String>,
    /// Editor's note.
    pub note: MaybeUndefined<String>,
}

/// A BCP 47-shaped tag (`kb::values::LanguageTag`).
fn language(tag: String) -> Result<String, String> {
    crate::kb::values::LanguageTag::parse(&tag).map(String::from)
}

impl ContentInput for SourceInput {
    const KIND: RecordKind = RecordKind::Source;

    async fn changes(
        &self,
        _txn: &DatabaseTransaction,
        creating: bool,
    ) -> ApiResult<Map<String, Value>> {
        let mut c = Changes::new(creating);
        c.url("url", "url", &self.url, false)?;
        c.text("title", "title", &self.title, 1_000, true)?;
        c.text("publisher", "publisher", &self.publisher, 300, false)?;
        c.plain::<_, db::SourceKind>("kind", "kind", &self.kind, true)?;
        c.field("language", "language", &self.language, false, language)?;
        c.partial_date(
            "publishedOn",
            ("published_on", "published_precision"),
            &self.published_on,
            false,
        )?;
        c.text(
            "publishedNote",
            "published_note",
            &self.published_note,
            300,
            false,
        )?;
        c.date("accessedOn", "accessed_on", &self.accessed_on, false)?;
        c.url("archivedUrl", "archived_url", &self.archived_url, false)?;
        c.text("licence", "licence", &self.licence, 300, false)?;
        c.text(
            "attribution",
            "attribution",
            &self.attribution,
            2_000,
            false,
        )?;
        c.text("note", "note", &self.note, 5_000, false)?;
        Ok(c.into_map())
    }
}

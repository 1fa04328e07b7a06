//! `search(query:)`: ranked full-text hits across programs, requirements, commentary and
//! sources, each with a highlighted snippet. See `crate::search` for how matching works.

use super::commentary::Commentary;
use super::context::{db, limits, loaders};
use super::editorial::camel;
use super::ids::RecordKind;
use super::loaders::{RowOf, one};
use super::node::read;
use super::pagination::{Page, PageArgs, paginate_statement};
use super::person::Person;
use super::program::Program;
use super::requirement::Requirement;
use super::source::Source;
use crate::kb::error::{ApiError, ApiResult};
use crate::search::query::{best_passage, kind, matches, parse, ranking};
use async_graphql::{Context, Object, Union};
use entity::{commentary, person, program, requirement, source};
use serde_json::{Map, Value};
use std::sync::Arc;

/// What a search finds.
#[derive(Union)]
pub enum SearchResult {
    /// A program (by name, local name, summary or description).
    Program(Program),
    /// A requirement of a program.
    Requirement(Requirement),
    /// Commentary.
    Commentary(Commentary),
    /// A source.
    Source(Source),
    /// An expert or official (by name, affiliation or role).
    Person(Person),
}

/// One search hit.
pub struct SearchHit {
    kind: RecordKind,
    id: i32,
    score: i64,
    terms: Arc<Vec<String>>,
    /// The best field and its snippet, read once for both fields.
    best: tokio::sync::OnceCell<Option<(String, String)>>,
}

/// One search hit: the record, how well it matches, and where.
#[Object]
impl SearchHit {
    /// The record found.
    async fn node(&self, ctx: &Context<'_>) -> Option<SearchResult> {
        let found = async {
            match self.row(ctx).await? {
                Some(row) => result_of(self.kind, &row),
                None => Ok(None),
            }
        };
        super::error::or_null(ctx, found.await)
    }

    /// Relevance: the summed weight of the matching fields (a name counts most).
    async fn score(&self) -> i64 {
        self.score
    }

    /// The field the snippet comes from (`name`, `localName`, `summary`, `description`,
    /// `body`, `groupName`, `title`, `publisher`, `affiliation`, `role`).
    async fn field(&self, ctx: &Context<'_>) -> Option<String> {
        let found = async {
            Ok(self
                .best(ctx)
                .await?
                .as_ref()
                .map(|(field, _)| field.clone()))
        };
        super::error::or_null(ctx, found.await)
    }

    /// The passage that matches, HTML-escaped, with the matching words in `<mark>`.
    async fn snippet(&self, ctx: &Context<'_>) -> Option<String> {
        let found = async {
            Ok(self
                .best(ctx)
                .await?
                .as_ref()
                .map(|(_, snippet)| snippet.clone()))
        };
        super::error::or_null(ctx, found.await)
    }
}

impl SearchHit {
    /// The record's row, read with the page's other hits (the node and the snippet share it).
    async fn row(&self, ctx: &Context<'_>) -> ApiResult<Option<Arc<Map<String, Value>>>> {
        Ok(one(loaders(ctx)?, RowOf(self.kind, self.id)).await?)
    }

    /// The field that matches best, and its snippet (read once per hit).
    async fn best(&self, ctx: &Context<'_>) -> ApiResult<&Option<(String, String)>> {
        self.best.get_or_try_init(|| self.find_best(ctx)).await
    }

    async fn find_best(&self, ctx: &Context<'_>) -> ApiResult<Option<(String, String)>> {
        let Some(row) = self.row(ctx).await? else {
            return Ok(None);
        };
        Ok(best_passage(self.kind, &row, &self.terms)
            .map(|(field, snippet)| (camel(field), snippet)))
    }
}

/// The GraphQL object of a hit's row (search finds these five kinds).
fn result_of(kind: RecordKind, row: &Map<String, Value>) -> ApiResult<Option<SearchResult>> {
    Ok(Some(match kind {
        RecordKind::Program => {
            SearchResult::Program(Program::from(read::<program::Model>(kind, row)?))
        }
        RecordKind::Requirement => {
            SearchResult::Requirement(Requirement::from(read::<requirement::Model>(kind, row)?))
        }
        RecordKind::Commentary => {
            SearchResult::Commentary(Commentary::from(read::<commentary::Model>(kind, row)?))
        }
        RecordKind::Source => SearchResult::Source(Source::from(read::<source::Model>(kind, row)?)),
        RecordKind::Person => SearchResult::Person(Person::from(read::<person::Model>(kind, row)?)),
        _ => return Ok(None),
    }))
}

/// Runs a search, a page at a time.
pub async fn search(ctx: &Context<'_>, query: &str, args: PageArgs) -> ApiResult<Page<SearchHit>> {
    let terms = Arc::new(parse("query", query)?);
    let ranking = ranking();
    let db = db(ctx)?;
    paginate_statement(
        db,
        matches(db, &terms).await?,
        &ranking,
        args,
        limits(ctx)?,
        |row| {
            // The ranking's keys are read back typed alike on both backends.
            let at = ranking.position(row)?;
            let kind_name: String = row.try_get("", "record_type")?;
            Ok(SearchHit {
                kind: kind(&kind_name)
                    .ok_or_else(|| ApiError::Internal(format!("search found a `{kind_name}`")))?,
                id: row.try_get("", "record_id")?,
                score: at.int(0).unwrap_or_default(),
                terms: terms.clone(),
                best: tokio::sync::OnceCell::new(),
            })
        },
    )
    .await
}

//! The root `Query`: the public, read-only API. Readers only ever see published records.

use super::commentary::{Commentary, CommentaryFilter, published_commentaries};
use super::context::{db, limits};
use super::node::{self, Node};
use super::pagination::{Page, PageArgs, paginate};
use super::person::{Person, PersonFilter, published_people};
use super::policy_event::{PolicyEvent, PolicyEventFilter, published_events};
use super::program::{Program, ProgramFilter, ProgramOrder, published_programs};
use super::source::{Source, SourceFilter, published_sources};
use crate::error::{ApiError, ApiResult};
use crate::import::normalize::is_slug;
use async_graphql::{Context, ID, Object};
use chrono::Utc;
use entity::program;
use sea_orm::{ColumnTrait, QueryFilter};

/// What one node of a page costs in complexity: the largest page, whatever page size was asked.
/// (async-graphql 8.0.0-rc.5 fails a request whose complexity expression reads an omitted
/// variable, so the cost cannot depend on `first`/`last`.)
const PAGE_COST: usize = 100;

/// Rejects a malformed slug before it reaches the database.
pub fn check_slug(field: &str, slug: &str) -> ApiResult<()> {
    if is_slug(slug) {
        Ok(())
    } else {
        Err(ApiError::bad_input(
            field,
            "a slug is lowercase letters, digits and single hyphens (at most 120), e.g. `cn-k-visa`",
        ))
    }
}

/// Reading the knowledge base.
pub struct Query;

/// Reading the knowledge base.
// Connection fields take the four Relay paging arguments besides their own.
#[allow(clippy::too_many_arguments)]
#[Object]
impl Query {
    /// Any record by its global ID; null when it does not exist or is not published.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
        node::load(db(ctx)?, &id).await
    }

    /// One program by its slug (e.g. `cn-k-visa`). NOT_FOUND when no published program has it.
    async fn program(&self, ctx: &Context<'_>, slug: String) -> ApiResult<Program> {
        check_slug("slug", &slug)?;
        published_programs()
            .filter(program::Column::Slug.eq(slug.as_str()))
            .one(db(ctx)?)
            .await?
            .map(Program::from)
            .ok_or_else(|| ApiError::not_found(format!("no program with slug `{slug}`")))
    }

    /// Programs, filtered and ordered (by name unless `orderBy` says otherwise), a page at a time.
    #[graphql(complexity = "PAGE_COST * child_complexity + 1")]
    async fn programs(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProgramFilter>,
        order_by: Option<ProgramOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Program>> {
        let db = db(ctx)?;
        let today = Utc::now().date_naive();
        let select = filter
            .unwrap_or_default()
            .apply(published_programs(), today)?;
        let select = order_by
            .unwrap_or_default()
            .apply(select, db.get_database_backend());
        paginate(
            db,
            select,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            limits(ctx)?,
            Program::from,
        )
        .await
    }

    /// Sources, a page at a time.
    #[graphql(complexity = "PAGE_COST * child_complexity + 1")]
    async fn sources(
        &self,
        ctx: &Context<'_>,
        filter: Option<SourceFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Source>> {
        let select = filter.unwrap_or_default().apply(published_sources())?;
        paginate(
            db(ctx)?,
            select,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            limits(ctx)?,
            Source::from,
        )
        .await
    }

    /// Experts and officials, by name, a page at a time.
    #[graphql(complexity = "PAGE_COST * child_complexity + 1")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Person>> {
        let select = filter.unwrap_or_default().apply(published_people())?;
        paginate(
            db(ctx)?,
            select,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            limits(ctx)?,
            Person::from,
        )
        .await
    }

    /// Commentary, oldest statement first (undated last), a page at a time.
    #[graphql(complexity = "PAGE_COST * child_complexity + 1")]
    async fn commentaries(
        &self,
        ctx: &Context<'_>,
        filter: Option<CommentaryFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Commentary>> {
        let select = filter.unwrap_or_default().apply(published_commentaries())?;
        paginate(
            db(ctx)?,
            select,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            limits(ctx)?,
            Commentary::from,
        )
        .await
    }

    /// Policy events across programs, newest first, a page at a time.
    #[graphql(complexity = "PAGE_COST * child_complexity + 1")]
    async fn policy_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<PolicyEventFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<PolicyEvent>> {
        let select = filter.unwrap_or_default().apply(published_events())?;
        paginate(
            db(ctx)?,
            select,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            limits(ctx)?,
            PolicyEvent::from,
        )
        .await
    }
}

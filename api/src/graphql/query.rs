//! The root `Query`: the public, read-only API. Readers only ever see published records.

use super::change::Change;
use super::commentary::{Commentary, CommentaryFilter};
use super::compare::{Comparison, compare};
use super::context::{db, limits};
use super::editorial::{
    AuditEntry, EditorialRecord, RecordType, Revision, WorkList, WorkListFilter, revisions_of,
};
use super::eligibility::{Likelihood, ProfileInput, ProgramEligibility, eligible_programs};
use super::enums::{EditorialState, PolicyEventKind};
use super::error::or_null;
use super::guard::{RequireRole, require};
use super::ids::{RecordKind, decode, decode_named};
use super::node::{self, Node};
use super::pagination::{ConnectionTotals, Page, PageArgs, offset_page, paginate};
use super::person::{Person, PersonFilter};
use super::policy_event::{PolicyEvent, PolicyEventFilter};
use super::program::{Program, ProgramFilter, ProgramOrder};
use super::scalars::Date;
use super::search::{SearchHit, search};
use super::source::{Source, SourceFilter};
use super::user::User;
use crate::auth::{Viewer, accounts};
use crate::graphql::scalars::Timestamp;
use crate::kb::changes::{count_public_changes, public_changes};
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::lists;
use crate::kb::values::{CountryCode, check_slug};
use crate::store::rows;
use async_graphql::{Context, ID, InputObject, Object};

use chrono::Utc;
use entity::audit_log;
use entity::enums::Role;
use entity::program;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// `filter.country` → `countries`: the timeline's argument names.
fn timeline_field(field: &str) -> String {
    match field {
        "filter.country" => "countries",
        "filter.programs" => "programs",
        "filter.to" => "to",
        other => other,
    }
    .to_owned()
}

/// Narrows the audit log.
#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    /// Entries of this account.
    pub user_id: Option<ID>,
    /// Entries with this action, e.g. `Program.publish` or `login.failed`.
    pub action: Option<String>,
    /// Entries about this record (a content ID).
    pub record_id: Option<ID>,
}

/// Reading the knowledge base.
pub struct Query;

/// Reading the knowledge base.
// Connection fields take the four Relay paging arguments besides their own.
#[allow(clippy::too_many_arguments)]
#[Object]
impl Query {
    /// The signed-in account; null for the public.
    async fn me(&self, ctx: &Context<'_>) -> Option<User> {
        ctx.data_opt::<Viewer>()
            .and_then(|v| v.user.clone())
            .map(User::from)
    }

    /// Every account (admins).
    #[graphql(guard = "RequireRole(Role::Admin)")]
    async fn users(&self, ctx: &Context<'_>) -> ApiResult<Vec<User>> {
        Ok(accounts::list(db(ctx)?)
            .await?
            .into_iter()
            .map(User::from)
            .collect())
    }

    /// The audit log, newest first (admins).
    #[graphql(guard = "RequireRole(Role::Admin)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditLogFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<AuditEntry>> {
        let filter = filter.unwrap_or_default();
        let mut select = audit_log::Entity::find();
        if let Some(user) = &filter.user_id {
            select = select.filter(audit_log::Column::UserId.eq(decode_named(
                user,
                "User",
                "filter.userId",
            )?));
        }
        if let Some(action) = &filter.action {
            select = select.filter(audit_log::Column::Action.eq(action.as_str()));
        }
        if let Some(record) = &filter.record_id {
            let (kind, id) = decode(record)?;
            select = select
                .filter(audit_log::Column::RecordType.eq(kind.stored_name()))
                .filter(audit_log::Column::RecordId.eq(id));
        }
        paginate(
            db(ctx)?,
            select,
            &lists::audit_order(),
            PageArgs::new(ctx, first, after, last, before),
            limits(ctx)?,
            AuditEntry::from,
        )
        .await
    }

    /// Any content record in any state, with its pending draft (editors). Null, with an error,
    /// when the ID is bad or the viewer may not see it.
    async fn editorial_record(&self, ctx: &Context<'_>, id: ID) -> Option<EditorialRecord> {
        let found = async {
            require(ctx, Role::Editor)?;
            let (kind, row) = decode(&id)?;
            EditorialRecord::load(db(ctx)?, kind, row).await
        };
        or_null(ctx, found.await)
    }

    /// Records of one type in any state (or in `state`), most recently changed first (editors).
    /// `limit` is at most the largest page size. `workList` filters more and counts.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn editorial_records(
        &self,
        ctx: &Context<'_>,
        record_type: RecordType,
        state: Option<EditorialState>,
        #[graphql(default = 20)] limit: i32,
        #[graphql(default = 0)] offset: i32,
    ) -> ApiResult<Vec<EditorialRecord>> {
        let filter = WorkListFilter {
            state,
            ..WorkListFilter::default()
        };
        Ok(work_list(ctx, record_type, filter, limit, offset, "")
            .await?
            .records)
    }

    /// The editors' work list: records of one type in any state, filtered, most recently
    /// changed first, with their total (editors). `limit` is at most the largest page size.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn work_list(
        &self,
        ctx: &Context<'_>,
        record_type: RecordType,
        filter: Option<WorkListFilter>,
        #[graphql(default = 20)] limit: i32,
        #[graphql(default = 0)] offset: i32,
    ) -> ApiResult<WorkList> {
        work_list(
            ctx,
            record_type,
            filter.unwrap_or_default(),
            limit,
            offset,
            "filter.",
        )
        .await
    }

    /// Published values to check again (editors): past a scheduled end with no source since,
    /// never verified, or last verified more than `staleAfterDays` days ago (default
    /// `VISA_KB_REVERIFY_AFTER_DAYS`, 365). Most urgent first. `limit` is at most the largest
    /// page size.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn values_to_reverify(
        &self,
        ctx: &Context<'_>,
        stale_after_days: Option<i32>,
        #[graphql(default = 20)] limit: i32,
        #[graphql(default = 0)] offset: i32,
    ) -> ApiResult<super::reverify::ReverifyList> {
        super::reverify::list(ctx, stale_after_days, limit, offset).await
    }

    /// Every revision of a record, newest first, with field-level diffs (editors).
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn revisions(&self, ctx: &Context<'_>, of: ID) -> ApiResult<Vec<Revision>> {
        require(ctx, Role::Editor)?;
        let (kind, row) = decode(&of).map_err(|_| {
            ApiError::bad_input("of", format!("`{}` is not a valid ID", of.as_str()))
        })?;
        revisions_of(db(ctx)?, kind, row).await
    }

    /// Any record by its global ID; null when it does not exist or is not published.
    /// A malformed ID is an error on this field only.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Option<Node> {
        let found = async { node::load(db(ctx)?, &id).await };
        or_null(ctx, found.await)
    }

    /// One program by its slug (e.g. `cn-k-visa`): null, with a NOT_FOUND error on this field
    /// only, when no published program has it. With `asOf`, its `fees` and `status` are as they
    /// stood on that date.
    async fn program(
        &self,
        ctx: &Context<'_>,
        slug: String,
        as_of: Option<Date>,
    ) -> Option<Program> {
        let found = async {
            check_slug("slug", &slug)?;
            lists::programs()
                .filter(program::Column::Slug.eq(slug.as_str()))
                .one(db(ctx)?)
                .await?
                .map(|row| Some(Program::from(row).seen_on(as_of.map(|d| d.0))))
                .ok_or_else(|| ApiError::not_found(format!("no program with slug `{slug}`")))
        };
        or_null(ctx, found.await)
    }

    /// Programs, filtered and ordered (by name unless `orderBy` says otherwise), a page at a time.
    /// With `asOf`, each program's `fees` and `status` are as they stood on that date (the
    /// filters apply to today's data).
    async fn programs(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProgramFilter>,
        order_by: Option<ProgramOrder>,
        as_of: Option<Date>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Program>> {
        let db = db(ctx)?;
        let today = Utc::now().date_naive();
        let (select, by_words) = filter.unwrap_or_default().apply(lists::programs(), today)?;
        let ordering = order_by
            .unwrap_or_default()
            .ordering(db.get_database_backend());
        paginate(
            db,
            select,
            &ordering,
            PageArgs::new(ctx, first, after, last, before).matches_read_whole(by_words),
            limits(ctx)?,
            move |row| Program::from(row).seen_on(as_of.map(|d| d.0)),
        )
        .await
    }

    /// Sources, a page at a time.
    async fn sources(
        &self,
        ctx: &Context<'_>,
        filter: Option<SourceFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Source>> {
        let select = filter.unwrap_or_default().apply(lists::sources())?;
        paginate(
            db(ctx)?,
            select,
            &lists::sources_order(),
            PageArgs::new(ctx, first, after, last, before),
            limits(ctx)?,
            Source::from,
        )
        .await
    }

    /// Experts and officials, by name, a page at a time.
    async fn people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Person>> {
        let select = filter.unwrap_or_default().apply(lists::people())?;
        paginate(
            db(ctx)?,
            select,
            &lists::people_order(db(ctx)?.get_database_backend()),
            PageArgs::new(ctx, first, after, last, before),
            limits(ctx)?,
            Person::from,
        )
        .await
    }

    /// Commentary, oldest statement first (undated last), a page at a time.
    async fn commentaries(
        &self,
        ctx: &Context<'_>,
        filter: Option<CommentaryFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Commentary>> {
        let select = filter.unwrap_or_default().apply(lists::commentaries())?;
        paginate(
            db(ctx)?,
            select,
            &lists::commentaries_order(),
            PageArgs::new(ctx, first, after, last, before),
            limits(ctx)?,
            Commentary::from,
        )
        .await
    }

    /// Policy events across programs, newest first, a page at a time.
    async fn policy_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<PolicyEventFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<PolicyEvent>> {
        let select = filter.unwrap_or_default().apply(lists::events())?;
        paginate(
            db(ctx)?,
            select,
            &lists::events_order(),
            PageArgs::new(ctx, first, after, last, before),
            limits(ctx)?,
            PolicyEvent::from,
        )
        .await
    }
    /// 2 to 10 programs side by side: one row per attribute, each cell with its value, its
    /// state (known, unverified, unconfirmed, unknown) and the citations behind it. With `asOf`, status and
    /// fees are as they stood on that date.
    async fn compare(
        &self,
        ctx: &Context<'_>,
        slugs: Vec<String>,
        as_of: Option<Date>,
    ) -> ApiResult<Comparison> {
        compare(ctx, slugs, as_of.map(|d| d.0)).await
    }

    /// Every published program checked against a profile: LIKELY, UNLIKELY or UNKNOWN with
    /// the reason for each requirement, LIKELY first, then UNKNOWN, then UNLIKELY, each by
    /// name; a page at a time. An unknown never counts as a pass or a fail; incomes in other
    /// currencies are not converted. `only` keeps some results.
    #[allow(clippy::too_many_arguments)]
    async fn eligible_programs(
        &self,
        ctx: &Context<'_>,
        profile: ProfileInput,
        only: Option<Vec<Likelihood>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<ProgramEligibility>> {
        let args = PageArgs::new(ctx, first, after, last, before);
        eligible_programs(ctx, profile, only.as_deref(), args).await
    }

    /// Ranked full-text search across programs (name, local name, summary, description),
    /// requirements, commentary, sources and people (name, affiliation, role). Every word must match; case and accents do not
    /// matter; English words match their other forms and longer words they begin (`sponsor`
    /// finds "sponsorship"); Chinese and Japanese match by characters (`签证`, `K字签证`).
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<SearchHit>> {
        search(ctx, &query, PageArgs::new(ctx, first, after, last, before)).await
    }

    /// What readers could see change since a moment, newest first: records published for
    /// the first time and updates of published records, each with what changed. Also as an
    /// Atom feed at `/feed.atom`.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        since: Timestamp,
        record_types: Option<Vec<RecordType>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Change>> {
        let kinds: Vec<RecordKind> = record_types
            .unwrap_or_default()
            .into_iter()
            .map(RecordKind::from)
            .collect();
        let select = public_changes(Some(since.0), &kinds);
        let db = db(ctx)?;
        let mut page = paginate(
            db,
            select,
            &lists::changes_order(),
            PageArgs::new(ctx, first, after, last, before).total_counted_apart(),
            limits(ctx)?,
            Change::from,
        )
        .await?;
        page.additional_fields =
            ConnectionTotals::summed(db, count_public_changes(since.0, &kinds));
        Ok(page)
    }

    /// Policy events across programs, newest first: the timeline journalists ask for.
    /// The same as `policyEvents(filter:)`, spelled with plural filters.
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        from: Option<Date>,
        to: Option<Date>,
        countries: Option<Vec<String>>,
        programs: Option<Vec<String>>,
        kinds: Option<Vec<PolicyEventKind>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<PolicyEvent>> {
        let filter = PolicyEventFilter {
            program: None,
            programs,
            country: countries.map(|cs| cs.into_iter().map(|c| c.to_uppercase()).collect()),
            kind: kinds,
            from,
            to,
        };
        let select = filter.apply(lists::events()).map_err(|e| match e {
            ApiError::BadUserInput { message, field } => ApiError::BadUserInput {
                message,
                field: field.map(|f| timeline_field(&f)),
            },
            other => other,
        })?;
        paginate(
            db(ctx)?,
            select,
            &lists::events_order(),
            PageArgs::new(ctx, first, after, last, before),
            limits(ctx)?,
            PolicyEvent::from,
        )
        .await
    }
}

/// A page of the work list; `prefix` is where the filter's fields are named in errors.
async fn work_list(
    ctx: &Context<'_>,
    record_type: RecordType,
    filter: WorkListFilter,
    limit: i32,
    offset: i32,
    prefix: &str,
) -> ApiResult<WorkList> {
    let (limit, offset) = offset_page(limits(ctx)?, limit, offset)?;
    let kind = record_type.into();
    let country = filter
        .country
        .map(|code| {
            let field = format!("{prefix}country");
            if !rows::has_country(kind) {
                return Err(ApiError::bad_input(
                    &field,
                    "only programs, requirements, fees and policy events have a country",
                ));
            }
            CountryCode::parse(&code)
                .map(String::from)
                .map_err(|why| ApiError::bad_input(&field, why))
        })
        .transpose()?;
    let author = filter
        .author
        .map(|id| decode_named(&id, "User", &format!("{prefix}author")))
        .transpose()?;
    let of = filter
        .of
        .map(|id| {
            let field = format!("{prefix}of");
            let (parent, row) =
                decode(&id).map_err(|_| ApiError::bad_input(&field, "not a valid ID"))?;
            if !rows::can_belong(kind, parent) {
                return Err(ApiError::bad_input(
                    &field,
                    format!(
                        "no {} belongs to a {}",
                        kind.stored_name(),
                        parent.stored_name()
                    ),
                ));
            }
            Ok((parent, row))
        })
        .transpose()?;
    let text = filter
        .text
        .map(|text| {
            let field = format!("{prefix}text");
            // The same bounds as every other text filter.
            crate::kb::matching::text_condition::<entity::program::Column>(&field, &text, &[])
                .map(|_| text.trim().to_owned())
        })
        .transpose()?;
    let store_filter = rows::WorkFilter {
        of,
        text,
        state: filter
            .state
            .map(|s| entity::enums::EditorialState::from(s).as_str()),
        pending: filter.pending,
        country,
        author,
    };
    let db = db(ctx)?;
    let (ids, total_count) = rows::work_ids(db, kind, &store_filter, limit, offset).await?;
    let records = EditorialRecord::load_many(db, kind, ids).await?;
    Ok(WorkList {
        total_count,
        records,
    })
}

//! `Program`: a visa or talent-mobility program, its filters and its ordering.

use super::citation::Citation;
use super::commentary::Commentary;
use super::context::loaders;
use super::enums::{
    Category, Entries, LegalStatus, PrPath, RequirementKind, SortDirection, WorkAuthorization,
    YesNoUnknown,
};
use super::fact::Fact;
use super::fee::Fee;
use super::ids::{RecordKind, encode};
use super::loaders::{CitationsOf, CommentariesOf, EventsOf, FactsOf, FeesOf, RequirementsOf};
use super::policy_event::PolicyEvent;
use super::requirement::Requirement;
use super::scalars::{Duration, ExactDecimal, PartialDate};
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::fees::is_current;
use crate::kb::status::{Status, status_on};
use crate::kb::values::{is_country_code, is_currency_code, money_to_e4};
use crate::kb::visibility;
use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{fee, program, requirement};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, NullOrdering, Order, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, DbBackend, QueryFilter, QueryOrder, Select};

/// A visa or talent-mobility program, seen today or as it stood on a date (`asOf`).
pub struct Program(pub std::sync::Arc<program::Model>, pub Option<NaiveDate>);

impl From<program::Model> for Program {
    fn from(row: program::Model) -> Self {
        Self(std::sync::Arc::new(row), None)
    }
}

impl From<std::sync::Arc<program::Model>> for Program {
    fn from(row: std::sync::Arc<program::Model>) -> Self {
        Self(row, None)
    }
}

impl Program {
    /// The same program seen as it stood on `day`.
    pub fn seen_on(self, day: Option<NaiveDate>) -> Self {
        Self(self.0, day)
    }

    /// The day the program is seen on: `asOf`, or today.
    fn day(&self) -> NaiveDate {
        self.1.unwrap_or_else(|| Utc::now().date_naive())
    }
}

/// Where a program stood legally on a day, and what says so (`kb::status`).
pub struct ProgramStatus(pub Status);

/// Where a program stood legally on a day, and what says so.
#[Object]
impl ProgramStatus {
    /// The legal status on that day; null when the knowledge base cannot tell (no dated event
    /// or date before it).
    async fn legal_status(&self) -> Option<LegalStatus> {
        self.0.status.map(Into::into)
    }

    /// The day it is seen on.
    async fn as_of(&self) -> super::scalars::Date {
        super::scalars::Date(self.0.day)
    }

    /// Since when, to the precision known.
    async fn since(&self) -> Option<PartialDate> {
        self.0.since.map(PartialDate)
    }

    /// The policy event it follows from, when one does (with its citations).
    async fn event(&self) -> Option<PolicyEvent> {
        self.0.event.clone().map(PolicyEvent)
    }
}

/// A visa or talent-mobility program.
#[Object]
impl Program {
    /// Opaque global ID, for `node(id:)`.
    pub async fn id(&self) -> ID {
        encode(RecordKind::Program, self.0.id)
    }

    /// Its stable permalink (JSON-LD there with `Accept: application/ld+json`).
    async fn permalink(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(super::context::base(ctx)?.program(&self.0.slug))
    }

    /// A ready-to-paste citation: "visa-kb, 'China K visa', revision 7, retrieved …, <permalink>".
    async fn cite_as(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let link = super::context::base(ctx)?.program(&self.0.slug);
        Ok(crate::permalink::cite_as(
            &self.0.name,
            self.0.version,
            &link,
        ))
    }

    /// Stable, URL-safe identifier, e.g. `cn-k-visa`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name in English.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Name in the country's language, e.g. `K字签证`.
    async fn local_name(&self) -> Option<&str> {
        self.0.local_name.as_deref()
    }

    /// ISO 3166-1 alpha-2 code of the country (or territory) that runs the program.
    async fn country(&self) -> &str {
        &self.0.country
    }

    /// What kind of route this is.
    async fn category(&self) -> Category {
        self.0.category.into()
    }

    /// Where the program stands legally today.
    async fn legal_status(&self) -> LegalStatus {
        self.0.legal_status.into()
    }

    /// One-line description.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }

    /// Longer description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Who runs the program.
    async fn administering_authority(&self) -> Option<&str> {
        self.0.administering_authority.as_deref()
    }

    /// The law or decree the program rests on.
    async fn legal_basis(&self) -> Option<&str> {
        self.0.legal_basis.as_deref()
    }

    /// The government's page about the program.
    async fn official_url(&self) -> Option<&str> {
        self.0.official_url.as_deref()
    }

    /// When the program was announced.
    async fn announced_on(&self) -> Option<PartialDate> {
        PartialDate::from_parts(self.0.announced_on, self.0.announced_precision)
    }

    /// When the program came (or comes) into force; null when not known exactly (see `facts`).
    async fn in_force_on(&self) -> Option<PartialDate> {
        PartialDate::from_parts(self.0.in_force_on, self.0.in_force_precision)
    }

    /// When the program ends, if an end is set.
    async fn ends_on(&self) -> Option<PartialDate> {
        PartialDate::from_parts(self.0.ends_on, self.0.ends_precision)
    }

    /// How long a visa or permit is valid; null when not known as a number (see `facts`).
    async fn validity(&self) -> Option<Duration> {
        Duration::from_parts(self.0.validity_value, self.0.validity_unit)
    }

    /// The longest stay allowed; null when not known as a number (see `facts`).
    async fn max_stay(&self) -> Option<Duration> {
        Duration::from_parts(self.0.max_stay_value, self.0.max_stay_unit)
    }

    /// How many entries the visa allows.
    async fn entries(&self) -> Entries {
        self.0.entries.into()
    }

    /// Whether an employer must sponsor (or offer a job to) the applicant.
    async fn employer_sponsorship(&self) -> YesNoUnknown {
        self.0.employer_sponsorship.into()
    }

    /// Whether the holder may work.
    async fn work_authorization(&self) -> WorkAuthorization {
        self.0.work_authorization.into()
    }

    /// Whether the program leads to permanent residence.
    async fn pr_path(&self) -> PrPath {
        self.0.pr_path.into()
    }

    /// Increases with every change of the record.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the record last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Eligibility requirements, in order.
    async fn requirements(&self, ctx: &Context<'_>) -> ApiResult<Vec<Requirement>> {
        let rows = loaders(ctx)?
            .load_one(RequirementsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.iter().cloned().map(Requirement).collect())
    }

    /// Fees, oldest first: the whole history, or with `current: true` only those in effect
    /// today. Seen `asOf` a date: fees that had taken effect by then, or (`current: true`) those
    /// in effect on that date.
    async fn fees(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] current: bool,
    ) -> ApiResult<Vec<Fee>> {
        let day = self.day();
        let rows = loaders(ctx)?
            .load_one(FeesOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .iter()
            .filter(|f| {
                if current {
                    is_current(f, day)
                } else {
                    self.1.is_none() || f.effective_from.is_none_or(|from| from <= day)
                }
            })
            .cloned()
            .map(Fee)
            .collect())
    }

    /// The day this program is seen on: the `asOf` asked for, or null for today.
    async fn as_of(&self) -> Option<super::scalars::Date> {
        self.1.map(super::scalars::Date)
    }

    /// The legal status on the day it is seen on: from the program's announced and in-force
    /// dates, then its suspension, repeal or return-into-force events up to that day. Null
    /// when the knowledge base cannot tell (e.g. a program whose start date is not recorded,
    /// seen in the past). Today it is `legalStatus`. Dates known only to the month or year
    /// count from the first day of that period.
    async fn status(&self, ctx: &Context<'_>) -> ApiResult<ProgramStatus> {
        let events = loaders(ctx)?
            .load_one(EventsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(ProgramStatus(status_on(&self.0, &events, self.1)))
    }

    /// How each field is known: the researched wording, confidence, note and citations.
    async fn facts(&self, ctx: &Context<'_>) -> ApiResult<Vec<Fact>> {
        let rows = loaders(ctx)?
            .load_one(FactsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.iter().cloned().map(Fact).collect())
    }

    /// Every citation of the program, of the whole record or of one field.
    async fn citations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Citation>> {
        let rows = loaders(ctx)?
            .load_one(CitationsOf::Program(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.iter().cloned().map(Citation).collect())
    }

    /// False when no source supports anything about the program.
    async fn cited(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        Ok(loaders(ctx)?
            .load_one(CitationsOf::Program(self.0.id))
            .await?
            .is_some_and(|c| !c.is_empty()))
    }

    /// Commentary about the program.
    async fn commentaries(&self, ctx: &Context<'_>) -> ApiResult<Vec<Commentary>> {
        let rows = loaders(ctx)?
            .load_one(CommentariesOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.iter().cloned().map(Commentary).collect())
    }

    /// The program's timeline, oldest first.
    async fn policy_events(&self, ctx: &Context<'_>) -> ApiResult<Vec<PolicyEvent>> {
        let rows = loaders(ctx)?
            .load_one(EventsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.iter().cloned().map(PolicyEvent).collect())
    }
}

/// A fee ceiling: programs whose every current fee is known, in this currency, and at most this.
#[derive(InputObject, Debug)]
pub struct MoneyInput {
    /// The exact amount.
    pub amount: ExactDecimal,
    /// ISO 4217 currency code.
    pub currency: String,
}

/// Which programs to list. Conditions combine with AND; values inside one list with OR.
#[derive(InputObject, Debug, Default)]
pub struct ProgramFilter {
    /// ISO 3166-1 alpha-2 country codes.
    pub country: Option<Vec<String>>,
    /// Categories.
    pub category: Option<Vec<Category>>,
    /// Legal statuses.
    pub legal_status: Option<Vec<LegalStatus>>,
    /// Employer sponsorship values.
    pub employer_sponsorship: Option<Vec<YesNoUnknown>>,
    /// Work authorization values.
    pub work_authorization: Option<Vec<WorkAuthorization>>,
    /// Path-to-residence values.
    pub pr_path: Option<Vec<PrPath>>,
    /// Entries values.
    pub entries: Option<Vec<Entries>>,
    /// Programs with a requirement of one of these kinds.
    pub requirement_kind: Option<Vec<RequirementKind>>,
    /// Programs whose requirements name this field of study (case-insensitive).
    pub field_of_study: Option<String>,
    /// Programs whose current fees are all known, in this currency, and at most this amount.
    pub max_fee: Option<MoneyInput>,
    /// Words in the name, local name or summary (case-insensitive substring).
    pub text: Option<String>,
}

/// What to sort programs by.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum ProgramOrderField {
    /// Name in English.
    #[default]
    Name,
    /// Country code, then name.
    Country,
    /// In-force date (unknown dates last), then name.
    InForceOn,
    /// Last change.
    UpdatedAt,
}

/// Sort order of a program list.
#[derive(InputObject, Debug, Default, Clone, Copy)]
pub struct ProgramOrder {
    /// The field to sort by.
    #[graphql(default)]
    pub field: ProgramOrderField,
    /// Ascending or descending.
    #[graphql(default)]
    pub direction: SortDirection,
}

const MAX_TEXT: usize = 200;

/// `LIKE` pattern for a substring, with the user's wildcards escaped.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Case-insensitive substring match on a column.
pub fn lower_like(col: impl sea_orm::sea_query::IntoColumnRef, text: &str) -> SimpleExpr {
    Func::lower(Expr::col(col)).like(LikeExpr::new(contains_pattern(text)).escape('\\'))
}

/// A validated free-text filter: any of `cols` contains `text`, case-insensitively.
pub fn text_condition<C: sea_orm::sea_query::IntoColumnRef + Copy>(
    field: &str,
    text: &str,
    cols: &[C],
) -> ApiResult<Condition> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return Err(ApiError::bad_input(
            field,
            format!("must be 1 to {MAX_TEXT} characters"),
        ));
    }
    Ok(cols.iter().fold(Condition::any(), |cond, col| {
        cond.add(lower_like(*col, text))
    }))
}

impl ProgramFilter {
    /// Validates the filter and narrows `select` with it.
    pub fn apply(
        self,
        mut select: Select<program::Entity>,
        today: NaiveDate,
    ) -> ApiResult<Select<program::Entity>> {
        use program::Column as C;
        if let Some(countries) = self.country {
            if let Some(bad) = countries.iter().find(|c| !is_country_code(c)) {
                return Err(ApiError::bad_input(
                    "filter.country",
                    format!("`{bad}` is not an ISO 3166-1 alpha-2 code (e.g. CN)"),
                ));
            }
            select = select.filter(C::Country.is_in(countries));
        }
        if let Some(v) = self.category {
            select =
                select.filter(C::Category.is_in(v.into_iter().map(entity::enums::Category::from)));
        }
        if let Some(v) = self.legal_status {
            select = select
                .filter(C::LegalStatus.is_in(v.into_iter().map(entity::enums::LegalStatus::from)));
        }
        if let Some(v) = self.employer_sponsorship {
            select = select.filter(
                C::EmployerSponsorship.is_in(v.into_iter().map(entity::enums::YesNoUnknown::from)),
            );
        }
        if let Some(v) = self.work_authorization {
            select = select.filter(
                C::WorkAuthorization
                    .is_in(v.into_iter().map(entity::enums::WorkAuthorization::from)),
            );
        }
        if let Some(v) = self.pr_path {
            select = select.filter(C::PrPath.is_in(v.into_iter().map(entity::enums::PrPath::from)));
        }
        if let Some(v) = self.entries {
            select =
                select.filter(C::Entries.is_in(v.into_iter().map(entity::enums::Entries::from)));
        }
        if let Some(kinds) = self.requirement_kind {
            let sub = Query::select()
                .column(requirement::Column::ProgramId)
                .from(requirement::Entity)
                .and_where(
                    requirement::Column::Kind
                        .is_in(kinds.into_iter().map(entity::enums::RequirementKind::from)),
                )
                .cond_where(visibility::condition(RecordKind::Requirement))
                .to_owned();
            select = select.filter(C::Id.in_subquery(sub));
        }
        if let Some(field) = self.field_of_study {
            let field = field.trim().to_lowercase();
            if field.is_empty() || field.len() > MAX_TEXT || field.contains(',') {
                return Err(ApiError::bad_input(
                    "filter.fieldOfStudy",
                    format!("must be 1 to {MAX_TEXT} characters without commas"),
                ));
            }
            let token = format!(",{field},")
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let sub = Query::select()
                .column(requirement::Column::ProgramId)
                .from(requirement::Entity)
                .cond_where(visibility::condition(RecordKind::Requirement))
                .cond_where(
                    Condition::any()
                        .add(
                            Expr::col(requirement::Column::FieldsOfStudy)
                                .like(LikeExpr::new(format!("%{token}%")).escape('\\')),
                        )
                        .add(
                            Condition::all()
                                .add(
                                    requirement::Column::Kind
                                        .eq(entity::enums::RequirementKind::FieldOfStudy),
                                )
                                .add(lower_like(requirement::Column::Description, &field)),
                        ),
                )
                .to_owned();
            select = select.filter(C::Id.in_subquery(sub));
        }
        if let Some(max) = self.max_fee {
            let currency = max.currency.trim().to_uppercase();
            if !is_currency_code(&currency) {
                return Err(ApiError::bad_input(
                    "filter.maxFee.currency",
                    "must be an ISO 4217 code (e.g. USD)",
                ));
            }
            let ceiling = money_to_e4(max.amount.0)
                .map_err(|e| ApiError::bad_input("filter.maxFee.amount", e))?;
            let current = Condition::all()
                .add(visibility::condition(RecordKind::Fee))
                .add(
                    Condition::any()
                        .add(fee::Column::EffectiveFrom.is_null())
                        .add(fee::Column::EffectiveFrom.lte(today)),
                )
                .add(
                    Condition::any()
                        .add(fee::Column::EffectiveUntil.is_null())
                        .add(fee::Column::EffectiveUntil.gte(today)),
                );
            let within = Query::select()
                .column(fee::Column::ProgramId)
                .from(fee::Entity)
                .cond_where(
                    current
                        .clone()
                        .add(fee::Column::Currency.eq(&currency))
                        .add(fee::Column::AmountE4.is_not_null()),
                )
                .to_owned();
            let beyond = Query::select()
                .column(fee::Column::ProgramId)
                .from(fee::Entity)
                .cond_where(
                    current.add(
                        Condition::any()
                            .add(fee::Column::Currency.is_null())
                            .add(fee::Column::Currency.ne(&currency))
                            .add(fee::Column::AmountE4.is_null())
                            .add(fee::Column::AmountE4.gt(ceiling)),
                    ),
                )
                .to_owned();
            select = select
                .filter(C::Id.in_subquery(within))
                .filter(C::Id.not_in_subquery(beyond));
        }
        if let Some(text) = self.text {
            select = select.filter(text_condition(
                "filter.text",
                &text,
                &[C::Name, C::LocalName, C::Summary],
            )?);
        }
        Ok(select)
    }
}

/// Sorts byte-wise on both backends so that SQLite and PostgreSQL page identically
/// (PostgreSQL would otherwise use the database's locale collation).
fn text_key(backend: DbBackend, col: program::Column) -> SimpleExpr {
    match backend {
        DbBackend::Postgres => Expr::cust(format!(
            "\"{}\" COLLATE \"C\"",
            sea_orm::IdenStatic::as_str(&col)
        )),
        _ => Expr::col(col),
    }
}

impl ProgramOrder {
    /// Orders `select` totally (the id breaks ties), with unknown dates last either way.
    pub fn apply(
        self,
        select: Select<program::Entity>,
        backend: DbBackend,
    ) -> Select<program::Entity> {
        use program::Column as C;
        let order = match self.direction {
            SortDirection::Asc => Order::Asc,
            SortDirection::Desc => Order::Desc,
        };
        let name = text_key(backend, C::Name);
        let select = match self.field {
            ProgramOrderField::Name => select.order_by(name, order.clone()),
            ProgramOrderField::Country => select
                .order_by(text_key(backend, C::Country), order.clone())
                .order_by(name, order.clone()),
            ProgramOrderField::InForceOn => select
                .order_by_with_nulls(C::InForceOn, order.clone(), NullOrdering::Last)
                .order_by(name, order.clone()),
            ProgramOrderField::UpdatedAt => select.order_by(C::UpdatedAt, order.clone()),
        };
        select.order_by(C::Id, order)
    }
}

//! Which programs a list shows and in what order: the filters of `programs(filter:)` and of the
//! exports, and their orderings. Errors name the filter field (`country`, `maxFee.currency`);
//! each surface says where it sits (`filter.country` in GraphQL, `?country=` in an export).

use super::error::{ApiError, ApiResult};
use super::freshness;
use super::keyset::{KeyType, Ordering, SortKey};
use super::kind::RecordKind;
use super::lists;
use super::matching::{MAX_TEXT, contains_pattern, lower_like, text_condition};
use super::values::{is_country_code, is_currency_code, money_to_e4};
use super::visibility;
use chrono::NaiveDate;
use entity::enums::{
    Category, Entries, LegalStatus, PrPath, RequirementKind, WorkAuthorization, YesNoUnknown,
};
use entity::{fee, program, requirement};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{ColumnTrait, Condition, DbBackend, QueryFilter, Select};

/// A program's name, local name and summary, lower-case, joined by a line feed: the generated
/// column of migration `m20261207_000015`, with a trigram index on PostgreSQL.
const WORDS: &str = "words";

/// Which programs to list. Conditions combine with AND; values inside one list with OR.
#[derive(Debug, Default, Clone)]
pub struct ProgramQuery {
    /// ISO 3166-1 alpha-2 country codes.
    pub country: Option<Vec<String>>,
    pub category: Option<Vec<Category>>,
    pub legal_status: Option<Vec<LegalStatus>>,
    pub employer_sponsorship: Option<Vec<YesNoUnknown>>,
    pub work_authorization: Option<Vec<WorkAuthorization>>,
    pub pr_path: Option<Vec<PrPath>>,
    pub entries: Option<Vec<Entries>>,
    /// Programs with a requirement of one of these kinds.
    pub requirement_kind: Option<Vec<RequirementKind>>,
    /// Programs whose requirements name this field of study (case-insensitive).
    pub field_of_study: Option<String>,
    /// Programs whose current fees are all known, in this currency, and at most this amount.
    pub max_fee: Option<(Decimal, String)>,
    /// Words in the name, local name or summary (case-insensitive substring).
    pub text: Option<String>,
    /// Programs a source verified on or after this day (`kb::freshness`).
    pub verified_since: Option<NaiveDate>,
    /// Programs no source verified on or after this day: the stale ones.
    pub not_verified_since: Option<NaiveDate>,
}

/// What to sort programs by.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum OrderField {
    #[default]
    Name,
    /// Country code, then name.
    Country,
    /// In-force date (unknown dates last), then name.
    InForceOn,
    /// Last change.
    UpdatedAt,
}

/// The order of a program list.
#[derive(Debug, Default, Clone, Copy)]
pub struct Order {
    pub field: OrderField,
    pub descending: bool,
}

impl ProgramQuery {
    /// Whether the filter narrows by words (`text`, `field_of_study`). An index gives such a
    /// filter only the set of its matches (a trigram bitmap), never an order, so any page of
    /// the list reads every match and sorts them: counting them costs that read nothing more.
    pub fn narrows_by_words(&self) -> bool {
        self.text.is_some() || self.field_of_study.is_some()
    }

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
                    "country",
                    format!("`{bad}` is not an ISO 3166-1 alpha-2 code (e.g. CN)"),
                ));
            }
            select = select.filter(C::Country.is_in(countries));
        }
        if let Some(v) = self.category {
            select = select.filter(C::Category.is_in(v));
        }
        if let Some(v) = self.legal_status {
            select = select.filter(C::LegalStatus.is_in(v));
        }
        if let Some(v) = self.employer_sponsorship {
            select = select.filter(C::EmployerSponsorship.is_in(v));
        }
        if let Some(v) = self.work_authorization {
            select = select.filter(C::WorkAuthorization.is_in(v));
        }
        if let Some(v) = self.pr_path {
            select = select.filter(C::PrPath.is_in(v));
        }
        if let Some(v) = self.entries {
            select = select.filter(C::Entries.is_in(v));
        }
        if let Some(day) = self.verified_since {
            select = select.filter(freshness::verified_since(day));
        }
        if let Some(day) = self.not_verified_since {
            select = select.filter(freshness::verified_since(day).not());
        }
        if let Some(kinds) = self.requirement_kind {
            let sub = Query::select()
                .column(requirement::Column::ProgramId)
                .from(requirement::Entity)
                .and_where(requirement::Column::Kind.is_in(kinds))
                .cond_where(visibility::condition(RecordKind::Requirement))
                .to_owned();
            select = select.filter(C::Id.in_subquery(sub));
        }
        if let Some(field) = self.field_of_study {
            let field = field.trim().to_lowercase();
            if field.is_empty() || field.len() > MAX_TEXT || field.contains(',') {
                return Err(ApiError::bad_input(
                    "fieldOfStudy",
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
        if let Some((amount, currency)) = self.max_fee {
            let currency = currency.trim().to_uppercase();
            if !is_currency_code(&currency) {
                return Err(ApiError::bad_input(
                    "maxFee.currency",
                    "must be an ISO 4217 code (e.g. USD)",
                ));
            }
            let ceiling =
                money_to_e4(amount).map_err(|e| ApiError::bad_input("maxFee.amount", e))?;
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
            let exact = text_condition("text", &text, &[C::Name, C::LocalName, C::Summary])?;
            let text = text.trim();
            // A text without a line feed is in the words exactly when it is in one of the
            // fields: it cannot span the line feed that joins them. One `LIKE` on a column
            // lower-cased when written, on its trigram index, instead of three `LOWER`s a row.
            let words = Expr::col((program::Entity, Alias::new(WORDS)))
                .like(LikeExpr::new(contains_pattern(text)).escape('\\'));
            select = select.filter(words);
            if text.contains('\n') {
                select = select.filter(exact);
            }
        }
        Ok(select)
    }
}

impl Order {
    /// The reading order: the field, then the name (ignoring case and accents) where the field
    /// repeats, then the id; unknown dates last either way.
    pub fn ordering(self, backend: DbBackend) -> Ordering {
        use program::Column as C;
        let desc = self.descending;
        let col = |c: C| lists::column(program::Entity, c);
        let name = SortKey::text_bytes("program", "sort_name", backend, desc);
        let mut keys = match self.field {
            OrderField::Name => vec![name],
            OrderField::Country => vec![
                SortKey::text_bytes("program", "country", backend, desc),
                name,
            ],
            OrderField::InForceOn => vec![
                SortKey::by(col(C::InForceOn), KeyType::Date, desc).nulls_last(),
                name,
            ],
            OrderField::UpdatedAt => vec![SortKey::by(col(C::UpdatedAt), KeyType::Timestamp, desc)],
        };
        keys.push(SortKey::by(col(C::Id), KeyType::Int, desc));
        let field = match self.field {
            OrderField::Name => "name",
            OrderField::Country => "country",
            OrderField::InForceOn => "inForceOn",
            OrderField::UpdatedAt => "updatedAt",
        };
        let direction = if desc { "desc" } else { "asc" };
        Ordering::new(format!("programs.{field}.{direction}"), keys).of_table::<program::Entity>()
    }
}

//! Editor input types, one module per content type. Each validates its fields (URLs, codes,
//! dates, amounts, lengths) and turns them into the column changes the editorial engine
//! applies. One input type serves create and update: on create, required fields must be
//! given; on update, an omitted field stays as it is and `null` clears an optional one.

mod citation;
mod commentary;
mod fee;
mod form;
mod person;
mod policy_event;
mod program;
mod requirement;
mod source;

pub use citation::CitationInput;
pub use commentary::CommentaryInput;
pub use fee::FeeInput;
pub use form::form_values;
pub use person::PersonInput;
pub use policy_event::PolicyEventInput;
pub use program::ProgramInput;
pub use requirement::RequirementInput;
pub use source::SourceInput;

use super::ids::{self, RecordKind};
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::values::{PartialDate, WebUrl};
use crate::store::rows;
use async_graphql::{ID, MaybeUndefined};
use sea_orm::{DatabaseTransaction, DbErr};
use serde::Serialize;
use serde_json::{Map, Value};
use std::future::Future;

/// What the engine needs from an input type.
pub trait ContentInput: Send + Sync {
    /// The content type it edits.
    const KIND: RecordKind;

    /// The column changes, validated; references are checked to exist in `txn`.
    fn changes(
        &self,
        txn: &DatabaseTransaction,
        creating: bool,
    ) -> impl Future<Output = ApiResult<Map<String, Value>>> + Send;

    fn after_write(
        &self,
        _txn: &DatabaseTransaction,
        _id: i32,
    ) -> impl Future<Output = ApiResult<()>> + Send {
        async { Ok(()) }
    }
}

/// Collects validated column changes.
pub struct Changes {
    map: Map<String, Value>,
    creating: bool,
}

fn to_json(value: impl Serialize) -> ApiResult<Value> {
    serde_json::to_value(value).map_err(|e| ApiError::Internal(format!("input to JSON: {e}")))
}

impl Changes {
    pub fn new(creating: bool) -> Self {
        Self {
            map: Map::new(),
            creating,
        }
    }

    pub fn into_map(self) -> Map<String, Value> {
        self.map
    }

    /// Sets a column outright.
    pub fn set(&mut self, column: &str, value: impl Serialize) -> ApiResult<()> {
        self.map.insert(column.to_owned(), to_json(value)?);
        Ok(())
    }

    /// The general case: `convert` validates a given value; `required` columns can neither be
    /// omitted on create nor cleared.
    pub fn field<T: Clone, U: Serialize>(
        &mut self,
        field: &str,
        column: &str,
        input: &MaybeUndefined<T>,
        required: bool,
        convert: impl FnOnce(T) -> Result<U, String>,
    ) -> ApiResult<()> {
        match input {
            MaybeUndefined::Undefined if self.creating && required => {
                Err(ApiError::bad_input(field, format!("`{field}` is required")))
            }
            MaybeUndefined::Undefined => Ok(()),
            MaybeUndefined::Null if required => Err(ApiError::bad_input(
                field,
                format!("`{field}` cannot be null"),
            )),
            MaybeUndefined::Null => self.set(column, Value::Null),
            MaybeUndefined::Value(v) => {
                let value = convert(v.clone()).map_err(|m| ApiError::bad_input(field, m))?;
                self.set(column, value)
            }
        }
    }

    /// A value taken as given (enums, booleans).
    pub fn plain<T: Clone, U: Serialize + From<T>>(
        &mut self,
        field: &str,
        column: &str,
        input: &MaybeUndefined<T>,
        required: bool,
    ) -> ApiResult<()> {
        self.field(field, column, input, required, |v| Ok(U::from(v)))
    }

    /// A non-null value (an enum) that takes `default` when omitted on create.
    pub fn with_default<T: Clone, U: Serialize + From<T>>(
        &mut self,
        field: &str,
        column: &str,
        input: &MaybeUndefined<T>,
        default: U,
    ) -> ApiResult<()> {
        if self.creating && input.is_undefined() {
            return self.set(column, default);
        }
        self.plain::<T, U>(field, column, input, true)
    }

    /// Text, trimmed, 1 to `max` characters.
    pub fn text(
        &mut self,
        field: &str,
        column: &str,
        input: &MaybeUndefined<String>,
        max: usize,
        required: bool,
    ) -> ApiResult<()> {
        let input = match input {
            // An all-blank optional text means "clear it".
            MaybeUndefined::Value(v) if v.trim().is_empty() && !required => &MaybeUndefined::Null,
            other => other,
        };
        self.field(field, column, input, required, |v| text(&v, max))
    }

    /// A URL, normalised (http or https).
    pub fn url(
        &mut self,
        field: &str,
        column: &str,
        input: &MaybeUndefined<String>,
        required: bool,
    ) -> ApiResult<()> {
        self.field(field, column, input, required, |v| {
            WebUrl::parse(&v).map(String::from)
        })
    }

    /// A date that may be partial (`2025`, `2025-09`, `2025-09-21`) into its date and
    /// precision columns.
    pub fn partial_date(
        &mut self,
        field: &str,
        columns: (&str, &str),
        input: &MaybeUndefined<String>,
        required: bool,
    ) -> ApiResult<()> {
        let parsed = match input {
            MaybeUndefined::Value(v) => {
                MaybeUndefined::Value(PartialDate::parse_exact(v.trim()).ok_or_else(|| {
                    ApiError::bad_input(
                        field,
                        format!("`{v}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
                    )
                })?)
            }
            MaybeUndefined::Null => MaybeUndefined::Null,
            MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        };
        self.field(field, columns.0, &parsed, required, |d| Ok(d.date))?;
        self.field(field, columns.1, &parsed, required, |d| Ok(d.precision))
    }

    /// A whole calendar date.
    pub fn date(
        &mut self,
        field: &str,
        column: &str,
        input: &MaybeUndefined<super::scalars::Date>,
        required: bool,
    ) -> ApiResult<()> {
        self.field(field, column, input, required, |d| Ok(d.0))
    }
}

/// Trimmed text of 1 to `max` characters.
pub fn text(value: &str, max: usize) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("must not be empty".to_owned());
    }
    if value.chars().count() > max {
        return Err(format!("at most {max} characters"));
    }
    Ok(value.to_owned())
}

/// The row id behind a global ID of the expected type, checked to exist.
pub async fn reference(
    txn: &DatabaseTransaction,
    field: &str,
    id: &ID,
    expected: &[RecordKind],
) -> ApiResult<(RecordKind, i32)> {
    let (kind, row) = ids::decode(id)
        .map_err(|_| ApiError::bad_input(field, format!("`{}` is not a valid ID", id.as_str())))?;
    if !expected.contains(&kind) {
        let names: Vec<&str> = expected.iter().map(|k| k.stored_name()).collect();
        return Err(ApiError::bad_input(
            field,
            format!("`{field}` must be the ID of a {}", names.join(" or ")),
        ));
    }
    let exists = rows::fetch(txn, kind, row)
        .await
        .map_err(|e: DbErr| ApiError::from(e))?
        .is_some();
    if !exists {
        return Err(ApiError::bad_input(
            field,
            format!("no {} with this ID", kind.stored_name()),
        ));
    }
    Ok((kind, row))
}

/// A reference column given as a global ID: checked to exist, stored as the row id.
pub async fn reference_field(
    changes: &mut Changes,
    txn: &DatabaseTransaction,
    (field, column): (&str, &str),
    input: &MaybeUndefined<ID>,
    kind: RecordKind,
    required: bool,
) -> ApiResult<()> {
    let resolved = match input {
        MaybeUndefined::Value(id) => {
            MaybeUndefined::Value(reference(txn, field, id, &[kind]).await?.1)
        }
        MaybeUndefined::Null => MaybeUndefined::Null,
        MaybeUndefined::Undefined => MaybeUndefined::Undefined,
    };
    changes.field(field, column, &resolved, required, Ok)
}

/// A money amount: exact, not negative, at most four decimals.
pub fn amount_e4(amount: super::scalars::ExactDecimal) -> Result<i64, String> {
    crate::kb::values::money_to_e4(amount.0)
}

/// An ISO 4217 code, upper-cased.
pub fn currency(code: String) -> Result<String, String> {
    crate::kb::values::CurrencyCode::parse(&code).map(String::from)
}

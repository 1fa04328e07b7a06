//! Scalars and small value types shared by several GraphQL types.

use crate::kb::values::{PartialDate as StoredPartialDate, e4_to_money};
use async_graphql::{
    InputValueError, InputValueResult, Object, Scalar, ScalarType, SimpleObject, Value,
};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;

use super::enums::{DatePrecision, DurationUnit};

/// A calendar date, `YYYY-MM-DD` (ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// A calendar date, `YYYY-MM-DD` (RFC 3339 `full-date`).
#[Scalar(
    name = "Date",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom(format!("`{s}` is not a date (YYYY-MM-DD)"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    // Checked during validation, so that a bad date is a request error naming its argument.
    fn is_valid(value: &Value) -> bool {
        Self::parse(value.clone()).is_ok()
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A moment in UTC, `2025-09-21T04:01:00Z` (RFC 3339 `date-time`, to the second). Accepts any
/// RFC 3339 date-time with an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

/// A moment in UTC, `2025-09-21T04:01:00Z` (RFC 3339 `date-time`, to the second). Accepts any
/// RFC 3339 date-time with an offset.
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
)]
impl ScalarType for Timestamp {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => DateTime::parse_from_rfc3339(s)
                .map(|t| Timestamp(t.with_timezone(&Utc)))
                .map_err(|_| {
                    InputValueError::custom(format!(
                        "`{s}` is not an RFC 3339 date-time such as 2025-09-21T04:01:00Z"
                    ))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    // Checked during validation, so that a bad time is a request error naming its argument.
    fn is_valid(value: &Value) -> bool {
        Self::parse(value.clone()).is_ok()
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Self(t)
    }
}

/// A date that may be known only to the month or the year.
pub struct PartialDate(pub StoredPartialDate);

impl PartialDate {
    /// Combines a stored date and its precision; a date without precision is a full date.
    pub fn from_parts(
        date: Option<NaiveDate>,
        precision: Option<entity::enums::DatePrecision>,
    ) -> Option<Self> {
        StoredPartialDate::stored(date, precision).map(Self)
    }
}

/// A date that may be known only to the month or the year.
#[Object]
impl PartialDate {
    /// The first day of the period the date stands for.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// How much of the date is known.
    async fn precision(&self) -> DatePrecision {
        self.0.precision.into()
    }

    /// The date as written at its precision: `2025`, `2025-09` or `2025-09-21`.
    async fn text(&self) -> String {
        self.0.to_text()
    }
}

/// A length of time, such as a visa's validity.
#[derive(SimpleObject)]
pub struct Duration {
    /// How many units; null for an indefinite duration.
    pub value: Option<i32>,
    /// The unit of `value`.
    pub unit: DurationUnit,
}

impl Duration {
    pub fn from_parts(
        value: Option<i32>,
        unit: Option<entity::enums::DurationUnit>,
    ) -> Option<Self> {
        unit.map(|unit| Self {
            value,
            unit: unit.into(),
        })
    }
}

/// An exact decimal number, as a string such as `"100000"` or `"1035.5"` (never a float).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExactDecimal(pub Decimal);

/// An exact decimal number, as a string such as `"100000"` or `"1035.5"` (never a float):
/// the number syntax of RFC 8259 section 6 without an exponent, inside a JSON string so that
/// no client reads it into a binary float. (Input also accepts a JSON number.)
#[Scalar(
    name = "Decimal",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc8259#section-6"
)]
impl ScalarType for ExactDecimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        let parsed = match &value {
            Value::String(s) => s.trim().parse::<Decimal>().ok(),
            Value::Number(n) => n.to_string().parse::<Decimal>().ok(),
            _ => None,
        };
        parsed
            .map(ExactDecimal)
            .ok_or_else(|| InputValueError::custom(format!("{value} is not a decimal number")))
    }

    // Checked during validation, so that a bad amount is a request error naming its argument.
    fn is_valid(value: &Value) -> bool {
        Self::parse(value.clone()).is_ok()
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.normalize().to_string())
    }
}

/// An exact amount of money.
#[derive(SimpleObject)]
pub struct Money {
    /// The exact decimal amount, as a string (never a float).
    pub amount: ExactDecimal,
    /// ISO 4217 currency code.
    pub currency: String,
}

impl Money {
    pub fn from_parts(amount_e4: Option<i64>, currency: Option<&String>) -> Option<Self> {
        Some(Self {
            amount: ExactDecimal(e4_to_money(amount_e4?)),
            currency: currency?.clone(),
        })
    }
}

/// Any JSON value (RFC 8259): record content and revision diffs, whose shape is the record
/// type's fields (`content`, `pendingDraft`, `snapshot`, a field change's `before`/`after`).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonValue(pub serde_json::Value);

/// Any JSON value (RFC 8259): record content and revision diffs, whose shape is the record
/// type's fields.
#[Scalar(
    name = "JSON",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc8259"
)]
impl ScalarType for JsonValue {
    fn parse(value: Value) -> InputValueResult<Self> {
        value
            .into_json()
            .map(JsonValue)
            .map_err(|e| InputValueError::custom(format!("not JSON: {e}")))
    }

    fn to_value(&self) -> Value {
        Value::from_json(self.0.clone()).unwrap_or(Value::Null)
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for JsonValue {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Self {
        Self(serde_json::Value::Object(map))
    }
}

//! A stored record in the shape of its input type: what an edit form shows, and what an
//! update would have to send to leave the record as it is. It turns the column conventions
//! of `Changes` around: a partial date and its precision column become `YYYY-MM`, a value and
//! its unit become a `DurationInput`, an `_e4` amount becomes its decimal, a row id becomes a
//! global ID. Enum values keep their stored spelling (`in_force`): JSON cannot say which
//! strings are enum values, and a client that reads the input type knows.

use crate::kb::RecordKind;
use crate::kb::global_id;
use crate::kb::rules::camel;
use crate::kb::values::{PartialDate, e4_to_money};
use chrono::NaiveDate;
use entity::enums::DatePrecision;
use serde_json::{Map, Value};

/// Bookkeeping columns no input sets.
const NOT_INPUT: [&str; 5] = ["id", "state", "version", "created_at", "updated_at"];

/// The columns a citation can support through, and the kind each names.
const SUPPORTED: [(&str, RecordKind); 5] = [
    ("program_id", RecordKind::Program),
    ("requirement_id", RecordKind::Requirement),
    ("fee_id", RecordKind::Fee),
    ("commentary_id", RecordKind::Commentary),
    ("policy_event_id", RecordKind::PolicyEvent),
];

/// The record `row` (stored columns) as its input type's fields; `program_ids` are a
/// commentary's programs.
pub fn form_values(
    kind: RecordKind,
    row: &Map<String, Value>,
    program_ids: &[i32],
) -> Map<String, Value> {
    let mut out = Map::new();
    let id_of = |kind: RecordKind, value: &Value| {
        value
            .as_i64()
            .and_then(|id| i32::try_from(id).ok())
            .map_or(Value::Null, |id| Value::from(global_id::encode(kind, id)))
    };
    for (column, value) in row {
        let column = column.as_str();
        if NOT_INPUT.contains(&column)
            || column.ends_with("_precision")
            || column.ends_with("_unit")
        {
            continue;
        }
        if kind == RecordKind::Citation
            && let Some((_, target)) = SUPPORTED.iter().find(|(c, _)| *c == column)
        {
            if !value.is_null() {
                out.insert("supports".to_owned(), id_of(*target, value));
            }
            continue;
        }
        let (name, shown) = if let Some(base) = column.strip_suffix("_e4") {
            let amount = value
                .as_i64()
                .map_or(Value::Null, |e4| Value::from(e4_to_money(e4).to_string()));
            (camel(base), amount)
        } else if let Some(base) = column.strip_suffix("_value")
            && row.contains_key(&format!("{base}_unit"))
        {
            let unit = row
                .get(&format!("{base}_unit"))
                .cloned()
                .unwrap_or_default();
            let duration = if unit.is_null() {
                Value::Null
            } else {
                serde_json::json!({ "value": value, "unit": unit })
            };
            (camel(base), duration)
        } else if let Some(precision) = precision_of(row, column) {
            let text = value
                .as_str()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map_or(Value::Null, |date| {
                    Value::from(PartialDate::from_parts(date, precision).to_text())
                });
            (camel(column), text)
        } else if column == "fields_of_study" {
            let list: Vec<Value> = value
                .as_str()
                .unwrap_or_default()
                .split(',')
                .filter(|t| !t.is_empty())
                .map(Value::from)
                .collect();
            (camel(column), Value::Array(list))
        } else if let Some(target) = reference_kind(column) {
            (camel(column), id_of(target, value))
        } else {
            (camel(column), value.clone())
        };
        out.insert(name, shown);
    }
    if kind == RecordKind::Commentary {
        let ids = program_ids
            .iter()
            .map(|id| Value::from(global_id::encode(RecordKind::Program, *id)))
            .collect();
        out.insert("programIds".to_owned(), Value::Array(ids));
    }
    out
}

/// The precision of a partial date column (`in_force_on` with `in_force_precision`); a date
/// whose precision column is empty is a whole day.
fn precision_of(row: &Map<String, Value>, column: &str) -> Option<DatePrecision> {
    let base = column.strip_suffix("_on")?;
    let stored = row.get(&format!("{base}_precision"))?;
    Some(serde_json::from_value(stored.clone()).unwrap_or(DatePrecision::Day))
}

/// The kind a reference column names.
fn reference_kind(column: &str) -> Option<RecordKind> {
    match column {
        "program_id" => Some(RecordKind::Program),
        "source_id" => Some(RecordKind::Source),
        "person_id" => Some(RecordKind::Person),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn columns_become_the_input_fields() {
        let program = row(json!({
            "id": 7, "state": "draft", "version": 2, "slug": "cn-k-visa",
            "legal_status": "in_force",
            "in_force_on": "2025-10-01", "in_force_precision": "month",
            "scheduled_end_on": "2027-01-31",
            "validity_value": 5, "validity_unit": "year",
            "max_stay_value": null, "max_stay_unit": null,
        }));
        let form = form_values(RecordKind::Program, &program, &[]);
        assert_eq!(
            Value::Object(form),
            json!({
                "slug": "cn-k-visa", "legalStatus": "in_force", "inForceOn": "2025-10",
                "scheduledEndOn": "2027-01-31",
                "validity": {"value": 5, "unit": "year"}, "maxStay": null,
            })
        );
    }

    #[test]
    fn amounts_references_and_lists() {
        let fee = row(json!({"program_id": 3, "amount_e4": 1_000_000_000, "currency": "USD"}));
        let form = form_values(RecordKind::Fee, &fee, &[]);
        assert_eq!(form["amount"], json!("100000"));
        assert_eq!(
            form["programId"],
            json!(global_id::encode(RecordKind::Program, 3))
        );
        let requirement = row(json!({"fields_of_study": ",stem,engineering,"}));
        let form = form_values(RecordKind::Requirement, &requirement, &[]);
        assert_eq!(form["fieldsOfStudy"], json!(["stem", "engineering"]));
        let citation = row(json!({"source_id": 1, "program_id": null, "fee_id": 9}));
        let form = form_values(RecordKind::Citation, &citation, &[]);
        assert_eq!(
            form["supports"],
            json!(global_id::encode(RecordKind::Fee, 9))
        );
        assert!(!form.contains_key("feeId") && !form.contains_key("programId"));
        let commentary =
            row(json!({"body": "x", "said_on": "2025-01-01", "said_precision": "year"}));
        let form = form_values(RecordKind::Commentary, &commentary, &[4]);
        assert_eq!(form["saidOn"], json!("2025"));
        assert_eq!(
            form["programIds"],
            json!([global_id::encode(RecordKind::Program, 4)])
        );
    }
}

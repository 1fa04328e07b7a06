//! Write rules per content kind: the checks across a record's fields (and the limits an editor
//! and the importer share), run on the record as it will be stored. The editors' mutations (the
//! editorial engine) and the importer both run them, so the two cannot disagree on what may be
//! stored. A violation names the column; each surface spells it its own way (`inForceOn` in
//! GraphQL, `in_force_on` in the import format).

use super::kind::RecordKind;
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// A rule a record breaks, at `column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub column: &'static str,
    pub message: String,
}

fn violation(column: &'static str, message: impl Into<String>) -> Violation {
    Violation {
        column,
        message: message.into(),
    }
}

/// `legal_status` → `legalStatus`: how GraphQL names a column.
pub fn camel(column: &str) -> String {
    let mut out = String::with_capacity(column.len());
    let mut upper = false;
    for c in column.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn date(record: &Map<String, Value>, column: &str) -> Option<NaiveDate> {
    record
        .get(column)
        .and_then(Value::as_str)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

fn has(record: &Map<String, Value>, column: &str) -> bool {
    record.get(column).is_some_and(|v| !v.is_null())
}

/// `later` must not be before `earlier` when both are known.
fn in_order(
    record: &Map<String, Value>,
    (earlier, earlier_name): (&'static str, &str),
    (later, later_name): (&'static str, &str),
) -> Result<(), Violation> {
    match (date(record, earlier), date(record, later)) {
        (Some(a), Some(b)) if a > b => Err(violation(
            later,
            format!("the date {later_name} ({b}) is before the date {earlier_name} ({a})"),
        )),
        _ => Ok(()),
    }
}

/// Text of at most `max` characters (required text must also not be empty).
fn length(
    record: &Map<String, Value>,
    column: &'static str,
    max: usize,
    required: bool,
) -> Result<(), Violation> {
    match record.get(column).and_then(Value::as_str) {
        Some(text) if text.chars().count() > max => {
            Err(violation(column, format!("at most {max} characters")))
        }
        Some(text) if required && text.trim().is_empty() => {
            Err(violation(column, "must not be empty"))
        }
        None if required => Err(violation(column, "must not be empty")),
        _ => Ok(()),
    }
}

/// Every rule of `kind` on `record` (a row as JSON, by column).
pub fn check(kind: RecordKind, record: &Map<String, Value>) -> Result<(), Violation> {
    match kind {
        RecordKind::Program => {
            length(record, "name", 300, true)?;
            length(record, "local_name", 300, false)?;
            in_order(
                record,
                ("announced_on", "it was announced"),
                ("in_force_on", "it took effect"),
            )?;
            in_order(
                record,
                ("in_force_on", "it took effect"),
                ("ends_on", "it ends"),
            )?;
            in_order(
                record,
                ("in_force_on", "it took effect"),
                ("scheduled_end_on", "it is scheduled to end"),
            )
        }
        RecordKind::Fee => {
            in_order(
                record,
                ("effective_from", "it applies from"),
                ("effective_until", "it applies until"),
            )?;
            in_order(
                record,
                ("effective_from", "it applies from"),
                ("scheduled_end_on", "it is scheduled to end"),
            )?;
            if has(record, "amount_e4") && !has(record, "currency") {
                return Err(violation("currency", "an amount needs its currency"));
            }
            Ok(())
        }
        RecordKind::Requirement => {
            let int = |col: &str| record.get(col).and_then(Value::as_i64);
            if let (Some(min), Some(max)) = (int("min_age"), int("max_age"))
                && min > max
            {
                return Err(violation(
                    "max_age",
                    "the maximum age is below the minimum age",
                ));
            }
            if has(record, "min_income_e4") && !has(record, "income_currency") {
                return Err(violation(
                    "income_currency",
                    "a minimum income needs its currency",
                ));
            }
            Ok(())
        }
        RecordKind::Commentary => {
            let group = record.get("group_name").and_then(Value::as_str);
            if has(record, "person_id") || group.is_some_and(|g| !g.trim().is_empty()) {
                Ok(())
            } else {
                Err(violation(
                    "person_id",
                    "commentary is by a person or a group",
                ))
            }
        }
        RecordKind::Source
        | RecordKind::Citation
        | RecordKind::Person
        | RecordKind::PolicyEvent => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn column(kind: RecordKind, v: Value) -> Option<&'static str> {
        check(kind, &record(v)).err().map(|v| v.column)
    }

    #[test]
    fn program_dates_keep_their_order() {
        let ok =
            json!({"name": "K visa", "announced_on": "2025-08-07", "in_force_on": "2025-10-01"});
        assert_eq!(column(RecordKind::Program, ok), None);
        let early =
            json!({"name": "K visa", "announced_on": "2025-10-02", "in_force_on": "2025-10-01"});
        assert_eq!(column(RecordKind::Program, early), Some("in_force_on"));
        let ends = json!({"name": "K visa", "in_force_on": "2025-10-01", "ends_on": "2025-09-30"});
        assert_eq!(column(RecordKind::Program, ends), Some("ends_on"));
        let unknown = json!({"name": "K visa", "announced_on": null, "in_force_on": "2025-10-01"});
        assert_eq!(column(RecordKind::Program, unknown), None);
    }

    #[test]
    fn program_names_are_bounded() {
        let long = json!({"name": "x".repeat(301)});
        assert_eq!(column(RecordKind::Program, long), Some("name"));
        assert_eq!(
            column(RecordKind::Program, json!({"name": " "})),
            Some("name")
        );
        let local = json!({"name": "K", "local_name": "签".repeat(301)});
        assert_eq!(column(RecordKind::Program, local), Some("local_name"));
        let fits = json!({"name": "签".repeat(300)});
        assert_eq!(column(RecordKind::Program, fits), None);
    }

    #[test]
    fn amounts_need_currencies_and_ranges_their_order() {
        assert_eq!(
            column(
                RecordKind::Fee,
                json!({"amount_e4": 10000, "currency": null})
            ),
            Some("currency")
        );
        assert_eq!(
            column(
                RecordKind::Fee,
                json!({"effective_from": "2025-09-21", "effective_until": "2025-09-20"})
            ),
            Some("effective_until")
        );
        assert_eq!(
            column(
                RecordKind::Fee,
                json!({"effective_from": "2025-09-21", "scheduled_end_on": "2025-09-20"})
            ),
            Some("scheduled_end_on")
        );
        assert_eq!(
            column(
                RecordKind::Program,
                json!({"name": "X", "in_force_on": "2025-10-01", "scheduled_end_on": "2025-09-30"})
            ),
            Some("scheduled_end_on")
        );
        assert_eq!(
            column(
                RecordKind::Requirement,
                json!({"min_age": 40, "max_age": 18})
            ),
            Some("max_age")
        );
        assert_eq!(
            column(RecordKind::Requirement, json!({"min_income_e4": 1})),
            Some("income_currency")
        );
        assert_eq!(
            column(RecordKind::Commentary, json!({"body": "x"})),
            Some("person_id")
        );
        assert_eq!(
            column(RecordKind::Commentary, json!({"group_name": "Insiders"})),
            None
        );
        assert_eq!(
            column(RecordKind::Commentary, json!({"group_name": "  "})),
            Some("person_id"),
            "a blank group is no group"
        );
    }

    #[test]
    fn columns_read_as_graphql_fields() {
        assert_eq!(camel("in_force_on"), "inForceOn");
        assert_eq!(camel("name"), "name");
    }
}

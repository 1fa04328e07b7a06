//! Field-level differences between two snapshots of a record.

use super::values::PartialDate;
use entity::enums::DatePrecision;
use serde_json::{Map, Value};

/// Columns the editorial engine manages; every other column is content an editor may change.
pub const BOOKKEEPING: [&str; 5] = ["id", "state", "version", "created_at", "updated_at"];

/// One field that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// The column name (snake_case).
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// Dates stored as a day and a precision column: a change reads as the date at its precision
/// (`in_force_on: 2025 → 2025-10-01`), never as a day the source did not give.
const PARTIAL_DATES: [(&str, &str); 6] = [
    ("announced_on", "announced_precision"),
    ("in_force_on", "in_force_precision"),
    ("ends_on", "ends_precision"),
    ("published_on", "published_precision"),
    ("occurred_on", "precision"),
    ("said_on", "said_precision"),
];

/// `snapshot` with each partial date as its text at its precision, the precision column folded
/// into it.
fn with_partial_dates(snapshot: &Map<String, Value>) -> Map<String, Value> {
    let mut out = snapshot.clone();
    for (date, precision) in PARTIAL_DATES {
        if !snapshot.contains_key(date) {
            continue;
        }
        let day = snapshot
            .get(date)
            .and_then(Value::as_str)
            .and_then(|d| d.get(..10))
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let stored: Option<DatePrecision> = snapshot
            .get(precision)
            .cloned()
            .and_then(|p| serde_json::from_value(p).ok());
        if let Some(text) = PartialDate::stored(day, stored).map(PartialDate::to_text) {
            out.insert(date.to_owned(), Value::from(text));
        }
        out.remove(precision);
    }
    out
}

/// The content fields that differ from `before` to `after`, in column order of `after`.
/// Bookkeeping (id, state, version, timestamps) is not content; a partial date and its
/// precision are one field.
pub fn diff(before: &Map<String, Value>, after: &Map<String, Value>) -> Vec<FieldChange> {
    let (before, after) = (&with_partial_dates(before), &with_partial_dates(after));
    after
        .iter()
        .filter(|(field, _)| !BOOKKEEPING.contains(&field.as_str()))
        .filter_map(|(field, value)| {
            let old = before.get(field).unwrap_or(&Value::Null);
            (old != value).then(|| FieldChange {
                field: field.clone(),
                before: old.clone(),
                after: value.clone(),
            })
        })
        .collect()
}

/// The content of a snapshot: everything but the bookkeeping.
pub fn content(snapshot: &Map<String, Value>) -> Map<String, Value> {
    snapshot
        .iter()
        .filter(|(field, _)| !BOOKKEEPING.contains(&field.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_changed_content_fields_only() {
        let a = json!({"id": 1, "version": 1, "name": "A", "summary": null, "country": "CN"});
        let b = json!({"id": 1, "version": 2, "name": "B", "summary": "new", "country": "CN"});
        let changes = diff(a.as_object().unwrap(), b.as_object().unwrap());
        let fields: Vec<_> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["name", "summary"]);
        assert_eq!(changes[0].before, json!("A"));
        assert_eq!(changes[1].after, json!("new"));
    }

    #[test]
    fn a_partial_date_changes_at_its_precision() {
        let a = json!({"published_on": null, "published_precision": null, "title": "T"});
        let b = json!({"published_on": "2025-09-01", "published_precision": "month", "title": "T"});
        let changes = diff(a.as_object().unwrap(), b.as_object().unwrap());
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(
            (changes[0].field.as_str(), &changes[0].after),
            ("published_on", &json!("2025-09"))
        );
        // Only the precision changed: still one change, of the date as read.
        let c = json!({"published_on": "2025-09-01", "published_precision": "day", "title": "T"});
        let changes = diff(b.as_object().unwrap(), c.as_object().unwrap());
        assert_eq!(
            (&changes[0].before, &changes[0].after),
            (&json!("2025-09"), &json!("2025-09-01"))
        );
    }
}

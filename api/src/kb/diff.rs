//! Field-level differences between two snapshots of a record.

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

/// The content fields that differ from `before` to `after`, in column order of `after`.
/// Bookkeeping (id, state, version, timestamps) is not content.
pub fn diff(before: &Map<String, Value>, after: &Map<String, Value>) -> Vec<FieldChange> {
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
}

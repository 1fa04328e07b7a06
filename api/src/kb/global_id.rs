//! Opaque global IDs: base64url of `Type:id`, so clients never build or parse them. GraphQL's
//! `node(id:)` and the permalinks (`/records/{id}`) take the same IDs.

use super::kind::RecordKind;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;

/// The type name inside a content record's global ID. IDs are held by clients, so these never
/// change either (today they equal the stored names, but the two are separate promises).
fn type_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Program => "Program",
        RecordKind::Requirement => "Requirement",
        RecordKind::Fee => "Fee",
        RecordKind::Source => "Source",
        RecordKind::Citation => "Citation",
        RecordKind::Person => "Person",
        RecordKind::Commentary => "Commentary",
        RecordKind::PolicyEvent => "PolicyEvent",
    }
}

/// The global ID of a content record.
pub fn encode(kind: RecordKind, id: i32) -> String {
    encode_named(type_name(kind), id)
}

/// The ID of a record outside the content kinds (`User`, `Revision`, `AuditEntry`).
pub fn encode_named(type_name: &str, id: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

/// The ID of a program as it stood on `day` (its status and fees then): a view whose content
/// differs from today's, so it has its own identity (`Program:42@2025-09-20`). A client cache
/// that keeps one object per ID keeps the two apart, and `node(id:)` refetches the same view.
pub fn encode_on(kind: RecordKind, id: i32, day: NaiveDate) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{}:{id}@{}",
        type_name(kind),
        day.format("%Y-%m-%d")
    ))
}

/// The type name, positive row id and day (of a dated view) inside an ID we issued; None for
/// anything else.
fn split(id: &str) -> Option<(String, i32, Option<NaiveDate>)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
    let (name, rest) = text.split_once(':')?;
    let (num, day) = match rest.split_once('@') {
        Some((num, day)) => (num, Some(NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?)),
        None => (rest, None),
    };
    let num: i32 = num.parse().ok().filter(|n| *n > 0)?;
    Some((name.to_owned(), num, day))
}

/// The content record a global ID names; None when we did not issue it, or when it names a
/// dated view (a view is not a record one can edit or link to).
pub fn decode(id: &str) -> Option<(RecordKind, i32)> {
    match decode_view(id)? {
        (kind, num, None) => Some((kind, num)),
        (_, _, Some(_)) => None,
    }
}

/// The record a global ID names, and the day of a dated view (programs only).
pub fn decode_view(id: &str) -> Option<(RecordKind, i32, Option<NaiveDate>)> {
    let (name, num, day) = split(id)?;
    let kind = RecordKind::ALL
        .into_iter()
        .find(|k| type_name(*k) == name)?;
    if day.is_some() && kind != RecordKind::Program {
        return None;
    }
    Some((kind, num, day))
}

/// The row id inside an ID made by [`encode_named`] for `type_name`.
pub fn decode_named(id: &str, type_name: &str) -> Option<i32> {
    split(id)
        .filter(|(name, _, day)| name == type_name && day.is_none())
        .map(|(_, n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = encode(RecordKind::Program, 42);
        assert_eq!(decode(&id), Some((RecordKind::Program, 42)));
        assert_eq!(decode("nope"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Program:-1")), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Program:0")), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Spaceship:1")), None);
        assert_eq!(decode_named(&encode_named("User", 3), "User"), Some(3));
        assert_eq!(decode_named(&encode_named("User", 3), "Revision"), None);
    }

    #[test]
    fn a_dated_view_has_its_own_id() {
        let day = NaiveDate::from_ymd_opt(2025, 9, 20).unwrap_or_default();
        let dated = encode_on(RecordKind::Program, 42, day);
        assert_ne!(dated, encode(RecordKind::Program, 42));
        assert_eq!(
            decode_view(&dated),
            Some((RecordKind::Program, 42, Some(day)))
        );
        assert_eq!(decode(&dated), None, "a view is not a record");
        let fee = URL_SAFE_NO_PAD.encode("Fee:3@2025-09-20");
        assert_eq!(decode_view(&fee), None, "only programs have dated views");
        assert_eq!(
            decode_view(&URL_SAFE_NO_PAD.encode("Program:3@2025-13-01")),
            None
        );
    }

    #[test]
    fn every_kind_round_trips() {
        for kind in RecordKind::ALL {
            assert_eq!(decode(&encode(kind, 7)), Some((kind, 7)));
        }
    }
}

//! Opaque global IDs: base64url of `Type:id`, so clients never build or parse them. GraphQL's
//! `node(id:)` and the permalinks (`/records/{id}`) take the same IDs.

use super::kind::RecordKind;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

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

/// The type name and positive row id inside an ID we issued; None for anything else.
fn split(id: &str) -> Option<(String, i32)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
    let (name, num) = text.split_once(':')?;
    let num: i32 = num.parse().ok().filter(|n| *n > 0)?;
    Some((name.to_owned(), num))
}

/// The content record a global ID names; None when we did not issue it.
pub fn decode(id: &str) -> Option<(RecordKind, i32)> {
    let (name, num) = split(id)?;
    let kind = RecordKind::ALL
        .into_iter()
        .find(|k| type_name(*k) == name)?;
    Some((kind, num))
}

/// The row id inside an ID made by [`encode_named`] for `type_name`.
pub fn decode_named(id: &str, type_name: &str) -> Option<i32> {
    split(id)
        .filter(|(name, _)| name == type_name)
        .map(|(_, n)| n)
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
    fn every_kind_round_trips() {
        for kind in RecordKind::ALL {
            assert_eq!(decode(&encode(kind, 7)), Some((kind, 7)));
        }
    }
}

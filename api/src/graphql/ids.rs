//! Opaque global IDs: base64url of `Type:id`, so clients never build or parse them.

use crate::error::ApiError;
use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The types that can be fetched with `node(id:)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    Program,
    Requirement,
    Fee,
    Source,
    Citation,
    Person,
    Commentary,
    PolicyEvent,
}

impl NodeType {
    const ALL: [NodeType; 8] = [
        Self::Program,
        Self::Requirement,
        Self::Fee,
        Self::Source,
        Self::Citation,
        Self::Person,
        Self::Commentary,
        Self::PolicyEvent,
    ];

    /// The GraphQL type name, also stored in revisions and the audit log.
    pub fn name(self) -> &'static str {
        match self {
            Self::Program => "Program",
            Self::Requirement => "Requirement",
            Self::Fee => "Fee",
            Self::Source => "Source",
            Self::Citation => "Citation",
            Self::Person => "Person",
            Self::Commentary => "Commentary",
            Self::PolicyEvent => "PolicyEvent",
        }
    }
}

impl NodeType {
    /// The type stored in this table.
    pub fn from_table(table: &str) -> Option<Self> {
        match table {
            "program" => Some(Self::Program),
            "requirement" => Some(Self::Requirement),
            "fee" => Some(Self::Fee),
            "source" => Some(Self::Source),
            "citation" => Some(Self::Citation),
            "person" => Some(Self::Person),
            "commentary" => Some(Self::Commentary),
            "policy_event" => Some(Self::PolicyEvent),
            _ => None,
        }
    }

    /// The type with this GraphQL name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The ID of a record outside the content types (`User`, `Revision`, `AuditEntry`).
pub fn encode_named(type_name: &str, id: i32) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// Reads an ID made by [`encode_named`] for `type_name`; BAD_USER_INPUT on `field` otherwise.
pub fn decode_named(id: &ID, type_name: &str, field: &str) -> Result<i32, ApiError> {
    let bad = || {
        ApiError::bad_input(
            field,
            format!("`{}` is not a valid {type_name} ID", id.as_str()),
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let num = text
        .strip_prefix(type_name)
        .and_then(|rest| rest.strip_prefix(':'))
        .ok_or_else(bad)?;
    num.parse::<i32>().ok().filter(|n| *n > 0).ok_or_else(bad)
}

/// The global ID of a row.
pub fn encode(kind: NodeType, id: i32) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Reads a global ID; anything we did not issue is BAD_USER_INPUT.
pub fn decode(id: &ID) -> Result<(NodeType, i32), ApiError> {
    let bad = || ApiError::bad_input("id", format!("`{}` is not a valid ID", id.as_str()));
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (name, num) = text.split_once(':').ok_or_else(bad)?;
    let kind = NodeType::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(bad)?;
    let num: i32 = num.parse().map_err(|_| bad())?;
    if num <= 0 {
        return Err(bad());
    }
    Ok((kind, num))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = encode(NodeType::Program, 42);
        assert_eq!(decode(&id).unwrap(), (NodeType::Program, 42));
        assert!(decode(&ID("nope".into())).is_err());
        assert!(decode(&ID(URL_SAFE_NO_PAD.encode("Program:-1"))).is_err());
        assert!(decode(&ID(URL_SAFE_NO_PAD.encode("Spaceship:1"))).is_err());
    }
}

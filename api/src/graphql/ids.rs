//! Global IDs as GraphQL `ID`s; the scheme itself is `kb::global_id`.

use crate::kb::error::ApiError;
use crate::kb::global_id;
use async_graphql::ID;

pub use crate::kb::RecordKind;

/// The ID of a record outside the content types (`User`, `Revision`, `AuditEntry`).
pub fn encode_named(type_name: &str, id: i32) -> ID {
    ID(global_id::encode_named(type_name, id))
}

/// Reads an ID made by [`encode_named`] for `type_name`; BAD_USER_INPUT on `field` otherwise.
pub fn decode_named(id: &ID, type_name: &str, field: &str) -> Result<i32, ApiError> {
    global_id::decode_named(id.as_str(), type_name).ok_or_else(|| {
        ApiError::bad_input(
            field,
            format!("`{}` is not a valid {type_name} ID", id.as_str()),
        )
    })
}

/// The global ID of a row.
pub fn encode(kind: RecordKind, id: i32) -> ID {
    ID(global_id::encode(kind, id))
}

/// Reads a global ID; anything we did not issue is BAD_USER_INPUT.
pub fn decode(id: &ID) -> Result<(RecordKind, i32), ApiError> {
    global_id::decode(id.as_str())
        .ok_or_else(|| ApiError::bad_input("id", format!("`{}` is not a valid ID", id.as_str())))
}

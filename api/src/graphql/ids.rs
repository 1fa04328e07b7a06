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

/// The ID of a program seen on `day` (`kb::global_id::encode_on`).
pub fn encode_on(kind: RecordKind, id: i32, day: chrono::NaiveDate) -> ID {
    ID(global_id::encode_on(kind, id, day))
}

/// Reads a global ID that may name a dated view; BAD_USER_INPUT otherwise.
pub fn decode_view(id: &ID) -> Result<(RecordKind, i32, Option<chrono::NaiveDate>), ApiError> {
    global_id::decode_view(id.as_str())
        .ok_or_else(|| ApiError::bad_input("id", format!("`{}` is not a valid ID", id.as_str())))
}

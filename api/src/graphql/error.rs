//! The one place where failures become GraphQL errors. Internal failures are logged with their
//! context here and reach the client only as a generic message.

use crate::kb::error::ApiError;
use async_graphql::ErrorExtensions;

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::BadUserInput { message, field } => async_graphql::Error::new(message)
                .extend_with(|_, e| {
                    e.set("code", "BAD_USER_INPUT");
                    if let Some(field) = &field {
                        e.set("field", field.as_str());
                    }
                }),
            ApiError::NotFound(message) => {
                async_graphql::Error::new(message).extend_with(|_, e| e.set("code", "NOT_FOUND"))
            }
            ApiError::Unauthenticated(message) => async_graphql::Error::new(message)
                .extend_with(|_, e| e.set("code", "UNAUTHENTICATED")),
            ApiError::Forbidden(message) => {
                async_graphql::Error::new(message).extend_with(|_, e| e.set("code", "FORBIDDEN"))
            }
            ApiError::Conflict {
                message,
                field,
                current_version,
            } => async_graphql::Error::new(message).extend_with(|_, e| {
                e.set("code", "CONFLICT");
                if let Some(field) = &field {
                    e.set("field", field.as_str());
                }
                if let Some(version) = current_version {
                    e.set("currentVersion", version);
                }
            }),
            ApiError::TooManyRequests { retry_after_secs } => async_graphql::Error::new(
                "too many failed sign-in attempts; wait before trying again",
            )
            .extend_with(|_, e| {
                e.set("code", "TOO_MANY_REQUESTS");
                e.set("retryAfterSeconds", retry_after_secs);
            }),
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error while resolving a GraphQL request");
                async_graphql::Error::new("internal error")
                    .extend_with(|_, e| e.set("code", "INTERNAL_SERVER_ERROR"))
            }
        }
    }
}

/// A whole GraphQL answer holding only `err` (for requests refused before they run), shaped as
/// the executor would shape it.
pub fn body(err: ApiError) -> serde_json::Value {
    let error = async_graphql::Error::from(err).into_server_error(async_graphql::Pos::default());
    serde_json::json!({ "errors": [error] })
}

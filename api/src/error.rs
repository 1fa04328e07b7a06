//! The one place where failures become GraphQL errors.
//!
//! Every variant documents the `extensions.code` clients see. Internal failures are logged with
//! their context here and reach the client only as a generic message.

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;

/// A failure while answering a GraphQL request.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// `BAD_USER_INPUT`: the request is malformed (a bad cursor, page size, filter or slug).
    /// `field` names the argument or input field at fault.
    BadUserInput {
        message: String,
        field: Option<String>,
    },
    /// `NOT_FOUND`: a well-formed identifier that names nothing the caller may see.
    NotFound(String),
    /// `UNAUTHENTICATED`: the field needs a signed-in editor, or a login failed.
    Unauthenticated(String),
    /// `FORBIDDEN`: signed in, but the role does not allow this.
    Forbidden(String),
    /// `CONFLICT`: the record moved on since the editor read it (`extensions.currentVersion`),
    /// or a unique value is taken (`extensions.field`). Nothing was written.
    Conflict {
        message: String,
        field: Option<String>,
        current_version: Option<i32>,
    },
    /// `TOO_MANY_REQUESTS`: too many failed logins; `extensions.retryAfterSeconds` says when to
    /// try again.
    TooManyRequests { retry_after_secs: i64 },
    /// `INTERNAL_SERVER_ERROR`: our fault; logged in full, never described to the client.
    Internal(String),
}

impl ApiError {
    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }

    /// A unique value (slug, URL, email) that another record already has.
    pub fn taken(field: &str, message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
            field: Some(field.to_owned()),
            current_version: None,
        }
    }

    /// The record's version is not the one the editor saw.
    pub fn stale(current_version: i32) -> Self {
        Self::Conflict {
            message: format!(
                "the record was changed by someone else (now at version {current_version}); \
                 reload it and apply your edit again"
            ),
            field: Some("expectedVersion".to_owned()),
            current_version: Some(current_version),
        }
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        Self::Internal(format!("database: {err}"))
    }
}

/// `Arc`ed errors come back from the batched loaders.
impl From<std::sync::Arc<ApiError>> for ApiError {
    fn from(err: std::sync::Arc<ApiError>) -> Self {
        (*err).clone()
    }
}

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

/// The result type of resolvers.
pub type ApiResult<T> = Result<T, ApiError>;

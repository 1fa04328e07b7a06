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

//! The one mapping from failures to HTTP responses for the REST routes (exports, feed,
//! permalinks): 400 with the parameter at fault, 404, 410 for a withdrawn record, 503 when the database is out of reach, or
//! 500 (logged with its context, never described to the client). The GraphQL endpoint maps the
//! same errors in `graphql::error`.

use crate::kb::error::ApiError;
use actix_web::HttpResponse;
use serde_json::json;

/// The response for `err`; `what` says which route failed, for the log.
pub fn response(err: ApiError, what: &str) -> HttpResponse {
    match err {
        ApiError::BadUserInput { message, field } => {
            HttpResponse::BadRequest().json(json!({ "error": message, "field": field }))
        }
        ApiError::NotFound(message) => HttpResponse::NotFound().json(json!({ "error": message })),
        ApiError::Gone(message) => HttpResponse::Gone().json(json!({ "error": message })),
        // The REST routes read public data only; nothing else can fail there.
        ApiError::Unauthenticated(_)
        | ApiError::Forbidden(_)
        | ApiError::Conflict { .. }
        | ApiError::TooManyRequests { .. } => {
            tracing::error!(error = ?err, route = what, "unexpected error");
            HttpResponse::InternalServerError().json(json!({ "error": "internal error" }))
        }
        ApiError::Unavailable(detail) => {
            tracing::warn!(error = %detail, route = what, "database unavailable");
            unavailable()
        }
        ApiError::Internal(detail) => {
            tracing::error!(error = %detail, route = what, "request failed");
            HttpResponse::InternalServerError().json(json!({ "error": "internal error" }))
        }
    }
}

/// How long clients are told to wait when the database is out of reach.
pub const RETRY_AFTER_SECS: u64 = 5;

/// The one answer for "the database is unavailable", on every route: 503, `Retry-After`, and
/// the code GraphQL errors carry.
pub fn unavailable() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header((
            actix_web::http::header::RETRY_AFTER,
            RETRY_AFTER_SECS.to_string(),
        ))
        .json(json!({
            "error": "the database is unavailable; try again shortly",
            "code": "SERVICE_UNAVAILABLE"
        }))
}

//! The one place where failures become GraphQL errors. Internal failures are logged with their
//! context here and reach the client only as a generic message.

use crate::kb::error::{ApiError, ApiResult};
use async_graphql::{Context, ErrorExtensions};

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
            ApiError::Gone(message) => {
                async_graphql::Error::new(message).extend_with(|_, e| e.set("code", "GONE"))
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
            ApiError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "database unavailable while resolving a GraphQL request");
                async_graphql::Error::new("the database is unavailable; try again shortly")
                    .extend_with(|_, e| e.set("code", "SERVICE_UNAVAILABLE"))
            }
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

/// The value of a nullable field, or null with its error reported at the field's path. The
/// executor would let a resolver's error escape to the whole answer (`data: null`, siblings
/// lost); the spec nulls only the field that failed, which is what clients cache against.
pub fn or_null<T>(ctx: &Context<'_>, result: ApiResult<Option<T>>) -> Option<T> {
    result.unwrap_or_else(|err| {
        let error = async_graphql::Error::from(err).into_server_error(ctx.item.pos);
        ctx.add_error(ctx.set_error_path(error));
        None
    })
}

/// Whether a response is a request error: nothing ran (parsing, validation or a limit refused
/// it before execution), so it has no `data` entry (GraphQL over HTTP).
pub fn is_request_error(response: &async_graphql::Response) -> bool {
    matches!(response.data, async_graphql::Value::Null)
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// Gives each error the executor raised itself (validation, its limits, argument coercion) a
/// stable `extensions.code`, as ours have: clients match on codes, never on messages.
/// `request_error` says whether the response is a request error ([`is_request_error`]);
/// `query` is the document's text, read again only to name the argument of a coercion error.
pub fn give_codes(response: &mut async_graphql::Response, request_error: bool, query: &str) {
    for error in &mut response.errors {
        let coded = error
            .extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some());
        if coded {
            continue;
        }
        let (code, field) = if request_error {
            request_error_code(&error.message)
        } else {
            let code = execution_error_code(&error.message);
            let field = match (code, error.locations.first()) {
                ("BAD_USER_INPUT", Some(at)) => refused_argument(query, *at),
                _ => None,
            };
            (code, field)
        };
        if code == "INTERNAL_SERVER_ERROR" {
            // Not one of ours and not a known executor error: log it, tell the client nothing.
            tracing::error!(error = %error.message, path = ?error.path, "uncoded GraphQL error");
            error.message = "internal error".to_owned();
        }
        let extensions = error.extensions.get_or_insert_with(Default::default);
        extensions.set("code", code);
        if let Some(field) = field {
            extensions.set("field", field);
        }
    }
}

/// The code of an error raised before execution, from async-graphql's messages (pinned by the
/// lock file; the error-code test catches a change of wording).
fn request_error_code(message: &str) -> (&'static str, Option<String>) {
    if message == "Query is nested too deep." || message.starts_with("The recursion depth") {
        ("DEPTH_LIMIT_EXCEEDED", None)
    } else if message.starts_with("The amount of aliases") {
        ("ALIAS_LIMIT_EXCEEDED", None)
    } else if message == "Query is too complex." {
        ("COST_LIMIT_EXCEEDED", None)
    } else if let Some(rest) = message.strip_prefix("Invalid value for argument \"") {
        // `"first", expected type "Int"`: the argument (or its path) is the quoted part.
        ("BAD_USER_INPUT", rest.split('"').next().map(str::to_owned))
    } else if message.starts_with("Unknown operation named")
        || message.starts_with("Operation name required")
    {
        ("OPERATION_RESOLUTION_FAILURE", None)
    } else {
        ("GRAPHQL_VALIDATION_FAILED", None)
    }
}

/// The code of an executor error raised while running: an argument its type refused.
fn execution_error_code(message: &str) -> &'static str {
    let refused_input = message.starts_with("Failed to parse \"")
        || message.starts_with("Expected input type")
        || message.starts_with("Invalid value for argument")
        || message.starts_with("Variable ");
    if refused_input {
        "BAD_USER_INPUT"
    } else {
        "INTERNAL_SERVER_ERROR"
    }
}

/// The argument the executor refused: the executor reports the position of its value.
fn refused_argument(query: &str, at: async_graphql::Pos) -> Option<String> {
    use async_graphql::Positioned;
    use async_graphql::parser::types::{Selection, SelectionSet};

    fn find(set: &Positioned<SelectionSet>, at: async_graphql::Pos) -> Option<String> {
        set.node.items.iter().find_map(|item| match &item.node {
            Selection::Field(field) => field
                .node
                .arguments
                .iter()
                .find(|(_, value)| value.pos == at)
                .map(|(name, _)| name.node.to_string())
                .or_else(|| find(&field.node.selection_set, at)),
            Selection::InlineFragment(fragment) => find(&fragment.node.selection_set, at),
            Selection::FragmentSpread(_) => None,
        })
    }
    let document = async_graphql::parser::parse_query(query).ok()?;
    document
        .operations
        .iter()
        .find_map(|(_, op)| find(&op.node.selection_set, at))
        .or_else(|| {
            document
                .fragments
                .values()
                .find_map(|f| find(&f.node.selection_set, at))
        })
}

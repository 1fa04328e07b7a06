//! The failures of the domain and its services, each with the `extensions.code` (or HTTP status)
//! clients see. Each surface maps them once: `graphql::error` to GraphQL errors,
//! `routes::error` to HTTP responses.

use sea_orm::DbErr;

/// A failure while answering a request.
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
    /// `GONE` (HTTP 410): the identifier named a record readers could see, which its editors
    /// have since withdrawn. Only for records that were public: a draft is `NotFound`.
    Gone(String),
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
    /// `SERVICE_UNAVAILABLE` (HTTP 503 with `Retry-After`): the database cannot be reached (down,
    /// restarting, or no connection free within the acquire timeout). Logged; the client is
    /// told to try again.
    Unavailable(String),
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

    /// The same error with its field named inside `parent` (`country` → `filter.country`).
    pub fn within(self, parent: &str) -> Self {
        match self {
            Self::BadUserInput {
                message,
                field: Some(field),
            } => Self::BadUserInput {
                message,
                field: Some(format!("{parent}.{field}")),
            },
            other => other,
        }
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
        if is_unavailable(&err) {
            Self::Unavailable(format!("database: {err}"))
        } else {
            Self::Internal(format!("database: {err}"))
        }
    }
}

/// Whether `err` says the database is out of reach rather than that a statement is wrong: no
/// connection within the acquire timeout, a broken or refused connection, or PostgreSQL
/// shutting down or starting up (SQLSTATE classes 08 and 57P).
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let runtime = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return false,
    };
    let RuntimeErr::SqlxError(sqlx) = runtime else {
        return false;
    };
    match &**sqlx {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed => true,
        Sqlx::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

/// `Arc`ed errors come back from the batched loaders.
impl From<std::sync::Arc<ApiError>> for ApiError {
    fn from(err: std::sync::Arc<ApiError>) -> Self {
        (*err).clone()
    }
}

/// The result type of the domain, its services and resolvers.
pub type ApiResult<T> = Result<T, ApiError>;

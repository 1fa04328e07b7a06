//! What every resolver reads from the request context.

use super::loaders::Loaders;
use crate::config::Limits;
use crate::kb::error::{ApiError, ApiResult};
use async_graphql::Context;
use sea_orm::DatabaseConnection;

/// The database pool of the worker serving this request.
pub fn db<'a>(ctx: &Context<'a>) -> ApiResult<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| ApiError::Internal("no database in the request context".to_owned()))
}

/// The request's batched loaders.
pub fn loaders<'a>(ctx: &Context<'a>) -> ApiResult<&'a Loaders> {
    ctx.data::<Loaders>()
        .map_err(|_| ApiError::Internal("no loaders in the request context".to_owned()))
}

/// The configured limits.
pub fn limits<'a>(ctx: &Context<'a>) -> ApiResult<&'a Limits> {
    ctx.data::<Limits>()
        .map_err(|_| ApiError::Internal("no limits in the schema data".to_owned()))
}

/// The public base URL of this request (for permalinks).
pub fn base<'a>(ctx: &Context<'a>) -> ApiResult<&'a crate::permalink::PublicBase> {
    ctx.data::<crate::permalink::PublicBase>()
        .map_err(|_| ApiError::Internal("no public base URL in the request context".to_owned()))
}

//! Role checks on resolvers: `#[graphql(guard = "RequireRole(Role::Editor)")]`. The rule
//! (who may do what) is `auth::Viewer::require`; this is its GraphQL face.

use crate::auth::Viewer;
use crate::kb::error::ApiError;
use async_graphql::{Context, Guard};
use entity::enums::Role;

/// Lets the field resolve only for a signed-in user with at least this role (admin ⊇ editor).
pub struct RequireRole(pub Role);

/// The viewer of this request, or UNAUTHENTICATED / FORBIDDEN.
pub fn require<'a>(ctx: &Context<'a>, needed: Role) -> Result<&'a entity::user::Model, ApiError> {
    match ctx.data_opt::<Viewer>() {
        Some(viewer) => viewer.require(needed),
        None => Viewer::PUBLIC.require(needed),
    }
}

impl Guard for RequireRole {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        require(ctx, self.0).map(|_| ()).map_err(Into::into)
    }
}

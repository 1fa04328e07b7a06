//! Role checks on resolvers: `#[graphql(guard = "RequireRole(Role::Editor)")]`.

use super::viewer::Viewer;
use crate::error::ApiError;
use async_graphql::{Context, Guard};
use entity::enums::Role;

/// Lets the field resolve only for a signed-in user with at least this role (admin ⊇ editor).
pub struct RequireRole(pub Role);

fn rank(role: Role) -> u8 {
    match role {
        Role::Editor => 1,
        Role::Admin => 2,
    }
}

/// The viewer of this request, or UNAUTHENTICATED / FORBIDDEN.
pub fn require<'a>(ctx: &Context<'a>, needed: Role) -> Result<&'a entity::user::Model, ApiError> {
    let user = ctx
        .data_opt::<Viewer>()
        .and_then(|v| v.user.as_ref())
        .ok_or_else(|| {
            ApiError::Unauthenticated(
                "sign in (the `login` mutation) and send `Authorization: Bearer <token>`"
                    .to_owned(),
            )
        })?;
    if rank(user.role) < rank(needed) {
        return Err(ApiError::Forbidden(format!(
            "this needs the {} role",
            needed.as_str()
        )));
    }
    Ok(user)
}

impl Guard for RequireRole {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        require(ctx, self.0).map(|_| ()).map_err(Into::into)
    }
}

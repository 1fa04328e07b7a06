//! Who is asking: resolved once per HTTP request from its `Authorization` header.

use super::token::TokenKeys;
use crate::kb::error::ApiError;
use chrono::Utc;
use entity::enums::Role;
use entity::user;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};

/// The signed-in editor, if any, as the database says now (role, active, token version).
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user: Option<user::Model>,
}

fn rank(role: Role) -> u8 {
    match role {
        Role::Editor => 1,
        Role::Admin => 2,
    }
}

impl Viewer {
    /// The public: nobody signed in.
    pub const PUBLIC: Viewer = Viewer { user: None };

    /// The signed-in account if its role is at least `needed` (admin ⊇ editor), else
    /// UNAUTHENTICATED (nobody signed in) or FORBIDDEN.
    pub fn require(&self, needed: Role) -> Result<&user::Model, ApiError> {
        let user = self.user.as_ref().ok_or_else(|| {
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

    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    /// Whether the viewer may see and edit unpublished content.
    pub fn is_editor(&self) -> bool {
        self.user.is_some()
    }
}

/// Why a request's token was refused (HTTP 401).
#[derive(Debug)]
pub enum AuthFailure {
    /// The token is missing its scheme, malformed, badly signed, expired or revoked.
    Refused(&'static str),
    /// The account could not be looked up.
    Db(DbErr),
}

/// Reads an `Authorization` header: none means the public; a bearer token must be valid and
/// belong to an active account whose token version it carries.
pub async fn authenticate(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    header: Option<&str>,
) -> Result<Viewer, AuthFailure> {
    let Some(header) = header else {
        return Ok(Viewer::default());
    };
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(AuthFailure::Refused(
            "the Authorization header must be `Bearer <token>`",
        ))?;
    let claims = keys.verify(token).map_err(AuthFailure::Refused)?;
    if claims.iat > Utc::now().timestamp() + 60 {
        return Err(AuthFailure::Refused("the token is issued in the future"));
    }
    let id: i32 = claims
        .sub
        .parse()
        .map_err(|_| AuthFailure::Refused("the token is malformed"))?;
    let user = user::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(AuthFailure::Db)?
        .ok_or(AuthFailure::Refused("the token's account does not exist"))?;
    if !user.active || user.token_version != claims.tv {
        return Err(AuthFailure::Refused(
            "the token has been revoked; sign in again",
        ));
    }
    Ok(Viewer { user: Some(user) })
}

//! `User`: an editor account, and the `LoginPayload` of `login`.

use super::enums::Role;
use super::ids::encode_named;
use crate::graphql::scalars::Timestamp;
use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};
use entity::user;
use std::sync::Arc;

/// An editor account. Only admins (and the account itself, through `me`) see accounts.
pub struct User(pub Arc<user::Model>);

impl From<user::Model> for User {
    fn from(row: user::Model) -> Self {
        Self(Arc::new(row))
    }
}

/// An editor account.
#[Object]
impl User {
    /// Opaque ID.
    async fn id(&self) -> ID {
        encode_named("User", self.0.id)
    }

    /// Email address (lower-cased), used to sign in.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Name shown in revision history.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// What the account may do.
    async fn role(&self) -> Role {
        self.0.role.into()
    }

    /// False once disabled: a disabled account cannot sign in and its tokens are revoked.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// When the account was created.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }

    /// When it last signed in.
    async fn last_login_at(&self) -> Option<Timestamp> {
        self.0.last_login_at.map(Timestamp)
    }
}

/// A signed-in session.
pub struct LoginPayload {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// A signed-in session.
#[Object]
impl LoginPayload {
    /// Send it as `Authorization: Bearer <token>`.
    async fn token(&self) -> &str {
        &self.token
    }

    /// When the token stops working; sign in again after.
    async fn expires_at(&self) -> Timestamp {
        self.expires_at.into()
    }

    /// The signed-in account.
    async fn user(&self) -> &User {
        &self.user
    }
}

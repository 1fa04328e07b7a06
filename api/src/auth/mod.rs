//! Editor accounts and authentication: argon2id passwords, HS256 JWTs, role guards.
//!
//! The public reads without a token. A request that carries a token must carry a valid one: a
//! bad, expired or revoked token is refused with 401, never downgraded to public access.

pub mod accounts;
pub mod password;
pub mod token;
pub mod viewer;

pub use crate::audit::RequestMeta;
pub use token::TokenKeys;
pub use viewer::Viewer;

//! HTTP endpoints.

pub mod export;
pub mod graphql;
pub mod health;

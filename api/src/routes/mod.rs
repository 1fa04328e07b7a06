//! HTTP endpoints.

pub mod graphql;
pub mod health;

//! HTTP endpoints.

pub mod export;
pub mod feed;
pub mod graphql;
pub mod health;

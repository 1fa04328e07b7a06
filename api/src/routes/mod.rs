//! HTTP endpoints.

pub mod access;
pub mod assets;
pub mod cache;
pub mod edit;
pub mod error;
pub mod export;
pub mod feed;
pub mod graphql;
pub mod health;
pub mod http_cache;
pub mod limit;
pub mod metrics;
pub mod page;
pub mod permalink;
pub mod state;
pub mod web;

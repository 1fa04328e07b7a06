//! The integration tests: one binary (linking the api crate once, not once per file), one
//! module per area. Each test starts the real server on port 0 against a fresh database
//! migrated by the real migrations, on SQLite and (with `TEST_DATABASE_URL`) PostgreSQL.

// A failing test should panic loudly; unwrap is the point here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

mod auth;
mod batching;
mod clients;
mod config;
mod content;
mod cursors;
mod editing;
mod errors;
mod examples;
mod export;
mod hardening;
mod http_cache;
mod import;
mod journalists;
mod live;
mod metrics;
mod outage;
mod pages;
mod programs;
mod protocol;
mod replicas;
mod response_shape;
mod rules;
mod schema;
mod snapshots;
mod truth;
mod visibility;
mod workspace;

//! visa-kb's server library: configuration, database, import, GraphQL schema and HTTP server.
//! The `visa-kb` binary only calls [`cli::run`].

pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod editorial;
pub mod graphql;
pub mod import;
pub mod kb;
pub mod live;
pub mod permalink;
mod routes;
pub mod search;
pub mod seed;
pub mod startup;
pub mod store;
pub mod telemetry;

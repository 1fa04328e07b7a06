//! The GraphQL schema: one module per type, a pure [`schema`] builder with no I/O.

mod change;
mod citation;
mod commentary;
mod compare;
mod context;
pub mod cost;
mod document;
mod editorial;
mod eligibility;
pub(crate) mod enums;
pub(crate) mod error;
mod fact;
mod fee;
mod guard;
pub(crate) mod ids;
pub(crate) mod in_place;
mod inputs;
pub mod loaders;
mod mutation;
mod node;
pub mod pagination;
mod person;
mod policy_event;
mod program;
mod query;
mod requirement;
mod reverify;
pub mod scalars;
mod search;
mod source;
pub mod subscription;
mod user;
mod value;

use crate::config::Limits;
use async_graphql::Schema;

pub use document::{DocumentCache, Inspection, Validation, inspect};
pub use mutation::Mutation;
/// For the export endpoints, which filter programs as `programs(filter:)` does.
pub use query::Query;
pub use subscription::{ConnectionToken, Subscription};

/// The schema type served at `/graphql`.
pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema with its limits. (The cost of a request is counted by [`cost`], over all
/// operations of an HTTP request, before it runs.) Per-request data (the database pool, the loaders, the
/// viewer and the token keys) is added to each request by the HTTP layer.
pub fn schema(limits: Limits) -> AppSchema {
    builder(limits).finish()
}

/// The same schema for documents that passed [`schema`]'s validation before, sent again
/// without variables ([`Validation::Passed`]): it checks their limits (depth, aliases) and
/// skips the rules whose verdict cannot have changed.
pub fn prevalidated_schema(limits: Limits) -> AppSchema {
    builder(limits)
        .validation_mode(async_graphql::ValidationMode::Fast)
        .finish()
}

/// No extension is registered: [`in_place`] objects skip the per-field hook one would add.
fn builder(limits: Limits) -> async_graphql::SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query, Mutation, Subscription)
        .limit_depth(limits.max_depth)
        .limit_aliases(limits.max_aliases)
        .data(limits)
}

/// The SDL of the schema, with types and fields sorted so that diffs are stable. This is what
/// `schema.graphql` must contain (`visa-kb schema > schema.graphql`).
pub fn sdl() -> String {
    schema(Limits::default()).sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items()
            .include_specified_by(),
    )
}

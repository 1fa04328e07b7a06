//! Database migrations: the schema of visa-kb, applied the same way on SQLite and PostgreSQL.
//!
//! Tests and the server run these real migrations; nothing creates tables from entities.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_core;
mod m20261129_000002_editorial;
mod m20261129_000003_search;
mod m20261129_000004_program_order;
mod m20261204_000005_parent_state;
mod m20261204_000006_reading_order;
mod m20261204_000007_revision_notify;
mod m20261204_000008_scheduled_end;
mod m20261205_000009_scheduled_end_of_programs;
mod m20261205_000010_public_changes;
mod m20261205_000011_program_text_index;
mod m20261205_000012_kept_visibility;
mod m20261205_000013_search_postings;
mod m20261206_000014_program_words_index;
mod m20261207_000015_program_words_column;
mod trigrams;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_core::Migration),
            Box::new(m20261129_000002_editorial::Migration),
            Box::new(m20261129_000003_search::Migration),
            Box::new(m20261129_000004_program_order::Migration),
            Box::new(m20261204_000005_parent_state::Migration),
            Box::new(m20261204_000006_reading_order::Migration),
            Box::new(m20261204_000007_revision_notify::Migration),
            Box::new(m20261204_000008_scheduled_end::Migration),
            Box::new(m20261205_000009_scheduled_end_of_programs::Migration),
            Box::new(m20261205_000010_public_changes::Migration),
            Box::new(m20261205_000011_program_text_index::Migration),
            Box::new(m20261205_000012_kept_visibility::Migration),
            Box::new(m20261205_000013_search_postings::Migration),
            Box::new(m20261206_000014_program_words_index::Migration),
            Box::new(m20261207_000015_program_words_column::Migration),
        ]
    }
}

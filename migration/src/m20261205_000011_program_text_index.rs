//! The programs' text filter (`programs(filter: {text})`, the exports' `text=`) on an index
//! (PostgreSQL). The filter matches a word anywhere in the name, the local name or the summary
//! (`LOWER(col) LIKE '%word%'`), which no B-tree can serve: at 10,000 programs every filtered
//! page and its count read the whole table (1.7 ms each). A trigram index (`pg_trgm`) finds
//! the rows that hold the word's trigrams (0.8 ms, growing with the matches, not the table).
//!
//! Without `fastupdate`: programs are written seldom, and a write goes straight into the index
//! instead of a pending list that every read must scan until the next vacuum (after an import,
//! the planner would rather read the table).
//!
//! `pg_trgm` ships with PostgreSQL's contrib modules and is a trusted extension: the
//! database's owner may create it. Where it is not installed, the index is left out and the
//! filter reads the table as before: the answers are the same either way. SQLite reads its
//! small tables directly.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        let available = db
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT 1 AS one FROM pg_available_extensions WHERE name = 'pg_trgm'",
            ))
            .await?
            .is_some();
        if !available {
            return Ok(());
        }
        db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_program_text_trgm ON program USING gin (
               lower(name) gin_trgm_ops, lower(local_name) gin_trgm_ops, lower(summary) gin_trgm_ops)
             WITH (fastupdate = off)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        // The extension stays: other schemas in the database may use it.
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_program_text_trgm")
            .await?;
        Ok(())
    }
}

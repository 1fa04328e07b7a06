//! A program's words kept lower-case in a column of their own.
//!
//! The text filter sieved on the trigram index of an expression (`m20261206_000014`), then
//! PostgreSQL rechecked each candidate row: the expression's `LOWER` over name, local name and
//! summary, then the exact condition's three `LOWER(..) LIKE`s. At 10,000 programs the recheck
//! cost about 6 µs a row, most of it lower-casing: a word every program has (`program 0`) and
//! a category left 1,250 rows, 8 ms of a 16 ms statement.
//!
//! The generated column `words` holds the three fields lower-cased once, when a row is written,
//! joined by a line feed. A text without a line feed then matches the column exactly when it
//! matches one of the fields (it cannot span two), so the filter is one `LIKE` on the column
//! and its trigram index. `api::kb::programs` adds the exact three-field condition only for a
//! text with a line feed.
//!
//! SQLite gets the column too, computed when read (it cannot add a stored one), so the filter
//! is written once; it has no trigram index and reads the table, as before.
//!
//! The column is not in the entity: nothing writes it, and SeaORM's reads name their columns.

use crate::m20261206_000014_program_words_index;
use crate::trigrams::trigrams_installed;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DatabaseBackend::Sqlite {
            db.execute_unprepared(
                "ALTER TABLE program ADD COLUMN words TEXT GENERATED ALWAYS AS (
                   LOWER(name || char(10) || COALESCE(local_name, '') || char(10) || COALESCE(summary, ''))
                 ) VIRTUAL",
            )
            .await?;
            return Ok(());
        }
        db.execute_unprepared(
            "ALTER TABLE program ADD COLUMN words text NOT NULL GENERATED ALWAYS AS (
               LOWER(name || E'\\n' || COALESCE(local_name, '') || E'\\n' || COALESCE(summary, ''))
             ) STORED",
        )
        .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS idx_program_words_trgm")
            .await?;
        // Where `pg_trgm` is not installed the filter reads the table, with the same answers.
        let trigrams = trigrams_installed(db).await?;
        if trigrams {
            db.execute_unprepared(
                "CREATE INDEX idx_program_words_trgm ON program USING gin (words gin_trgm_ops)
                 WITH (fastupdate = off)",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Dropping the column drops its index; the expression index of migration 14 returns.
        db.execute_unprepared("ALTER TABLE program DROP COLUMN words")
            .await?;
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let trigrams = trigrams_installed(db).await?;
        if trigrams {
            db.execute_unprepared(m20261206_000014_program_words_index::WORDS_INDEX)
                .await?;
        }
        Ok(())
    }
}

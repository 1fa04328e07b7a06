//! What the trigram migrations ask of the database.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

/// Whether `pg_trgm` is installed in the database (migration 11 installs it where it can).
pub async fn trigrams_installed(db: &SchemaManagerConnection<'_>) -> Result<bool, DbErr> {
    Ok(db
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT 1 AS one FROM pg_extension WHERE extname = 'pg_trgm'",
        ))
        .await?
        .is_some())
}

//! Indexes that give `programs` its orderings directly, so a page of 50 reads 51 rows instead of
//! sorting every published program on every request.
//!
//! The API orders text by byte (`COLLATE "C"` on PostgreSQL, SQLite's default), so that both
//! backends page identically. An index serves such an ORDER BY only if it has the same
//! collation, which the old `(state, name)` index did not whenever the database default is not
//! "C" itself (even "C.UTF-8" is another collation). Measured on the 2,000-program benchmark
//! data: a top-N sort over all rows per page, 2.6 ms.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, columns in order); `{c}` is the byte-order collation clause of the backend.
const INDEXES: [(&str, &str); 3] = [
    ("idx_program_list_name", "state, name{c}, id"),
    ("idx_program_list_country", "state, country{c}, name{c}, id"),
    ("idx_program_list_updated", "state, updated_at, id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let collate = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => " COLLATE \"C\"",
            _ => "",
        };
        let db = manager.get_connection();
        for (name, columns) in INDEXES {
            let columns = columns.replace("{c}", collate);
            db.execute_unprepared(&format!("CREATE INDEX {name} ON program ({columns})"))
                .await?;
        }
        // Superseded by idx_program_list_name, which starts with the same columns.
        db.execute_unprepared("DROP INDEX idx_program_state_name")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX idx_program_state_name ON program (state, name)")
            .await?;
        for (name, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}

//! Reading order: programs and people are listed by `sort_name`, their name folded for case and
//! accents (`entity::folding::sort_key`), then by id. Byte order of the folded key is the same
//! on SQLite and PostgreSQL (`COLLATE "C"`), so both backends page identically, and a client's
//! case-insensitive comparison agrees with the server ("Visa V" before "VITEM XIV").
//!
//! The key is filled in here for the rows that exist; afterwards every write keeps it (the
//! entities' `before_save`, the store's snapshot writes). The list indexes are rebuilt on it.

use entity::folding::sort_key;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["program", "person"];

/// (name, table, columns in order); `{c}` is the byte-order collation clause of the backend.
const INDEXES: [(&str, &str, &str); 3] = [
    ("idx_program_reading", "program", "state, sort_name{c}, id"),
    (
        "idx_program_country_reading",
        "program",
        "state, country{c}, sort_name{c}, id",
    ),
    ("idx_person_reading", "person", "state, sort_name{c}, id"),
];

/// The byte-order indexes of migration 4 that these replace.
const REPLACED: [(&str, &str); 2] = [
    ("idx_program_list_name", "state, name{c}, id"),
    ("idx_program_list_country", "state, country{c}, name{c}, id"),
];

fn collate(manager: &SchemaManager) -> &'static str {
    match manager.get_database_backend() {
        sea_orm_migration::sea_orm::DatabaseBackend::Postgres => " COLLATE \"C\"",
        _ => "",
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for table in TABLES {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD COLUMN sort_name TEXT NOT NULL DEFAULT ''"
            ))
            .await?;
            let rows = db
                .query_all_raw(Statement::from_string(
                    backend,
                    format!("SELECT id, name FROM {table}"),
                ))
                .await?;
            for row in rows {
                let id: i32 = row.try_get("", "id")?;
                let name: String = row.try_get("", "name")?;
                db.execute_raw(Statement::from_sql_and_values(
                    backend,
                    match backend {
                        sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                            format!("UPDATE {table} SET sort_name = $1 WHERE id = $2")
                        }
                        _ => format!("UPDATE {table} SET sort_name = ? WHERE id = ?"),
                    },
                    [Value::from(sort_key(&name)), Value::from(id)],
                ))
                .await?;
            }
        }
        let c = collate(manager);
        for (name, table, columns) in INDEXES {
            let columns = columns.replace("{c}", c);
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({columns})"))
                .await?;
        }
        for (name, _) in REPLACED {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let c = collate(manager);
        for (name, columns) in REPLACED {
            let columns = columns.replace("{c}", c);
            db.execute_unprepared(&format!("CREATE INDEX {name} ON program ({columns})"))
                .await?;
        }
        for (name, _, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        for table in TABLES {
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN sort_name"))
                .await?;
        }
        Ok(())
    }
}

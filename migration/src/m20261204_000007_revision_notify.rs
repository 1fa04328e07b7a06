//! Live changes across replicas (PostgreSQL): every revision written sends
//! `NOTIFY visa_kb_revision, '<id>'` from its own transaction, which PostgreSQL delivers to
//! every listening server when (and only if) the transaction commits. A trigger, not the
//! application, so that every writer (editors, the importer, a restore) is heard, at no extra
//! round trip. SQLite has one process: its server wakes its own subscribers (`api::live`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE FUNCTION visa_kb_notify_revision() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               PERFORM pg_notify('visa_kb_revision', NEW.id::text);
               RETURN NULL;
             END $$",
        )
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER revision_notify AFTER INSERT ON revision
             FOR EACH ROW EXECUTE FUNCTION visa_kb_notify_revision()",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP TRIGGER revision_notify ON revision")
            .await?;
        db.execute_unprepared("DROP FUNCTION visa_kb_notify_revision()")
            .await?;
        Ok(())
    }
}

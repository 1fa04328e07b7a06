//! Terms that run out: a fee may carry the day it is scheduled to end and the condition its
//! sources give ("12 months unless extended"). Past that day, and with no source saying it was
//! extended, it is no longer shown as plainly in effect (`kb::fees::term_on`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE fee ADD COLUMN scheduled_end_on DATE NULL")
            .await?;
        db.execute_unprepared(
            "ALTER TABLE fee ADD COLUMN scheduled_end_condition VARCHAR(300) NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE fee DROP COLUMN scheduled_end_condition")
            .await?;
        db.execute_unprepared("ALTER TABLE fee DROP COLUMN scheduled_end_on")
            .await?;
        Ok(())
    }
}

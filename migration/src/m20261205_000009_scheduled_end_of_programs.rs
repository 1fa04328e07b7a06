//! Terms that run out, for programs and their requirements as for fees (migration 8): the day
//! each is scheduled to end and the condition its sources give ("a two-year pilot unless
//! renewed"). Unlike `program.ends_on`, a scheduled end is not known to have happened: past it,
//! with no source since, the value is UNCONFIRMED (`kb::term`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["program", "requirement"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD COLUMN scheduled_end_on DATE NULL"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD COLUMN scheduled_end_condition VARCHAR(300) NULL"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} DROP COLUMN scheduled_end_condition"
            ))
            .await?;
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN scheduled_end_on"))
                .await?;
        }
        Ok(())
    }
}

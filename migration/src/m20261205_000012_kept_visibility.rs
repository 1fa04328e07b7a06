//! What the public may see, kept where the big reads need it (issue 13). `changes { totalCount }`
//! and search both checked every candidate row against the visibility rule at read time: at
//! 10,000 programs a count of the changes since a year ago looked up 250,000 records (3
//! requests a second), and a common word's search checked 110,000 index rows.
//!
//! - `revision.visible`: whether the record of a public revision is visible now (NULL until
//!   decided, and on revisions that are not public). The application keeps it after every
//!   write with the one rule (`kb::visibility`); a database from before is filled in at start.
//! - `change_tally`: the public revisions of visible records per day (UTC) and record type, so
//!   that a count of changes since a moment sums days instead of reading every change.
//! - The change list's index leads with both flags.
//! - The search index holds only visible records from now on: it is emptied here and rebuilt
//!   with that rule when the server starts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChangeTally {
    Table,
    /// The day (UTC) the revisions were written.
    Day,
    RecordType,
    /// How many public revisions of visible records of that type were written that day.
    N,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE revision ADD COLUMN visible BOOLEAN NULL")
            .await?;
        db.execute_unprepared("DROP INDEX idx_revision_public")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_revision_visible ON revision (public, visible, created_at, id)",
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChangeTally::Table)
                    .col(date(ChangeTally::Day))
                    .col(string_len(ChangeTally::RecordType, 24))
                    .col(big_integer(ChangeTally::N))
                    .primary_key(
                        Index::create()
                            .col(ChangeTally::Day)
                            .col(ChangeTally::RecordType),
                    )
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared("DELETE FROM search_term").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        manager
            .drop_table(Table::drop().table(ChangeTally::Table).to_owned())
            .await?;
        db.execute_unprepared("DROP INDEX idx_revision_visible")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_revision_public ON revision (public, created_at, id)",
        )
        .await?;
        db.execute_unprepared("ALTER TABLE revision DROP COLUMN visible")
            .await?;
        // The search index held published records before: rebuilt at start.
        db.execute_unprepared("DELETE FROM search_term").await?;
        Ok(())
    }
}

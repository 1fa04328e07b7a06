//! The public change list as an index instead of a scan (issue 13). Before, `changes` and the
//! Atom feed found public revisions by reading every revision's snapshot (`LIKE` on its JSON)
//! and sorting them all, then looked up each change's previous public revision one statement
//! at a time: both grew with the history. Now each revision says, when it is written, whether
//! readers saw it (`public`) and which public revision it follows (`previous_public_id`), and an
//! index holds the public ones in reading order (newest first), so a page of changes reads only
//! its own rows and their predecessors in two statements. (Not a partial index: a prepared
//! statement's generic plan sees `public = $1`, which a `WHERE public` index cannot serve.)
//!
//! Existing histories are filled in here with the same rule `editorial::revisions` applies to
//! new rows (a publication, or an import of a published record, of the live content).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE revision ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE",
        )
        .await?;
        db.execute_unprepared("ALTER TABLE revision ADD COLUMN previous_public_id INTEGER NULL")
            .await?;
        // Snapshots are compact JSON written by serde: `"state":"published"` appears exactly
        // when the record's state is published (a quote inside a text field is escaped).
        db.execute_unprepared(
            r#"UPDATE revision SET public = TRUE
               WHERE live AND (action = 'publish'
                 OR (action = 'import' AND snapshot LIKE '%"state":"published"%'))"#,
        )
        .await?;
        db.execute_unprepared(
            "UPDATE revision SET previous_public_id = p.previous
             FROM (SELECT id, LAG(id) OVER (PARTITION BY record_type, record_id
                                            ORDER BY version, id) AS previous
                   FROM revision WHERE public) AS p
             WHERE revision.id = p.id AND p.previous IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_revision_public ON revision (public, created_at, id)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX idx_revision_public")
            .await?;
        db.execute_unprepared("ALTER TABLE revision DROP COLUMN previous_public_id")
            .await?;
        db.execute_unprepared("ALTER TABLE revision DROP COLUMN public")
            .await?;
        Ok(())
    }
}

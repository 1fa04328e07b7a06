//! The search index: one row per (term, record, field), written by the application's own
//! tokenizer, so that SQLite and PostgreSQL find exactly the same things.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchTerm {
    Table,
    Id,
    /// A folded, stemmed word, or one or two CJK characters.
    Term,
    RecordType,
    RecordId,
    /// The field it occurs in (`name`, `summary`, `body`, ...).
    Field,
    /// How much a match counts: the field's weight times its occurrences (capped).
    Weight,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut term = string_len(SearchTerm::Term, 64);
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            // Prefix matching is a range scan; it needs byte order, as SQLite has by default.
            term.extra("COLLATE \"C\"");
        }
        manager
            .create_table(
                Table::create()
                    .table(SearchTerm::Table)
                    .col(pk_auto(SearchTerm::Id))
                    .col(term)
                    .col(string_len(SearchTerm::RecordType, 24))
                    .col(integer(SearchTerm::RecordId))
                    .col(string_len(SearchTerm::Field, 32))
                    .col(integer(SearchTerm::Weight))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_search_term_term")
                    .table(SearchTerm::Table)
                    .col(SearchTerm::Term)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_search_term_record")
                    .table(SearchTerm::Table)
                    .col(SearchTerm::RecordType)
                    .col(SearchTerm::RecordId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SearchTerm::Table).to_owned())
            .await
    }
}

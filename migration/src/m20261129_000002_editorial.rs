//! The editorial side: editor accounts, drafts of published records, revision history, the
//! audit log and the failed-login record that throttles password guessing.
//!
//! Everything editors need to coordinate lives in the database, never in a server's memory, so
//! any number of API replicas can serve them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
    /// Lower-cased and trimmed, so uniqueness is case-insensitive on both backends.
    Email,
    DisplayName,
    Role,
    Active,
    PasswordHash,
    /// Bumped when a user is disabled or changes password: tokens carrying an older value
    /// are revoked.
    TokenVersion,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum Revision {
    Table,
    Id,
    /// The record's type (`Program`, `Fee`, ...) and id.
    RecordType,
    RecordId,
    /// The record's version after this write.
    Version,
    /// create, update, publish, unpublish, archive, restore, restore_revision.
    Action,
    AuthorId,
    CreatedAt,
    /// The record's content after the write, as JSON text.
    Snapshot,
    /// One line saying what changed.
    Summary,
    /// Whether the snapshot is what readers see (false: a pending draft of a published record).
    Live,
}

#[derive(DeriveIden)]
enum Draft {
    Table,
    Id,
    RecordType,
    RecordId,
    /// The edited content, as JSON text, waiting to be published.
    Snapshot,
    AuthorId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    UserId,
    Action,
    RecordType,
    RecordId,
    RequestId,
    Ip,
    CreatedAt,
    Detail,
}

#[derive(DeriveIden)]
enum LoginAttempt {
    Table,
    Id,
    Email,
    Ip,
    AttemptedAt,
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create().name(name).table(table).take();
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    stmt
}

fn fk_user(from_table: impl IntoIden, from_col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(User::Table, User::Id)
        // Users are disabled, never deleted; history keeps its authors.
        .on_delete(ForeignKeyAction::Restrict)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(User::Table)
                    .col(pk_auto(User::Id))
                    .col(string_len_uniq(User::Email, 254))
                    .col(string_len(User::DisplayName, 120))
                    .col(string_len(User::Role, 16))
                    .col(boolean(User::Active).default(true))
                    .col(string_len(User::PasswordHash, 255))
                    .col(integer(User::TokenVersion).default(1))
                    .col(timestamp_with_time_zone(User::CreatedAt))
                    .col(timestamp_with_time_zone_null(User::LastLoginAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Revision::Table)
                    .col(pk_auto(Revision::Id))
                    .col(string_len(Revision::RecordType, 24))
                    .col(integer(Revision::RecordId))
                    .col(integer(Revision::Version))
                    .col(string_len(Revision::Action, 24))
                    .col(integer_null(Revision::AuthorId))
                    .col(timestamp_with_time_zone(Revision::CreatedAt))
                    .col(text(Revision::Snapshot))
                    .col(text(Revision::Summary))
                    .col(boolean(Revision::Live))
                    .foreign_key(&mut fk_user(Revision::Table, Revision::AuthorId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_revision_record_version",
                    Revision::Table,
                    &["record_type", "record_id", "version"],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_revision_created_at",
                Revision::Table,
                &["created_at"],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_revision_author",
                Revision::Table,
                &["author_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Draft::Table)
                    .col(pk_auto(Draft::Id))
                    .col(string_len(Draft::RecordType, 24))
                    .col(integer(Draft::RecordId))
                    .col(text(Draft::Snapshot))
                    .col(integer_null(Draft::AuthorId))
                    .col(timestamp_with_time_zone(Draft::UpdatedAt))
                    .foreign_key(&mut fk_user(Draft::Table, Draft::AuthorId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_draft_record",
                    Draft::Table,
                    &["record_type", "record_id"],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index("idx_draft_author", Draft::Table, &["author_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_auto(AuditLog::Id))
                    .col(integer_null(AuditLog::UserId))
                    .col(string_len(AuditLog::Action, 48))
                    .col(string_len_null(AuditLog::RecordType, 24))
                    .col(integer_null(AuditLog::RecordId))
                    .col(string_len_null(AuditLog::RequestId, 64))
                    .col(string_len_null(AuditLog::Ip, 64))
                    .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                    .col(text_null(AuditLog::Detail))
                    .foreign_key(&mut fk_user(AuditLog::Table, AuditLog::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_audit_log_user", AuditLog::Table, &["user_id"]))
            .await?;
        manager
            .create_index(index(
                "idx_audit_log_created_at",
                AuditLog::Table,
                &["created_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginAttempt::Table)
                    .col(pk_auto(LoginAttempt::Id))
                    .col(string_len(LoginAttempt::Email, 254))
                    .col(string_len_null(LoginAttempt::Ip, 64))
                    .col(timestamp_with_time_zone(LoginAttempt::AttemptedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_login_attempt_email",
                LoginAttempt::Table,
                &["email", "attempted_at"],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_login_attempt_ip",
                LoginAttempt::Table,
                &["ip", "attempted_at"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginAttempt::Table.into_iden(),
            AuditLog::Table.into_iden(),
            Draft::Table.into_iden(),
            Revision::Table.into_iden(),
            User::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! The core data model: programs and their facts, sources and citations, people,
//! commentary and policy events.
//!
//! Conventions shared by every table:
//! - enums are stored as short lowercase text, so both backends read them the same way;
//! - money is an exact integer count of 1/10_000 of the currency unit (`*_e4`), never a float,
//!   because SQLite has no exact decimal type and comparisons must agree across backends;
//! - dates that may be partial carry a precision (`day`, `month`, `year`);
//! - fact-bearing records carry an editorial `state` and an optimistic-locking `version`;
//! - timestamps are written by the application (UTC), not by database defaults, so their text
//!   form is the same on SQLite and PostgreSQL.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Program {
    Table,
    Id,
    Slug,
    Name,
    LocalName,
    Country,
    Category,
    LegalStatus,
    Summary,
    Description,
    AdministeringAuthority,
    LegalBasis,
    OfficialUrl,
    AnnouncedOn,
    AnnouncedPrecision,
    InForceOn,
    InForcePrecision,
    EndsOn,
    EndsPrecision,
    ValidityValue,
    ValidityUnit,
    MaxStayValue,
    MaxStayUnit,
    Entries,
    EmployerSponsorship,
    WorkAuthorization,
    PrPath,
}

#[derive(DeriveIden)]
enum ProgramFact {
    Table,
    Id,
    ProgramId,
    Field,
    Wording,
    Confidence,
    Note,
}

#[derive(DeriveIden)]
enum Requirement {
    Table,
    Id,
    ProgramId,
    Kind,
    Description,
    Mandatory,
    MinAge,
    MaxAge,
    MinDegree,
    FieldsOfStudy,
    MinIncomeE4,
    IncomeCurrency,
    IncomePeriod,
    Position,
    Confidence,
    Note,
}

#[derive(DeriveIden)]
enum Fee {
    Table,
    Id,
    ProgramId,
    Label,
    AmountE4,
    AmountText,
    Currency,
    Payer,
    AppliesWhen,
    EffectiveFrom,
    EffectiveUntil,
    Confidence,
    Note,
}

#[derive(DeriveIden)]
enum Source {
    Table,
    Id,
    Url,
    Title,
    Publisher,
    Kind,
    Language,
    PublishedOn,
    PublishedPrecision,
    PublishedNote,
    AccessedOn,
    ArchivedUrl,
    Licence,
    Attribution,
    Note,
}

#[derive(DeriveIden)]
enum Citation {
    Table,
    Id,
    SourceId,
    ProgramId,
    RequirementId,
    FeeId,
    CommentaryId,
    PolicyEventId,
    Field,
    Excerpt,
    Confidence,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    Name,
    Affiliation,
    Role,
    Url,
}

#[derive(DeriveIden)]
enum Commentary {
    Table,
    Id,
    PersonId,
    GroupName,
    Kind,
    Body,
    Stance,
    SaidOn,
    SaidPrecision,
    SourceId,
}

#[derive(DeriveIden)]
enum CommentaryProgram {
    Table,
    CommentaryId,
    ProgramId,
}

#[derive(DeriveIden)]
enum PolicyEvent {
    Table,
    Id,
    ProgramId,
    OccurredOn,
    Precision,
    Kind,
    Title,
    Description,
}

#[derive(DeriveIden)]
enum Common {
    State,
    Version,
    CreatedAt,
    UpdatedAt,
}

/// Adds the editorial state, version and timestamps every fact-bearing table carries.
fn with_common(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(string_len(Common::State, 16).default("draft"))
        .col(integer(Common::Version).default(1))
        .col(timestamp_with_time_zone(Common::CreatedAt))
        .col(timestamp_with_time_zone(Common::UpdatedAt))
}

fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

/// An index on one or more columns; every foreign key gets one (PostgreSQL does not add them).
fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create()
        .name(name)
        .table(table)
        .if_not_exists()
        .take();
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    stmt
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                with_common(
                    Table::create()
                        .table(Program::Table)
                        .col(pk_auto(Program::Id))
                        .col(string_len_uniq(Program::Slug, 120))
                        .col(string_len(Program::Name, 300))
                        .col(string_len_null(Program::LocalName, 300))
                        .col(string_len(Program::Country, 2))
                        .col(string_len(Program::Category, 24))
                        .col(string_len(Program::LegalStatus, 24))
                        .col(text_null(Program::Summary))
                        .col(text_null(Program::Description))
                        .col(text_null(Program::AdministeringAuthority))
                        .col(text_null(Program::LegalBasis))
                        .col(string_len_null(Program::OfficialUrl, 2048))
                        .col(date_null(Program::AnnouncedOn))
                        .col(string_len_null(Program::AnnouncedPrecision, 8))
                        .col(date_null(Program::InForceOn))
                        .col(string_len_null(Program::InForcePrecision, 8))
                        .col(date_null(Program::EndsOn))
                        .col(string_len_null(Program::EndsPrecision, 8))
                        .col(integer_null(Program::ValidityValue))
                        .col(string_len_null(Program::ValidityUnit, 8))
                        .col(integer_null(Program::MaxStayValue))
                        .col(string_len_null(Program::MaxStayUnit, 8))
                        .col(string_len(Program::Entries, 16).default("unknown"))
                        .col(string_len(Program::EmployerSponsorship, 16).default("unknown"))
                        .col(string_len(Program::WorkAuthorization, 16).default("unconfirmed"))
                        .col(string_len(Program::PrPath, 16).default("unclear")),
                )
                .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_program_country", &["country"][..]),
            ("idx_program_category", &["category"][..]),
            ("idx_program_state_name", &["state", "name"][..]),
            ("idx_program_updated_at", &["updated_at"][..]),
        ] {
            manager
                .create_index(index(name, Program::Table, cols))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ProgramFact::Table)
                    .col(pk_auto(ProgramFact::Id))
                    .col(integer(ProgramFact::ProgramId))
                    .col(string_len(ProgramFact::Field, 64))
                    .col(text_null(ProgramFact::Wording))
                    .col(string_len_null(ProgramFact::Confidence, 16))
                    .col(text_null(ProgramFact::Note))
                    .foreign_key(&mut fk(
                        ProgramFact::Table,
                        ProgramFact::ProgramId,
                        Program::Table,
                        Program::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_program_fact_field",
                    ProgramFact::Table,
                    &["program_id", "field"],
                )
                .unique()
                .take(),
            )
            .await?;

        manager
            .create_table(
                with_common(
                    Table::create()
                        .table(Requirement::Table)
                        .col(pk_auto(Requirement::Id))
                        .col(integer(Requirement::ProgramId))
                        .col(string_len(Requirement::Kind, 24))
                        .col(text_null(Requirement::Description))
                        .col(boolean_null(Requirement::Mandatory))
                        .col(integer_null(Requirement::MinAge))
                        .col(integer_null(Requirement::MaxAge))
                        .col(string_len_null(Requirement::MinDegree, 16))
                        .col(text_null(Requirement::FieldsOfStudy))
                        .col(big_integer_null(Requirement::MinIncomeE4))
                        .col(string_len_null(Requirement::IncomeCurrency, 3))
                        .col(string_len_null(Requirement::IncomePeriod, 8))
                        .col(integer(Requirement::Position).default(0))
                        .col(string_len_null(Requirement::Confidence, 16))
                        .col(text_null(Requirement::Note))
                        .foreign_key(&mut fk(
                            Requirement::Table,
                            Requirement::ProgramId,
                            Program::Table,
                            Program::Id,
                            ForeignKeyAction::Cascade,
                        )),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_requirement_program",
                Requirement::Table,
                &["program_id", "position"],
            ))
            .await?;

        manager
            .create_table(
                with_common(
                    Table::create()
                        .table(Fee::Table)
                        .col(pk_auto(Fee::Id))
                        .col(integer(Fee::ProgramId))
                        .col(string_len(Fee::Label, 300))
                        .col(big_integer_null(Fee::AmountE4))
                        .col(text_null(Fee::AmountText))
                        .col(string_len_null(Fee::Currency, 3))
                        .col(text_null(Fee::Payer))
                        .col(text_null(Fee::AppliesWhen))
                        .col(date_null(Fee::EffectiveFrom))
                        .col(date_null(Fee::EffectiveUntil))
                        .col(string_len_null(Fee::Confidence, 16))
                        .col(text_null(Fee::Note))
                        .check(
                            Expr::cust("effective_until IS NULL OR effective_from IS NULL OR effective_until >= effective_from"),
                        )
                        .foreign_key(&mut fk(
                            Fee::Table,
                            Fee::ProgramId,
                            Program::Table,
                            Program::Id,
                            ForeignKeyAction::Cascade,
                        )),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_fee_program",
                Fee::Table,
                &["program_id", "effective_from"],
            ))
            .await?;

        manager
            .create_table(
                with_common(
                    Table::create()
                        .table(Source::Table)
                        .col(pk_auto(Source::Id))
                        // Unique after normalisation; NULL for sources known only by title
                        // (several NULLs are allowed on both backends).
                        .col(string_len_null(Source::Url, 2048).unique_key())
                        .col(text(Source::Title))
                        .col(text_null(Source::Publisher))
                        .col(string_len(Source::Kind, 16))
                        .col(string_len_null(Source::Language, 16))
                        .col(date_null(Source::PublishedOn))
                        .col(string_len_null(Source::PublishedPrecision, 8))
                        .col(text_null(Source::PublishedNote))
                        .col(date_null(Source::AccessedOn))
                        .col(string_len_null(Source::ArchivedUrl, 2048))
                        .col(text_null(Source::Licence))
                        .col(text_null(Source::Attribution))
                        .col(text_null(Source::Note)),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_source_title", Source::Table, &["title"]))
            .await?;

        manager
            .create_table(
                with_common(
                    Table::create()
                        .table(Person::Table)
                        .col(pk_auto(Person::Id))
                        .col(string_len(Person::Name, 300))
                        .col(text_null(Person::Affiliation))
                        .col(text_null(Person::Role))
                        .col(string_len_null(Person::Url, 2048)),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_person_name", Person::Table, &["name"]))
            .await?;

        manager
            .create_table(
                with_common(
                    Table::create()
                        .table(Commentary::Table)
                        .col(pk_auto(Commentary::Id))
                        .col(integer_null(Commentary::PersonId))
                        .col(string_len_null(Commentary::GroupName, 300))
                        .col(string_len(Commentary::Kind, 16))
                        .col(text(Commentary::Body))
                        .col(string_len(Commentary::Stance, 16))
                        .col(date_null(Commentary::SaidOn))
                        .col(string_len_null(Commentary::SaidPrecision, 8))
                        .col(integer_null(Commentary::SourceId))
                        // Said by a person or by a named group, never by nobody.
                        .check(Expr::cust(
                            "person_id IS NOT NULL OR group_name IS NOT NULL",
                        ))
                        .foreign_key(&mut fk(
                            Commentary::Table,
                            Commentary::PersonId,
                            Person::Table,
                            Person::Id,
                            ForeignKeyAction::Restrict,
                        ))
                        .foreign_key(&mut fk(
                            Commentary::Table,
                            Commentary::SourceId,
                            Source::Table,
                            Source::Id,
                            ForeignKeyAction::Restrict,
                        )),
                )
                .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_commentary_person", "person_id"),
            ("idx_commentary_source", "source_id"),
            ("idx_commentary_said_on", "said_on"),
        ] {
            manager
                .create_index(index(name, Commentary::Table, &[col]))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(CommentaryProgram::Table)
                    .col(integer(CommentaryProgram::CommentaryId))
                    .col(integer(CommentaryProgram::ProgramId))
                    .primary_key(
                        Index::create()
                            .col(CommentaryProgram::CommentaryId)
                            .col(CommentaryProgram::ProgramId),
                    )
                    .foreign_key(&mut fk(
                        CommentaryProgram::Table,
                        CommentaryProgram::CommentaryId,
                        Commentary::Table,
                        Commentary::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        CommentaryProgram::Table,
                        CommentaryProgram::ProgramId,
                        Program::Table,
                        Program::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_commentary_program_program",
                CommentaryProgram::Table,
                &["program_id", "commentary_id"],
            ))
            .await?;

        manager
            .create_table(
                with_common(
                    Table::create()
                        .table(PolicyEvent::Table)
                        .col(pk_auto(PolicyEvent::Id))
                        .col(integer(PolicyEvent::ProgramId))
                        .col(date(PolicyEvent::OccurredOn))
                        .col(string_len(PolicyEvent::Precision, 8))
                        .col(string_len(PolicyEvent::Kind, 16))
                        .col(string_len(PolicyEvent::Title, 500))
                        .col(text_null(PolicyEvent::Description))
                        .foreign_key(&mut fk(
                            PolicyEvent::Table,
                            PolicyEvent::ProgramId,
                            Program::Table,
                            Program::Id,
                            ForeignKeyAction::Cascade,
                        )),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_policy_event_program",
                PolicyEvent::Table,
                &["program_id", "occurred_on"],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_policy_event_occurred_on",
                PolicyEvent::Table,
                &["occurred_on"],
            ))
            .await?;

        manager
            .create_table(
                with_common(
                    Table::create()
                        .table(Citation::Table)
                        .col(pk_auto(Citation::Id))
                        .col(integer(Citation::SourceId))
                        .col(integer_null(Citation::ProgramId))
                        .col(integer_null(Citation::RequirementId))
                        .col(integer_null(Citation::FeeId))
                        .col(integer_null(Citation::CommentaryId))
                        .col(integer_null(Citation::PolicyEventId))
                        .col(string_len_null(Citation::Field, 64))
                        .col(text_null(Citation::Excerpt))
                        .col(string_len_null(Citation::Confidence, 16))
                        // A citation supports exactly one record.
                        .check(Expr::cust(
                            "(CASE WHEN program_id IS NULL THEN 0 ELSE 1 END \
                             + CASE WHEN requirement_id IS NULL THEN 0 ELSE 1 END \
                             + CASE WHEN fee_id IS NULL THEN 0 ELSE 1 END \
                             + CASE WHEN commentary_id IS NULL THEN 0 ELSE 1 END \
                             + CASE WHEN policy_event_id IS NULL THEN 0 ELSE 1 END) = 1",
                        ))
                        .foreign_key(&mut fk(
                            Citation::Table,
                            Citation::SourceId,
                            Source::Table,
                            Source::Id,
                            ForeignKeyAction::Restrict,
                        ))
                        .foreign_key(&mut fk(
                            Citation::Table,
                            Citation::ProgramId,
                            Program::Table,
                            Program::Id,
                            ForeignKeyAction::Cascade,
                        ))
                        .foreign_key(&mut fk(
                            Citation::Table,
                            Citation::RequirementId,
                            Requirement::Table,
                            Requirement::Id,
                            ForeignKeyAction::Cascade,
                        ))
                        .foreign_key(&mut fk(
                            Citation::Table,
                            Citation::FeeId,
                            Fee::Table,
                            Fee::Id,
                            ForeignKeyAction::Cascade,
                        ))
                        .foreign_key(&mut fk(
                            Citation::Table,
                            Citation::CommentaryId,
                            Commentary::Table,
                            Commentary::Id,
                            ForeignKeyAction::Cascade,
                        ))
                        .foreign_key(&mut fk(
                            Citation::Table,
                            Citation::PolicyEventId,
                            PolicyEvent::Table,
                            PolicyEvent::Id,
                            ForeignKeyAction::Cascade,
                        )),
                )
                .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_citation_source", "source_id"),
            ("idx_citation_program", "program_id"),
            ("idx_citation_requirement", "requirement_id"),
            ("idx_citation_fee", "fee_id"),
            ("idx_citation_commentary", "commentary_id"),
            ("idx_citation_policy_event", "policy_event_id"),
        ] {
            manager
                .create_index(index(name, Citation::Table, &[col]))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Citation::Table.into_iden(),
            PolicyEvent::Table.into_iden(),
            CommentaryProgram::Table.into_iden(),
            Commentary::Table.into_iden(),
            Person::Table.into_iden(),
            Source::Table.into_iden(),
            Fee::Table.into_iden(),
            Requirement::Table.into_iden(),
            ProgramFact::Table.into_iden(),
            Program::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! GraphQL enums, each mirroring a stored vocabulary of the `entity` crate.

use async_graphql::Enum;
use entity::enums as db;

/// What kind of mobility route a program is.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::Category")]
pub enum Category {
    /// For people with outstanding or promising talent, usually without a job offer.
    Talent,
    /// Work visas for skilled employees.
    SkilledWork,
    /// For researchers and scientists.
    Research,
    /// For founders of new businesses.
    Startup,
    /// For investors.
    Investor,
    /// For remote workers of foreign employers or clients.
    DigitalNomad,
    /// For students.
    Study,
    /// Anything else.
    Other,
}

/// Where a program stands legally.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::LegalStatus")]
pub enum LegalStatus {
    /// Proposed, not yet adopted.
    Proposed,
    /// Adopted or announced, not yet open.
    Announced,
    /// In force.
    InForce,
    /// Suspended or closed to new applications.
    Suspended,
    /// Repealed.
    Repealed,
    /// No such route exists: the record says what applies instead (a dataset's "no nomad
    /// visa" entry). Never in force, on any date.
    NoRoute,
}

/// How many entries a visa allows.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::Entries")]
pub enum Entries {
    /// One entry.
    Single,
    /// Two entries.
    Double,
    /// Any number of entries.
    Multiple,
    /// Not known.
    Unknown,
}

/// A yes/no fact that may be unknown.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::YesNoUnknown")]
pub enum YesNoUnknown {
    /// Yes.
    Yes,
    /// No.
    No,
    /// Not known: not published, unclear, or depends on the case.
    Unknown,
}

/// Whether the holder may work.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::WorkAuthorization")]
pub enum WorkAuthorization {
    /// May work.
    Yes,
    /// May not work.
    No,
    /// May work with restrictions (one employer, limited hours...).
    Restricted,
    /// Not confirmed by the authorities or our sources.
    Unconfirmed,
}

/// Whether a program leads to permanent residence.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::PrPath")]
pub enum PrPath {
    /// Leads to (or is) permanent residence.
    Yes,
    /// Does not lead there by itself.
    No,
    /// Not clear from the sources.
    Unclear,
}

/// How exact a date is.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::DatePrecision")]
pub enum DatePrecision {
    /// Known to the day.
    Day,
    /// Known to the month.
    Month,
    /// Known to the year.
    Year,
}

/// Unit of a duration.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::DurationUnit")]
pub enum DurationUnit {
    /// Days.
    Days,
    /// Months.
    Months,
    /// Years.
    Years,
    /// Without end.
    Indefinite,
}

/// What a requirement is about.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::RequirementKind")]
pub enum RequirementKind {
    /// Education or degree.
    Education,
    /// Field of study or work.
    FieldOfStudy,
    /// Work experience.
    Experience,
    /// Age.
    Age,
    /// Income or salary.
    Income,
    /// Language skills.
    Language,
    /// Sponsorship or job offer.
    Sponsorship,
    /// Nationality.
    Nationality,
    /// A points test.
    Points,
    /// Anything else.
    Other,
}

/// Academic degree levels, lowest first.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::DegreeLevel")]
pub enum DegreeLevel {
    /// Secondary school.
    Secondary,
    /// Vocational qualification.
    Vocational,
    /// Bachelor's degree.
    Bachelor,
    /// Master's degree.
    Master,
    /// Doctorate.
    Doctorate,
}

/// The period an income threshold refers to.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::IncomePeriod")]
pub enum IncomePeriod {
    /// Per month.
    Month,
    /// Per year.
    Year,
}

/// What kind of publication a source is.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::SourceKind")]
pub enum SourceKind {
    /// A government page.
    Official,
    /// The text of a law or regulation.
    LegalText,
    /// A news report.
    News,
    /// A law firm's publication.
    LawFirm,
    /// An academic publication.
    Academic,
    /// A non-governmental organisation.
    Ngo,
    /// A social media post.
    SocialMedia,
    /// A dataset.
    Dataset,
    /// Anything else (blogs, agents, aggregators).
    Other,
}

/// How strongly a fact is supported.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::Confidence")]
pub enum Confidence {
    /// Read in an official source or a verbatim copy of one.
    Official,
    /// Read in a secondary source (law firm, news, agency).
    Secondary,
    /// Not verified against any source.
    Unverified,
}

/// Whether commentary is quoted verbatim or paraphrased.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::CommentaryKind")]
pub enum CommentaryKind {
    /// Verbatim.
    Quote,
    /// In other words.
    Paraphrase,
}

/// The attitude of commentary towards what it is about.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::Stance")]
pub enum Stance {
    /// In favour.
    Supportive,
    /// Against or worried.
    Critical,
    /// Neither.
    Neutral,
    /// Both.
    Mixed,
}

/// What happened in a policy event.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::PolicyEventKind")]
pub enum PolicyEventKind {
    /// Announced or made public.
    Announced,
    /// Signed into law or decree.
    Signed,
    /// Took effect.
    InForce,
    /// A fee changed.
    FeeChange,
    /// A rule changed.
    RuleChange,
    /// A court ruled.
    CourtRuling,
    /// Suspended.
    Suspended,
    /// Repealed.
    Repealed,
    /// Anything else.
    Other,
}

/// Sort direction.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum SortDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// Editorial lifecycle of a record: readers only ever see `PUBLISHED`.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::EditorialState")]
pub enum EditorialState {
    /// Being written; only editors see it.
    Draft,
    /// Visible to everyone.
    Published,
    /// Withdrawn (the "delete" of the knowledge base); `restore` brings it back as a draft.
    Archived,
}

/// What an account may do.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "db::Role")]
pub enum Role {
    /// Creates, edits, publishes, archives and restores content; sees drafts.
    Editor,
    /// An editor who also manages accounts and reads the audit log.
    Admin,
}

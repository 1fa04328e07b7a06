//! The visa-kb import format (`"format": "visa-kb/v1"`): what `visa-kb import FILE` reads and
//! what the dataset adapters produce. See `data/README.md` for a description with an example.
//!
//! Records refer to each other by natural keys: programs by slug, sources by URL (or by title
//! for a source without one), people by name.

use entity::enums::{
    Category, CommentaryKind, Confidence, DegreeLevel, DurationUnit, Entries, IncomePeriod,
    LegalStatus, PolicyEventKind, PrPath, RequirementKind, SourceKind, Stance, WorkAuthorization,
    YesNoUnknown,
};
use serde::Deserialize;

/// The tag every import document carries.
pub const FORMAT: &str = "visa-kb/v1";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub format: String,
    /// Import as published (the default) or as drafts for editors to review.
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub sources: Vec<SourceDoc>,
    #[serde(default)]
    pub people: Vec<PersonDoc>,
    #[serde(default)]
    pub programs: Vec<ProgramDoc>,
    /// Events of programs defined here or already in the database.
    #[serde(default)]
    pub events: Vec<EventDoc>,
    #[serde(default)]
    pub commentaries: Vec<CommentaryDoc>,
    /// Extra citations of program fields, for programs defined here or already stored.
    #[serde(default)]
    pub citations: Vec<ProgramCitationDoc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDoc {
    pub url: Option<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub kind: SourceKind,
    pub language: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub published_on: Option<String>,
    /// The publication date in words when it is not a plain date.
    pub published_note: Option<String>,
    pub accessed_on: Option<String>,
    pub archived_url: Option<String>,
    pub licence: Option<String>,
    pub attribution: Option<String>,
    pub note: Option<String>,
}

impl Default for SourceDoc {
    fn default() -> Self {
        Self {
            url: None,
            title: String::new(),
            publisher: None,
            kind: SourceKind::Other,
            language: None,
            published_on: None,
            published_note: None,
            accessed_on: None,
            archived_url: None,
            licence: None,
            attribution: None,
            note: None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonDoc {
    pub name: String,
    pub affiliation: Option<String>,
    pub role: Option<String>,
    pub url: Option<String>,
}

/// A reference to a source by its URL, or by its exact title when it has no URL.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiteDoc {
    pub source: String,
    pub excerpt: Option<String>,
    pub confidence: Option<Confidence>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurationDoc {
    pub value: Option<i32>,
    pub unit: DurationUnit,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramDoc {
    pub slug: String,
    pub name: String,
    pub local_name: Option<String>,
    pub country: String,
    pub category: Category,
    pub legal_status: LegalStatus,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub administering_authority: Option<String>,
    pub legal_basis: Option<String>,
    pub official_url: Option<String>,
    pub announced_on: Option<String>,
    pub in_force_on: Option<String>,
    pub ends_on: Option<String>,
    /// `YYYY-MM-DD`: the day the program is scheduled to end, when a source gives one (not known
    /// to have happened, unlike `ends_on`).
    #[serde(default)]
    pub scheduled_end_on: Option<String>,
    /// The condition on that end, as the sources give it ("unless renewed").
    #[serde(default)]
    pub scheduled_end_condition: Option<String>,
    pub validity: Option<DurationDoc>,
    pub max_stay: Option<DurationDoc>,
    #[serde(default = "unknown_entries")]
    pub entries: Entries,
    #[serde(default = "unknown_yes_no")]
    pub employer_sponsorship: YesNoUnknown,
    #[serde(default = "unconfirmed_work")]
    pub work_authorization: WorkAuthorization,
    #[serde(default = "unclear_pr")]
    pub pr_path: PrPath,
    /// How each field is known, with its citations.
    #[serde(default)]
    pub facts: Vec<FactDoc>,
    /// Citations of the program as a whole.
    #[serde(default)]
    pub citations: Vec<CiteDoc>,
    #[serde(default)]
    pub requirements: Vec<RequirementDoc>,
    #[serde(default)]
    pub fees: Vec<FeeDoc>,
}

fn unknown_entries() -> Entries {
    Entries::Unknown
}
fn unknown_yes_no() -> YesNoUnknown {
    YesNoUnknown::Unknown
}
fn unconfirmed_work() -> WorkAuthorization {
    WorkAuthorization::Unconfirmed
}
fn unclear_pr() -> PrPath {
    PrPath::Unclear
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactDoc {
    pub field: String,
    pub wording: Option<String>,
    /// Absent: unknown (not published or not found).
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
    #[serde(default)]
    pub citations: Vec<CiteDoc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementDoc {
    pub kind: RequirementKind,
    pub description: Option<String>,
    pub mandatory: Option<bool>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub min_degree: Option<DegreeLevel>,
    #[serde(default)]
    pub fields_of_study: Vec<String>,
    pub min_income: Option<serde_json::Value>,
    pub income_currency: Option<String>,
    pub income_period: Option<IncomePeriod>,
    /// `YYYY-MM-DD`: the day the requirement is scheduled to end, when a source gives one.
    #[serde(default)]
    pub scheduled_end_on: Option<String>,
    /// The condition on that end, as the sources give it ("unless extended").
    #[serde(default)]
    pub scheduled_end_condition: Option<String>,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
    #[serde(default)]
    pub citations: Vec<CiteDoc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeDoc {
    pub label: String,
    /// An exact decimal number (JSON number or string); absent when unknown.
    pub amount: Option<serde_json::Value>,
    /// The amount in words when it is not one number.
    pub amount_text: Option<String>,
    pub currency: Option<String>,
    pub payer: Option<String>,
    pub applies_when: Option<String>,
    /// `YYYY-MM-DD`.
    pub effective_from: Option<String>,
    pub effective_until: Option<String>,
    /// `YYYY-MM-DD`: the day its term is scheduled to end, when a source gives one.
    #[serde(default)]
    pub scheduled_end_on: Option<String>,
    /// The condition on that end, as the sources give it ("unless extended").
    #[serde(default)]
    pub scheduled_end_condition: Option<String>,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
    #[serde(default)]
    pub citations: Vec<CiteDoc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDoc {
    pub program: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the precision follows the form.
    pub date: String,
    pub kind: PolicyEventKind,
    pub title: String,
    pub description: Option<String>,
    #[serde(default)]
    pub citations: Vec<CiteDoc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentaryDoc {
    /// A person listed in `people` (by name)...
    pub person: Option<String>,
    /// ...or a named group.
    pub group: Option<String>,
    pub kind: CommentaryKind,
    pub body: String,
    pub stance: Stance,
    pub said_on: Option<String>,
    /// The source it was published in (URL or title).
    pub source: Option<String>,
    /// Slugs of the programs it is about.
    #[serde(default)]
    pub programs: Vec<String>,
    #[serde(default)]
    pub citations: Vec<CiteDoc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramCitationDoc {
    pub program: String,
    pub field: Option<String>,
    pub source: String,
    pub excerpt: Option<String>,
    pub confidence: Option<Confidence>,
}

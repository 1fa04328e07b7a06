//! The closed vocabularies of the data model, stored as lowercase text.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Declares a text-backed enum with its snake_case database and JSON spelling.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))", rename_all = "snake_case")]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// The stored (and import-file) spelling.
            pub fn as_str(&self) -> String {
                self.to_value()
            }
        }
    };
}

text_enum!(
    /// What kind of mobility route a program is.
    Category { Talent, SkilledWork, Research, Startup, Investor, DigitalNomad, Study, Other }
);
text_enum!(
    /// Where a program stands legally.
    LegalStatus { Proposed, Announced, InForce, Suspended, Repealed, NoRoute }
);
text_enum!(
    /// How many entries a visa allows.
    Entries { Single, Double, Multiple, Unknown }
);
text_enum!(
    /// Whether an employer must sponsor the applicant.
    YesNoUnknown { Yes, No, Unknown }
);
text_enum!(
    /// Whether the holder may work.
    WorkAuthorization { Yes, No, Restricted, Unconfirmed }
);
text_enum!(
    /// Whether the program leads to permanent residence.
    PrPath { Yes, No, Unclear }
);
text_enum!(
    /// Editorial lifecycle of a record; readers only ever see `published`.
    EditorialState { Draft, Published, Archived }
);
text_enum!(
    /// How exact a date is.
    DatePrecision { Day, Month, Year }
);
text_enum!(
    /// Unit of a duration.
    DurationUnit { Days, Months, Years, Indefinite }
);
text_enum!(
    /// What a requirement is about.
    RequirementKind { Education, FieldOfStudy, Experience, Age, Income, Language, Sponsorship, Nationality, Points, Other }
);
text_enum!(
    /// Academic degree levels, ordered from lowest to highest.
    DegreeLevel { Secondary, Vocational, Bachelor, Master, Doctorate }
);
text_enum!(
    /// The period an income threshold refers to.
    IncomePeriod { Month, Year }
);
text_enum!(
    /// What kind of publication a source is.
    SourceKind { Official, LegalText, News, LawFirm, Academic, Ngo, SocialMedia, Dataset, Other }
);
text_enum!(
    /// How strongly a source (or our research) supports a fact.
    Confidence { Official, Secondary, Unverified }
);
text_enum!(
    /// Whether commentary is quoted verbatim or paraphrased.
    CommentaryKind { Quote, Paraphrase }
);
text_enum!(
    /// The attitude of commentary towards what it is about.
    Stance { Supportive, Critical, Neutral, Mixed }
);
text_enum!(
    /// What happened in a policy event.
    PolicyEventKind { Announced, Signed, InForce, FeeChange, RuleChange, CourtRuling, Suspended, Repealed, Other }
);
text_enum!(
    /// What an editor account may do: editors curate content, admins also manage users and
    /// read the audit log.
    Role { Editor, Admin }
);

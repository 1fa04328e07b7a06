//! `eligiblePrograms(profile:)`: the GraphQL view of `kb::eligibility` (the judgement and its
//! rules live there).

use super::enums::DegreeLevel;
use super::pagination::{Page, PageArgs, SortedList, window};
use super::program::{MoneyInput, Program};
use super::requirement::Requirement;
use crate::kb::eligibility::{self as kb, Money, Profile};
use crate::kb::error::ApiResult;
use crate::kb::keyset::Position;
use async_graphql::{Context, Enum, InputObject, Object};
use std::sync::Arc;

/// Who is asking. Every field is optional: what is not given cannot be judged.
#[derive(InputObject, Default)]
pub struct ProfileInput {
    /// ISO 3166-1 alpha-2 code of the applicant's citizenship.
    pub nationality: Option<String>,
    /// Age in years.
    pub age: Option<i32>,
    /// Highest degree held.
    pub highest_degree: Option<DegreeLevel>,
    /// Field of study, e.g. `stem`, `engineering`, `medicine` (matched as a word, any case).
    pub field_of_study: Option<String>,
    /// Years of professional experience.
    pub years_of_experience: Option<i32>,
    /// Yearly income before tax.
    pub annual_income: Option<MoneyInput>,
    /// Whether the applicant has a job offer from an employer in the country.
    pub has_job_offer: Option<bool>,
}

impl From<ProfileInput> for Profile {
    fn from(p: ProfileInput) -> Self {
        Self {
            nationality: p.nationality,
            age: p.age,
            highest_degree: p.highest_degree.map(Into::into),
            field_of_study: p.field_of_study,
            years_of_experience: p.years_of_experience,
            annual_income: p.annual_income.map(|m| Money {
                amount: m.amount.0,
                currency: m.currency,
            }),
            has_job_offer: p.has_job_offer,
        }
    }
}

/// How a program looks for a profile.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum Likelihood {
    /// Every requirement the profile speaks to is known and met (others are listed to check).
    Likely,
    /// A requirement is known and not met.
    Unlikely,
    /// Something the profile speaks to cannot be judged: the knowledge base does not hold it as
    /// data, or the profile does not say.
    Unknown,
}

impl From<Likelihood> for kb::Likelihood {
    fn from(l: Likelihood) -> Self {
        match l {
            Likelihood::Likely => Self::Likely,
            Likelihood::Unlikely => Self::Unlikely,
            Likelihood::Unknown => Self::Unknown,
        }
    }
}

impl From<kb::Likelihood> for Likelihood {
    fn from(l: kb::Likelihood) -> Self {
        match l {
            kb::Likelihood::Likely => Self::Likely,
            kb::Likelihood::Unlikely => Self::Unlikely,
            kb::Likelihood::Unknown => Self::Unknown,
        }
    }
}

/// The outcome of one check.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum CheckOutcome {
    /// Met.
    Met,
    /// Not met.
    NotMet,
    /// Cannot be judged; `reason` says why.
    Unknown,
}

impl From<kb::CheckOutcome> for CheckOutcome {
    fn from(o: kb::CheckOutcome) -> Self {
        match o {
            kb::CheckOutcome::Met => Self::Met,
            kb::CheckOutcome::NotMet => Self::NotMet,
            kb::CheckOutcome::Unknown => Self::Unknown,
        }
    }
}

/// One requirement checked against the profile.
pub struct EligibilityCheck(kb::EligibilityCheck);

/// One requirement checked against the profile.
#[Object]
impl EligibilityCheck {
    /// The requirement checked; null for the program's employer-sponsorship rule.
    async fn requirement(&self) -> Option<Requirement> {
        self.0.requirement.clone().map(Requirement)
    }

    /// What was checked: age, education, fieldOfStudy, experience, income, sponsorship,
    /// nationality, language, points, other or employerSponsorship.
    async fn criterion(&self) -> &str {
        self.0.criterion
    }

    /// Met, not met, or unknown.
    async fn outcome(&self) -> CheckOutcome {
        self.0.outcome.into()
    }

    /// Why, in words.
    async fn reason(&self) -> &str {
        &self.0.reason
    }
}

/// One program's result.
pub struct ProgramEligibility(kb::ProgramEligibility);

/// One program's result for the profile.
#[Object]
impl ProgramEligibility {
    /// The program.
    async fn program(&self) -> Program {
        Program::from(self.0.program.clone())
    }

    /// Likely, unlikely or unknown.
    async fn result(&self) -> Likelihood {
        self.0.result.into()
    }

    /// Every check with its reason.
    async fn checks(&self) -> Vec<EligibilityCheck> {
        self.0
            .checks
            .iter()
            .cloned()
            .map(EligibilityCheck)
            .collect()
    }
}

impl SortedList for kb::Ranking {
    fn size(&self) -> usize {
        kb::Ranking::len(self)
    }

    fn position(&self, i: usize) -> Option<Position> {
        kb::Ranking::position(self, i)
    }

    fn count_before(&self, at: &Position, inclusive: bool) -> usize {
        kb::Ranking::count_before(self, at, inclusive)
    }
}

/// Every published program checked against a profile, a page at a time: ranked on the
/// eligibility index, then only the page's programs are read and explained.
pub async fn eligible_programs(
    ctx: &Context<'_>,
    profile: ProfileInput,
    only: Option<&[Likelihood]>,
    args: PageArgs,
) -> ApiResult<Page<ProgramEligibility>> {
    let db = super::context::db(ctx)?;
    // A schema run without the server's index (a test's) ranks on one of its own.
    let own;
    let index = match ctx.data_opt::<Arc<kb::EligibilityIndex>>() {
        Some(shared) => shared,
        None => {
            own = Arc::default();
            &own
        }
    };
    let only: Option<Vec<kb::Likelihood>> = only.map(|o| o.iter().map(|l| (*l).into()).collect());
    let profile: Profile = profile.into();
    // What this server heard of every replica's commits, when it can tell: the index is then
    // known to be current without asking the database.
    let heard = ctx
        .data_opt::<crate::live::LiveChanges>()
        .and_then(crate::live::LiveChanges::heard);
    let ranking = kb::rank(db, index, heard, &profile, only.as_deref()).await?;
    let window = window(
        &ranking,
        &kb::ordering(),
        &args,
        super::context::limits(ctx)?,
    )?;
    let page = kb::judged(db, &profile, &ranking.ids(window.range.clone())).await?;
    Ok(window.connection(page.into_iter().map(ProgramEligibility).collect()))
}

//! Eligibility: every published program's structured requirements checked
//! against a profile, with the reasons. An unknown never counts as a pass or a fail: when the
//! knowledge base does not hold a requirement as data, or the profile does not say, the check
//! is UNKNOWN; incomes in other currencies are not converted.

use super::error::{ApiError, ApiResult};
use super::values::{e4_to_money, is_country_code, is_currency_code, money_to_e4};
use entity::enums::{self as db, IncomePeriod, RequirementKind, YesNoUnknown};
use entity::{program, requirement};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use std::sync::Arc;

/// Who is asking. Every field is optional: what is not given cannot be judged.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// ISO 3166-1 alpha-2 code of the applicant's citizenship.
    pub nationality: Option<String>,
    /// Age in years.
    pub age: Option<i32>,
    /// Highest degree held.
    pub highest_degree: Option<db::DegreeLevel>,
    /// Field of study, e.g. `stem`, `engineering`, `medicine` (matched as a word, any case).
    pub field_of_study: Option<String>,
    /// Years of professional experience.
    pub years_of_experience: Option<i32>,
    /// Yearly income before tax.
    pub annual_income: Option<Money>,
    /// Whether the applicant has a job offer from an employer in the country.
    pub has_job_offer: Option<bool>,
}

/// An amount in a currency, as given (checked by [`eligible_programs`]).
#[derive(Debug, Clone)]
pub struct Money {
    pub amount: Decimal,
    pub currency: String,
}

/// How a program looks for a profile.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Likelihood {
    /// Every requirement the profile speaks to is known and met (others are listed to check).
    Likely,
    /// A requirement is known and not met.
    Unlikely,
    /// Something the profile speaks to cannot be judged: the knowledge base does not hold it as
    /// data, or the profile does not say.
    Unknown,
}

/// The outcome of one check.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum CheckOutcome {
    /// Met.
    Met,
    /// Not met.
    NotMet,
    /// Cannot be judged; `reason` says why.
    Unknown,
}

/// One requirement checked against the profile.
#[derive(Debug, Clone)]
pub struct EligibilityCheck {
    /// The requirement checked; None for the program's employer-sponsorship rule.
    pub requirement: Option<Arc<requirement::Model>>,
    /// age, education, fieldOfStudy, experience, income, sponsorship, nationality, language,
    /// points, other or employerSponsorship.
    pub criterion: &'static str,
    pub outcome: CheckOutcome,
    /// Why, in words.
    pub reason: String,
    /// Whether the profile speaks to it (others never make a program LIKELY or UNLIKELY).
    pub relevant: bool,
}

/// One program's result.
#[derive(Debug, Clone)]
pub struct ProgramEligibility {
    pub program: Arc<program::Model>,
    pub result: Likelihood,
    pub checks: Vec<EligibilityCheck>,
}

fn degree_rank(d: db::DegreeLevel) -> u8 {
    match d {
        db::DegreeLevel::Secondary => 1,
        db::DegreeLevel::Vocational => 2,
        db::DegreeLevel::Bachelor => 3,
        db::DegreeLevel::Master => 4,
        db::DegreeLevel::Doctorate => 5,
    }
}

/// A profile checked for input errors once, with its income in 1/10,000 units.
struct Checked<'a> {
    input: &'a Profile,
    income_e4: Option<(i64, String)>,
}

fn check(
    requirement: Option<&Arc<requirement::Model>>,
    criterion: &'static str,
    relevant: bool,
    outcome: CheckOutcome,
    reason: String,
) -> EligibilityCheck {
    EligibilityCheck {
        requirement: requirement.cloned(),
        criterion,
        outcome,
        reason,
        relevant,
    }
}

fn described(r: &requirement::Model) -> String {
    r.description
        .as_deref()
        .map_or_else(|| "(not described)".to_owned(), |d| format!("\"{d}\""))
}

fn judge(profile: &Checked<'_>, r: &Arc<requirement::Model>) -> EligibilityCheck {
    use CheckOutcome::{Met, NotMet, Unknown};
    let p = profile.input;
    let unknown =
        |criterion, relevant, why: String| check(Some(r), criterion, relevant, Unknown, why);
    match r.kind {
        RequirementKind::Age => match ((r.min_age, r.max_age), p.age) {
            ((None, None), _) => unknown(
                "age",
                true,
                format!("no age limits are recorded as data: {}", described(r)),
            ),
            (_, None) => unknown("age", true, "your age is not given".to_owned()),
            ((min, max), Some(age)) => {
                let ok = min.is_none_or(|m| age >= m) && max.is_none_or(|m| age <= m);
                let range = format!(
                    "{}–{}",
                    min.map_or("any".to_owned(), |m| m.to_string()),
                    max.map_or("any".to_owned(), |m| m.to_string())
                );
                check(
                    Some(r),
                    "age",
                    true,
                    if ok { Met } else { NotMet },
                    format!("ages {range} accepted; you are {age}"),
                )
            }
        },
        RequirementKind::Education => match (r.min_degree, p.highest_degree) {
            (None, _) => unknown(
                "education",
                true,
                format!(
                    "the minimum degree is not recorded as data: {}",
                    described(r)
                ),
            ),
            (_, None) => unknown(
                "education",
                true,
                "your highest degree is not given".to_owned(),
            ),
            (Some(min), Some(have)) => {
                let ok = degree_rank(have) >= degree_rank(min);
                check(
                    Some(r),
                    "education",
                    true,
                    if ok { Met } else { NotMet },
                    format!(
                        "at least a {} degree; yours is {}",
                        min.as_str(),
                        have.as_str()
                    ),
                )
            }
        },
        RequirementKind::FieldOfStudy => {
            let accepted: Vec<&str> = r
                .fields_of_study
                .as_deref()
                .map(|f| f.split(',').filter(|t| !t.is_empty()).collect())
                .unwrap_or_default();
            match (accepted.is_empty(), &p.field_of_study) {
                (true, _) => unknown(
                    "fieldOfStudy",
                    true,
                    format!(
                        "the accepted fields are not recorded as data: {}",
                        described(r)
                    ),
                ),
                (_, None) => unknown(
                    "fieldOfStudy",
                    true,
                    "your field of study is not given".to_owned(),
                ),
                (false, Some(field)) => {
                    let field = field.trim().to_lowercase();
                    let ok = accepted.contains(&field.as_str());
                    check(
                        Some(r),
                        "fieldOfStudy",
                        true,
                        if ok { Met } else { NotMet },
                        format!("accepted: {}; yours: {field}", accepted.join(", ")),
                    )
                }
            }
        }
        RequirementKind::Income => {
            match (r.min_income_e4, &r.income_currency, &profile.income_e4) {
                (None, _, _) | (_, None, _) => unknown(
                    "income",
                    true,
                    format!("no income threshold is recorded as data: {}", described(r)),
                ),
                (_, _, None) => unknown("income", true, "your income is not given".to_owned()),
                (Some(min), Some(currency), Some((have, have_currency))) => {
                    if currency != have_currency {
                        return unknown(
                            "income",
                            true,
                            format!(
                                "the threshold is in {currency} and your income in {have_currency}; incomes are not converted"
                            ),
                        );
                    }
                    let yearly = match r.income_period {
                        Some(IncomePeriod::Month) => min.saturating_mul(12),
                        Some(IncomePeriod::Year) => min,
                        None => {
                            return unknown(
                                "income",
                                true,
                                "the period of the income threshold is not recorded".to_owned(),
                            );
                        }
                    };
                    let ok = *have >= yearly;
                    check(
                        Some(r),
                        "income",
                        true,
                        if ok { Met } else { NotMet },
                        format!(
                            "at least {currency} {} a year{}; yours is {currency} {}",
                            e4_to_money(yearly),
                            if r.income_period == Some(IncomePeriod::Month) {
                                format!(" ({currency} {} a month)", e4_to_money(min))
                            } else {
                                String::new()
                            },
                            e4_to_money(*have)
                        ),
                    )
                }
            }
        }
        RequirementKind::Sponsorship => match p.has_job_offer {
            None => unknown(
                "sponsorship",
                true,
                format!(
                    "whether you have a job offer is not given: {}",
                    described(r)
                ),
            ),
            Some(true) => check(
                Some(r),
                "sponsorship",
                true,
                Met,
                "you have a job offer".to_owned(),
            ),
            Some(false) => check(
                Some(r),
                "sponsorship",
                true,
                NotMet,
                format!("needs an employer: {}", described(r)),
            ),
        },
        RequirementKind::Experience => unknown(
            "experience",
            true,
            format!(
                "the experience required is not recorded as data: {}",
                described(r)
            ),
        ),
        RequirementKind::Nationality => unknown(
            "nationality",
            true,
            format!(
                "nationality rules are not recorded as data: {}",
                described(r)
            ),
        ),
        RequirementKind::Language => unknown(
            "language",
            false,
            format!("check yourself: {}", described(r)),
        ),
        RequirementKind::Points => {
            unknown("points", false, format!("check yourself: {}", described(r)))
        }
        RequirementKind::Other => {
            unknown("other", false, format!("check yourself: {}", described(r)))
        }
    }
}

fn evaluate(
    profile: &Checked<'_>,
    program: Arc<program::Model>,
    requirements: &[Arc<requirement::Model>],
) -> ProgramEligibility {
    let mut checks: Vec<EligibilityCheck> = requirements
        .iter()
        // An optional requirement is not a condition.
        .filter(|r| r.mandatory != Some(false))
        .map(|r| judge(profile, r))
        .collect();
    match (program.employer_sponsorship, profile.input.has_job_offer) {
        (YesNoUnknown::Yes, Some(true)) => checks.push(check(
            None,
            "employerSponsorship",
            true,
            CheckOutcome::Met,
            "an employer must sponsor; you have a job offer".to_owned(),
        )),
        (YesNoUnknown::Yes, Some(false)) => checks.push(check(
            None,
            "employerSponsorship",
            true,
            CheckOutcome::NotMet,
            "an employer must sponsor the application; you have no job offer".to_owned(),
        )),
        (YesNoUnknown::Yes, None) => checks.push(check(
            None,
            "employerSponsorship",
            true,
            CheckOutcome::Unknown,
            "an employer must sponsor; whether you have a job offer is not given".to_owned(),
        )),
        (YesNoUnknown::Unknown, Some(false)) => checks.push(check(
            None,
            "employerSponsorship",
            true,
            CheckOutcome::Unknown,
            "whether an employer must sponsor is not known".to_owned(),
        )),
        _ => {}
    }
    let relevant: Vec<&EligibilityCheck> = checks.iter().filter(|c| c.relevant).collect();
    let result = if checks.iter().any(|c| c.outcome == CheckOutcome::NotMet) {
        Likelihood::Unlikely
    } else if !relevant.is_empty() && relevant.iter().all(|c| c.outcome == CheckOutcome::Met) {
        Likelihood::Likely
    } else {
        Likelihood::Unknown
    };
    ProgramEligibility {
        program,
        result,
        checks,
    }
}

fn validate(profile: &Profile) -> ApiResult<Option<(i64, String)>> {
    if let Some(n) = &profile.nationality
        && !is_country_code(&n.trim().to_uppercase())
    {
        return Err(ApiError::bad_input(
            "profile.nationality",
            "an ISO 3166-1 alpha-2 code, e.g. IN",
        ));
    }
    if profile.age.is_some_and(|a| !(0..=150).contains(&a)) {
        return Err(ApiError::bad_input("profile.age", "an age is 0 to 150"));
    }
    if profile
        .years_of_experience
        .is_some_and(|y| !(0..=80).contains(&y))
    {
        return Err(ApiError::bad_input(
            "profile.yearsOfExperience",
            "0 to 80 years",
        ));
    }
    profile
        .annual_income
        .as_ref()
        .map(|m| {
            let currency = m.currency.trim().to_uppercase();
            if !is_currency_code(&currency) {
                return Err(ApiError::bad_input(
                    "profile.annualIncome.currency",
                    "an ISO 4217 code, e.g. EUR",
                ));
            }
            let e4 = money_to_e4(m.amount)
                .map_err(|e| ApiError::bad_input("profile.annualIncome.amount", e))?;
            Ok((e4, currency))
        })
        .transpose()
}

/// Checks every published program; LIKELY first, then UNKNOWN, then UNLIKELY, by name.
pub async fn eligible_programs(
    db: &DatabaseConnection,
    profile: &Profile,
    only: Option<&[Likelihood]>,
) -> ApiResult<Vec<ProgramEligibility>> {
    let profile = Checked {
        income_e4: validate(profile)?,
        input: profile,
    };
    let programs = super::lists::programs().all(db).await?;
    let ids: Vec<i32> = programs.iter().map(|p| p.id).collect();
    let mut requirements: HashMap<i32, Vec<Arc<requirement::Model>>> = HashMap::new();
    for r in requirement::Entity::find()
        .filter(requirement::Column::ProgramId.is_in(ids))
        .filter(super::visibility::condition(super::RecordKind::Requirement))
        .order_by_asc(requirement::Column::Position)
        .order_by_asc(requirement::Column::Id)
        .all(db)
        .await?
    {
        requirements
            .entry(r.program_id)
            .or_default()
            .push(Arc::new(r));
    }
    let mut results: Vec<ProgramEligibility> = programs
        .into_iter()
        .map(|p| {
            let reqs = requirements.remove(&p.id).unwrap_or_default();
            evaluate(&profile, Arc::new(p), &reqs)
        })
        .filter(|e| only.is_none_or(|only| only.contains(&e.result)))
        .collect();
    let rank = |l: Likelihood| match l {
        Likelihood::Likely => 0,
        Likelihood::Unknown => 1,
        Likelihood::Unlikely => 2,
    };
    results.sort_by(|a, b| {
        rank(a.result)
            .cmp(&rank(b.result))
            .then_with(|| a.program.name.cmp(&b.program.name))
    });
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::fixtures::{program, requirement};
    use entity::enums::LegalStatus;

    fn judged(profile: Profile, requirements: Vec<requirement::Model>) -> ProgramEligibility {
        let checked = Checked {
            income_e4: validate(&profile).unwrap_or_default(),
            input: &profile,
        };
        let requirements: Vec<Arc<requirement::Model>> =
            requirements.into_iter().map(Arc::new).collect();
        evaluate(
            &checked,
            Arc::new(program(LegalStatus::InForce)),
            &requirements,
        )
    }

    fn age(min: i32, max: i32) -> requirement::Model {
        let mut r = requirement(1, RequirementKind::Age);
        r.min_age = Some(min);
        r.max_age = Some(max);
        r
    }

    #[test]
    fn a_met_rule_is_likely_and_an_unmet_one_unlikely() {
        let young = Profile {
            age: Some(27),
            ..Profile::default()
        };
        let result = judged(young, vec![age(18, 35)]);
        assert_eq!(result.result, Likelihood::Likely);
        assert_eq!(result.checks[0].outcome, CheckOutcome::Met);
        let older = Profile {
            age: Some(40),
            ..Profile::default()
        };
        assert_eq!(
            judged(older, vec![age(18, 35)]).result,
            Likelihood::Unlikely
        );
    }

    #[test]
    fn an_unknown_is_never_a_pass_or_a_fail() {
        // The profile does not say.
        let result = judged(Profile::default(), vec![age(18, 35)]);
        assert_eq!(result.result, Likelihood::Unknown);
        assert_eq!(result.checks[0].outcome, CheckOutcome::Unknown);
        // The knowledge base holds the rule only as words.
        let words = requirement(2, RequirementKind::Age);
        let someone = Profile {
            age: Some(30),
            ..Profile::default()
        };
        assert_eq!(judged(someone, vec![words]).result, Likelihood::Unknown);
    }

    #[test]
    fn incomes_are_not_converted() {
        let mut income = requirement(3, RequirementKind::Income);
        income.min_income_e4 = Some(30_000 * 10_000);
        income.income_currency = Some("EUR".into());
        income.income_period = Some(IncomePeriod::Year);
        let dollars = Profile {
            annual_income: Some(Money {
                amount: Decimal::from(90_000),
                currency: "usd".into(),
            }),
            ..Profile::default()
        };
        let result = judged(dollars, vec![income.clone()]);
        assert_eq!(result.checks[0].outcome, CheckOutcome::Unknown);
        assert!(result.checks[0].reason.contains("not converted"));
        let euros = Profile {
            annual_income: Some(Money {
                amount: Decimal::from(2_000),
                currency: "EUR".into(),
            }),
            ..Profile::default()
        };
        let mut monthly = income;
        monthly.min_income_e4 = Some(3_000 * 10_000);
        monthly.income_period = Some(IncomePeriod::Month);
        assert_eq!(judged(euros, vec![monthly]).result, Likelihood::Unlikely);
    }

    #[test]
    fn rules_to_check_yourself_do_not_decide() {
        let language = requirement(4, RequirementKind::Language);
        let result = judged(
            Profile {
                age: Some(30),
                ..Profile::default()
            },
            vec![language, age(18, 35)],
        );
        assert_eq!(result.result, Likelihood::Likely);
        assert_eq!(result.checks[0].outcome, CheckOutcome::Unknown);
    }

    #[test]
    fn bad_profiles_name_their_field() {
        let bad = Profile {
            age: Some(200),
            ..Profile::default()
        };
        match validate(&bad) {
            Err(ApiError::BadUserInput { field, .. }) => {
                assert_eq!(field.as_deref(), Some("profile.age"));
            }
            other => panic!("{other:?}"),
        }
    }
}

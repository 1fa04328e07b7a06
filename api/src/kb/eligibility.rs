//! Eligibility: every published program's structured requirements checked
//! against a profile, with the reasons. An unknown never counts as a pass or a fail: when the
//! knowledge base does not hold a requirement as data, or the profile does not say, the check
//! is UNKNOWN; incomes in other currencies are not converted.

use super::error::{ApiError, ApiResult};
use super::keyset::{KeyType, KeyValue, Ordering, Position, SortKey};
use super::values::{e4_to_money, is_country_code, is_currency_code, money_to_e4};
use entity::enums::{self as db, IncomePeriod, RequirementKind, YesNoUnknown};
use entity::{program, requirement};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};
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
    /// The field of study as requirements spell theirs (trimmed, lower case).
    field_of_study: Option<String>,
}

impl<'a> Checked<'a> {
    /// `profile`, refused with the field at fault when a value is impossible.
    fn new(profile: &'a Profile) -> ApiResult<Self> {
        Ok(Self {
            income_e4: validate(profile)?,
            field_of_study: profile
                .field_of_study
                .as_deref()
                .map(|f| f.trim().to_lowercase()),
            input: profile,
        })
    }
}

/// What judging a requirement reads: its kind and its structured limits. The ranking of every
/// program keeps these in memory ([`EligibilityIndex`]), not whole rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Criteria {
    kind: RequirementKind,
    mandatory: Option<bool>,
    min_age: Option<i32>,
    max_age: Option<i32>,
    min_degree: Option<db::DegreeLevel>,
    fields_of_study: Option<Box<str>>,
    min_income_e4: Option<i64>,
    income_currency: Option<Box<str>>,
    income_period: Option<IncomePeriod>,
}

impl From<&requirement::Model> for Criteria {
    fn from(r: &requirement::Model) -> Self {
        Self {
            kind: r.kind,
            mandatory: r.mandatory,
            min_age: r.min_age,
            max_age: r.max_age,
            min_degree: r.min_degree,
            fields_of_study: r.fields_of_study.as_deref().map(Box::from),
            min_income_e4: r.min_income_e4,
            income_currency: r.income_currency.as_deref().map(Box::from),
            income_period: r.income_period,
        }
    }
}

/// One judgement being made: with the requirement's row when its reasons are wanted (a page
/// of results), without when only the outcome is (ranking every program), so that ranking
/// formats no words.
#[derive(Clone, Copy)]
struct Judging<'r> {
    /// The requirement judged, named by the check (None: the program's sponsorship rule).
    row: Option<&'r Arc<requirement::Model>>,
    /// Whether to say why.
    explain: bool,
}

impl Judging<'_> {
    fn check(
        self,
        criterion: &'static str,
        relevant: bool,
        outcome: CheckOutcome,
        reason: impl FnOnce() -> String,
    ) -> EligibilityCheck {
        EligibilityCheck {
            requirement: self.row.cloned(),
            criterion,
            outcome,
            reason: if self.explain {
                reason()
            } else {
                String::new()
            },
            relevant,
        }
    }

    fn unknown(
        self,
        criterion: &'static str,
        relevant: bool,
        reason: impl FnOnce() -> String,
    ) -> EligibilityCheck {
        self.check(criterion, relevant, CheckOutcome::Unknown, reason)
    }

    /// The requirement's words, quoted.
    fn described(self) -> String {
        self.row
            .and_then(|r| r.description.as_deref())
            .map_or_else(|| "(not described)".to_owned(), |d| format!("\"{d}\""))
    }
}

fn judge(profile: &Checked<'_>, r: &Criteria, j: Judging<'_>) -> EligibilityCheck {
    use CheckOutcome::{Met, NotMet};
    let p = profile.input;
    match r.kind {
        RequirementKind::Age => match ((r.min_age, r.max_age), p.age) {
            ((None, None), _) => j.unknown("age", true, || {
                format!("no age limits are recorded as data: {}", j.described())
            }),
            (_, None) => j.unknown("age", true, || "your age is not given".to_owned()),
            ((min, max), Some(age)) => {
                let ok = min.is_none_or(|m| age >= m) && max.is_none_or(|m| age <= m);
                j.check("age", true, if ok { Met } else { NotMet }, || {
                    let bound = |b: Option<i32>| b.map_or("any".to_owned(), |m| m.to_string());
                    format!("ages {}–{} accepted; you are {age}", bound(min), bound(max))
                })
            }
        },
        RequirementKind::Education => match (r.min_degree, p.highest_degree) {
            (None, _) => j.unknown("education", true, || {
                format!(
                    "the minimum degree is not recorded as data: {}",
                    j.described()
                )
            }),
            (_, None) => j.unknown("education", true, || {
                "your highest degree is not given".to_owned()
            }),
            (Some(min), Some(have)) => {
                let ok = degree_rank(have) >= degree_rank(min);
                j.check("education", true, if ok { Met } else { NotMet }, || {
                    format!(
                        "at least a {} degree; yours is {}",
                        min.as_str(),
                        have.as_str()
                    )
                })
            }
        },
        RequirementKind::FieldOfStudy => {
            // Walked, not collected: ranking judges every program's requirements.
            let accepted = || {
                r.fields_of_study
                    .as_deref()
                    .unwrap_or_default()
                    .split(',')
                    .filter(|t| !t.is_empty())
            };
            match (accepted().next().is_none(), &profile.field_of_study) {
                (true, _) => j.unknown("fieldOfStudy", true, || {
                    format!(
                        "the accepted fields are not recorded as data: {}",
                        j.described()
                    )
                }),
                (_, None) => j.unknown("fieldOfStudy", true, || {
                    "your field of study is not given".to_owned()
                }),
                (false, Some(field)) => {
                    let ok = accepted().any(|a| a == field.as_str());
                    j.check("fieldOfStudy", true, if ok { Met } else { NotMet }, || {
                        format!(
                            "accepted: {}; yours: {field}",
                            accepted().collect::<Vec<_>>().join(", ")
                        )
                    })
                }
            }
        }
        RequirementKind::Income => {
            match (
                r.min_income_e4,
                r.income_currency.as_deref(),
                &profile.income_e4,
            ) {
                (None, _, _) | (_, None, _) => j.unknown("income", true, || {
                    format!("no income threshold is recorded as data: {}", j.described())
                }),
                (_, _, None) => j.unknown("income", true, || "your income is not given".to_owned()),
                (Some(min), Some(currency), Some((have, have_currency))) => {
                    if currency != have_currency.as_str() {
                        return j.unknown(
                            "income",
                            true,
                            || format!(
                                "the threshold is in {currency} and your income in {have_currency}; incomes are not converted"
                            ),
                        );
                    }
                    let yearly = match r.income_period {
                        Some(IncomePeriod::Month) => min.saturating_mul(12),
                        Some(IncomePeriod::Year) => min,
                        None => {
                            return j.unknown("income", true, || {
                                "the period of the income threshold is not recorded".to_owned()
                            });
                        }
                    };
                    let ok = *have >= yearly;
                    j.check("income", true, if ok { Met } else { NotMet }, || {
                        format!(
                            "at least {currency} {} a year{}; yours is {currency} {}",
                            e4_to_money(yearly),
                            if r.income_period == Some(IncomePeriod::Month) {
                                format!(" ({currency} {} a month)", e4_to_money(min))
                            } else {
                                String::new()
                            },
                            e4_to_money(*have)
                        )
                    })
                }
            }
        }
        RequirementKind::Sponsorship => match p.has_job_offer {
            None => j.unknown("sponsorship", true, || {
                format!(
                    "whether you have a job offer is not given: {}",
                    j.described()
                )
            }),
            Some(true) => j.check("sponsorship", true, Met, || {
                "you have a job offer".to_owned()
            }),
            Some(false) => j.check("sponsorship", true, NotMet, || {
                format!("needs an employer: {}", j.described())
            }),
        },
        RequirementKind::Experience => j.unknown("experience", true, || {
            format!(
                "the experience required is not recorded as data: {}",
                j.described()
            )
        }),
        RequirementKind::Nationality => j.unknown("nationality", true, || {
            format!(
                "nationality rules are not recorded as data: {}",
                j.described()
            )
        }),
        RequirementKind::Language => j.unknown("language", false, || {
            format!("check yourself: {}", j.described())
        }),
        RequirementKind::Points => j.unknown("points", false, || {
            format!("check yourself: {}", j.described())
        }),
        RequirementKind::Other => j.unknown("other", false, || {
            format!("check yourself: {}", j.described())
        }),
    }
}

/// The check of the program's own employer-sponsorship rule, when the profile or the program
/// makes one.
fn sponsorship_check(
    sponsorship: YesNoUnknown,
    profile: &Checked<'_>,
    j: Judging<'_>,
) -> Option<EligibilityCheck> {
    let criterion = "employerSponsorship";
    Some(match (sponsorship, profile.input.has_job_offer) {
        (YesNoUnknown::Yes, Some(true)) => j.check(criterion, true, CheckOutcome::Met, || {
            "an employer must sponsor; you have a job offer".to_owned()
        }),
        (YesNoUnknown::Yes, Some(false)) => j.check(criterion, true, CheckOutcome::NotMet, || {
            "an employer must sponsor the application; you have no job offer".to_owned()
        }),
        (YesNoUnknown::Yes, None) => j.unknown(criterion, true, || {
            "an employer must sponsor; whether you have a job offer is not given".to_owned()
        }),
        (YesNoUnknown::Unknown, Some(false)) => j.unknown(criterion, true, || {
            "whether an employer must sponsor is not known".to_owned()
        }),
        _ => return None,
    })
}

/// The program's result from its checks: UNLIKELY when one is not met; LIKELY when every check
/// the profile speaks to (at least one) is met; UNKNOWN otherwise.
fn likelihood(checks: impl IntoIterator<Item = EligibilityCheck>) -> Likelihood {
    let (mut relevant, mut all_met) = (false, true);
    for c in checks {
        if c.outcome == CheckOutcome::NotMet {
            return Likelihood::Unlikely;
        }
        if c.relevant {
            relevant = true;
            all_met &= c.outcome == CheckOutcome::Met;
        }
    }
    if relevant && all_met {
        Likelihood::Likely
    } else {
        Likelihood::Unknown
    }
}

/// The checks of one program: its mandatory requirements (an optional one is not a condition)
/// and its sponsorship rule. With `rows`, each check names its requirement and says why.
fn checks<'a>(
    profile: &'a Checked<'_>,
    sponsorship: YesNoUnknown,
    criteria: &'a [Criteria],
    rows: Option<&'a [Arc<requirement::Model>]>,
) -> impl Iterator<Item = EligibilityCheck> + 'a {
    let explain = rows.is_some();
    criteria
        .iter()
        .enumerate()
        .filter(|(_, c)| c.mandatory != Some(false))
        .map(move |(i, c)| {
            let row = rows.and_then(|rows| rows.get(i));
            judge(profile, c, Judging { row, explain })
        })
        .chain(sponsorship_check(
            sponsorship,
            profile,
            Judging { row: None, explain },
        ))
}

fn evaluate(
    profile: &Checked<'_>,
    program: Arc<program::Model>,
    requirements: &[Arc<requirement::Model>],
) -> ProgramEligibility {
    let criteria: Vec<Criteria> = requirements.iter().map(|r| Criteria::from(&**r)).collect();
    let checks: Vec<EligibilityCheck> = checks(
        profile,
        program.employer_sponsorship,
        &criteria,
        Some(requirements),
    )
    .collect();
    ProgramEligibility {
        result: likelihood(checks.iter().cloned()),
        program,
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

/// A visible program as ranking reads it.
struct Candidate {
    id: i32,
    name: Box<str>,
    /// Its place in [`Candidates::classes`].
    class: usize,
}

/// What decides a program's result for any profile: its sponsorship rule and its criteria, in
/// their order. Programs that share them share their result, so ranking judges each class
/// once.
struct Class {
    sponsorship: YesNoUnknown,
    /// Where its criteria are in [`Candidates::criteria`].
    criteria: std::ops::Range<usize>,
}

/// Every visible program at one content version (the database's), by name, with the classes
/// of their criteria.
///
/// A result depends only on the profile and a program's class, so a ranking judges every
/// class once and then walks the programs, each a lookup of its class's result. How many
/// classes there are depends on the data: many programs share a rule set ("a bachelor's
/// degree", "an employer's sponsorship"), and every program having its own costs what judging
/// each program did. The criteria of all classes are in one list, in order: with a list per
/// program, each program's first criterion was a cache miss (a third of an `eligiblePrograms`
/// request's CPU at 10,000 programs went to one load).
struct Candidates {
    stored: i64,
    programs: Vec<Candidate>,
    classes: Vec<Class>,
    criteria: Vec<Criteria>,
}

impl Candidates {
    fn criteria_of(&self, c: &Class) -> &[Criteria] {
        self.criteria.get(c.criteria.clone()).unwrap_or_default()
    }

    /// Files `programs` (id, name, sponsorship) in name order (then id), each under the class
    /// of its sponsorship and `criteria`.
    fn new(
        stored: i64,
        mut programs: Vec<(i32, String, YesNoUnknown)>,
        mut criteria: HashMap<i32, Vec<Criteria>>,
    ) -> Self {
        programs.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        let mut classes: Vec<Class> = Vec::new();
        let mut all: Vec<Criteria> = Vec::new();
        let mut known: HashMap<(YesNoUnknown, Vec<Criteria>), usize> = HashMap::new();
        let programs = programs
            .into_iter()
            .map(|(id, name, sponsorship)| {
                let own = criteria.remove(&id).unwrap_or_default();
                let next = classes.len();
                let class = *known
                    .entry((sponsorship, own))
                    .or_insert_with_key(|(_, own)| {
                        let start = all.len();
                        all.extend(own.iter().cloned());
                        classes.push(Class {
                            sponsorship,
                            criteria: start..all.len(),
                        });
                        next
                    });
                Candidate {
                    id,
                    name: name.into_boxed_str(),
                    class,
                }
            })
            .collect();
        Self {
            stored,
            programs,
            classes,
            criteria: all,
        }
    }
}

#[derive(FromQueryResult)]
struct CriteriaRow {
    program_id: i32,
    kind: RequirementKind,
    mandatory: Option<bool>,
    min_age: Option<i32>,
    max_age: Option<i32>,
    min_degree: Option<db::DegreeLevel>,
    fields_of_study: Option<String>,
    min_income_e4: Option<i64>,
    income_currency: Option<String>,
    income_period: Option<IncomePeriod>,
}

impl From<CriteriaRow> for Criteria {
    fn from(r: CriteriaRow) -> Self {
        Self {
            kind: r.kind,
            mandatory: r.mandatory,
            min_age: r.min_age,
            max_age: r.max_age,
            min_degree: r.min_degree,
            fields_of_study: r.fields_of_study.map(String::into_boxed_str),
            min_income_e4: r.min_income_e4,
            income_currency: r.income_currency.map(String::into_boxed_str),
            income_period: r.income_period,
        }
    }
}

/// Reads what ranking needs, two narrow statements: every visible program's name and
/// sponsorship rule, and its visible requirements' criteria in their order.
async fn candidates(db: &impl ConnectionTrait, stored: i64) -> ApiResult<Candidates> {
    use requirement::Column as R;
    let programs: Vec<(i32, String, YesNoUnknown)> = super::lists::programs()
        .select_only()
        .columns([
            program::Column::Id,
            program::Column::Name,
            program::Column::EmployerSponsorship,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let mut criteria: HashMap<i32, Vec<Criteria>> = HashMap::with_capacity(programs.len());
    let rows = requirement::Entity::find()
        .select_only()
        .columns([
            R::ProgramId,
            R::Kind,
            R::Mandatory,
            R::MinAge,
            R::MaxAge,
            R::MinDegree,
            R::FieldsOfStudy,
            R::MinIncomeE4,
            R::IncomeCurrency,
            R::IncomePeriod,
        ])
        .filter(super::visibility::condition(super::RecordKind::Requirement))
        .order_by_asc(R::Position)
        .order_by_asc(R::Id)
        .into_model::<CriteriaRow>()
        .all(db)
        .await?;
    for row in rows {
        criteria.entry(row.program_id).or_default().push(row.into());
    }
    Ok(Candidates::new(stored, programs, criteria))
}

/// What eligibility ranks on, kept between requests: every visible program's name and class,
/// and the structured criteria of each class, read again when the content version moves (any
/// write of any replica, or an import, appends a revision). Reading them took most of a
/// request.
#[derive(Default)]
pub struct EligibilityIndex {
    current: tokio::sync::Mutex<Option<Kept>>,
}

/// The candidates kept, and the listener's count they were last found current at.
struct Kept {
    candidates: Arc<Candidates>,
    heard: Option<u64>,
}

impl EligibilityIndex {
    /// The candidates at the content version, read again when it moved. One reader rebuilds
    /// while the others wait for its result instead of reading the same rows.
    ///
    /// What this process heard (`heard`, the listener's count) says at no cost that nothing
    /// changed. When it cannot (another count, or none: the listener starting, lost, or silent
    /// for a while, as under a heavy load), the database's version decides, in one short
    /// statement. The two are never compared with each other: under load the listener went
    /// silent and back, each turn read every program's criteria again (at 10,000 programs,
    /// every `eligiblePrograms` waited seconds for it).
    async fn at(
        &self,
        db: &impl ConnectionTrait,
        heard: Option<u64>,
    ) -> ApiResult<Arc<Candidates>> {
        if let Some(kept) = self.current.lock().await.as_ref()
            && heard.is_some()
            && kept.heard == heard
        {
            return Ok(Arc::clone(&kept.candidates));
        }
        // Read without holding the lock: with no listener (SQLite) every request comes here,
        // and holding it would make them take turns for this statement.
        let stored = super::read::content_version(db).await?;
        let mut current = self.current.lock().await;
        // Kept at this version, or at a newer one another request read meanwhile: its rows
        // were read after this version, so they hold everything it does.
        if let Some(kept) = current.as_mut()
            && kept.candidates.stored >= stored
        {
            if kept.candidates.stored == stored {
                kept.heard = heard;
            }
            return Ok(Arc::clone(&kept.candidates));
        }
        let started = std::time::Instant::now();
        let candidates = Arc::new(candidates(db, stored).await?);
        tracing::info!(
            version = stored,
            programs = candidates.programs.len(),
            classes = candidates.classes.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "eligibility index read"
        );
        *current = Some(Kept {
            candidates: Arc::clone(&candidates),
            heard,
        });
        Ok(candidates)
    }
}

/// The rank of a result in the list: LIKELY first, then UNKNOWN, then UNLIKELY.
pub fn rank_of(l: Likelihood) -> i64 {
    match l {
        Likelihood::Likely => 0,
        Likelihood::Unknown => 1,
        Likelihood::Unlikely => 2,
    }
}

/// The list's reading order, for its cursors: rank, name (byte-wise), id. The list is sorted
/// in memory, so the keys' expressions are never sent to a database.
pub fn ordering() -> Ordering {
    let key = |ty| SortKey::asc(Expr::val(0), ty);
    Ordering::new(
        "eligibility",
        vec![key(KeyType::Int), key(KeyType::Text), key(KeyType::Int)],
    )
}

/// Every visible program's result for a profile, in the list's order: by rank, then name, then
/// id. Holds the candidates it ranked, so a page of it reads the same content.
pub struct Ranking {
    candidates: Arc<Candidates>,
    /// (rank, index into the candidates).
    order: Vec<(i64, usize)>,
}

impl Ranking {
    /// How many programs have one of the results asked for.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn key(&self, i: usize) -> Option<(i64, &str, i64)> {
        let (rank, at) = *self.order.get(i)?;
        let c = self.candidates.programs.get(at)?;
        Some((rank, &c.name, i64::from(c.id)))
    }

    /// The place of the `i`th program in [`ordering`].
    pub fn position(&self, i: usize) -> Option<Position> {
        let (rank, name, id) = self.key(i)?;
        Some(Position::new(vec![
            Some(KeyValue::Int(rank)),
            Some(KeyValue::Text(name.to_owned())),
            Some(KeyValue::Int(id)),
        ]))
    }

    /// How many programs come before `at` (or, `inclusive`, at or before it): a binary search,
    /// the list being in key order.
    pub fn count_before(&self, at: &Position, inclusive: bool) -> usize {
        let at = (at.int(0), at.text(1), at.int(2));
        let at = (
            at.0.unwrap_or_default(),
            at.1.unwrap_or_default(),
            at.2.unwrap_or_default(),
        );
        let comes_first = |i| {
            self.key(i)
                .is_some_and(|k| if inclusive { k <= at } else { k < at })
        };
        let (mut low, mut high) = (0, self.order.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if comes_first(middle) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    /// The ids of the programs at `range`, in order.
    pub fn ids(&self, range: std::ops::Range<usize>) -> Vec<i32> {
        self.order
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(|&(_, i)| self.candidates.programs[i].id)
            .collect()
    }
}

/// Ranks every visible program for `profile` (`only` keeps some results), on the index: no
/// program row is read and no reason is written until a page of the ranking is shown
/// ([`judged`]).
pub async fn rank(
    db: &impl ConnectionTrait,
    index: &EligibilityIndex,
    heard: Option<u64>,
    profile: &Profile,
    only: Option<&[Likelihood]>,
) -> ApiResult<Ranking> {
    let profile = Checked::new(profile)?;
    let candidates = index.at(db, heard).await?;
    Ok(ranking(candidates, &profile, only))
}

/// The ranking of `candidates` for `profile`: each class judged once, the programs filed by
/// their class's rank.
fn ranking(
    candidates: Arc<Candidates>,
    profile: &Checked<'_>,
    only: Option<&[Likelihood]>,
) -> Ranking {
    let ranks: Vec<Option<i64>> = candidates
        .classes
        .iter()
        .map(|class| {
            let criteria = candidates.criteria_of(class);
            let result = likelihood(checks(profile, class.sponsorship, criteria, None));
            only.is_none_or(|only| only.contains(&result))
                .then_some(rank_of(result))
        })
        .collect();
    // The programs are in name order: filed by rank, each rank keeps it.
    let mut by_rank: [Vec<usize>; 3] = Default::default();
    for (i, program) in candidates.programs.iter().enumerate() {
        if let Some(Some(rank)) = ranks.get(program.class)
            && let Some(list) = usize::try_from(*rank).ok().and_then(|r| by_rank.get_mut(r))
        {
            list.push(i);
        }
    }
    let order = (0..)
        .zip(by_rank)
        .flat_map(|(rank, list)| list.into_iter().map(move |i| (rank, i)))
        .collect();
    Ranking { candidates, order }
}

/// The results for the visible programs `ids` with every check and its reason, in the order of
/// `ids` (a page of a [`Ranking`]): two statements, the programs and their requirements.
pub async fn judged(
    db: &impl ConnectionTrait,
    profile: &Profile,
    ids: &[i32],
) -> ApiResult<Vec<ProgramEligibility>> {
    let profile = Checked::new(profile)?;
    let mut programs: HashMap<i32, program::Model> = super::read::programs(db, ids.iter().copied())
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut requirements: HashMap<i32, Vec<Arc<requirement::Model>>> = HashMap::new();
    for r in super::read::requirements(db, ids.iter().copied()).await? {
        requirements
            .entry(r.program_id)
            .or_default()
            .push(Arc::new(r));
    }
    Ok(ids
        .iter()
        .filter_map(|id| {
            let program = programs.remove(id)?;
            let reqs = requirements.remove(id).unwrap_or_default();
            Some(evaluate(&profile, Arc::new(program), &reqs))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::fixtures::{program, requirement};
    use entity::enums::LegalStatus;

    fn judged(profile: Profile, requirements: Vec<requirement::Model>) -> ProgramEligibility {
        let Ok(checked) = Checked::new(&profile) else {
            panic!("a valid profile");
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
    fn programs_sharing_their_rules_are_judged_once_and_ranked_as_if_alone() {
        let (young, graduate) = (age(18, 35), {
            let mut r = requirement(2, RequirementKind::Education);
            r.min_degree = Some(db::DegreeLevel::Master);
            r
        });
        // (id, name, sponsorship, requirements): 1 and 4 share their rules, 2 and 5 too.
        let programs = [
            (1, "Delta", YesNoUnknown::No, vec![young.clone()]),
            (2, "Alpha", YesNoUnknown::Yes, vec![graduate.clone()]),
            (
                3,
                "Echo",
                YesNoUnknown::No,
                vec![young.clone(), graduate.clone()],
            ),
            (4, "Bravo", YesNoUnknown::No, vec![young.clone()]),
            (5, "Alpha", YesNoUnknown::Yes, vec![graduate.clone()]),
            (6, "Charlie", YesNoUnknown::Unknown, vec![]),
            (7, "Foxtrot", YesNoUnknown::Yes, vec![young.clone()]),
        ];
        let criteria = programs
            .iter()
            .map(|(id, _, _, rs)| (*id, rs.iter().map(Criteria::from).collect()))
            .collect();
        let rows = programs
            .iter()
            .map(|(id, name, s, _)| (*id, (*name).to_owned(), *s))
            .collect();
        let candidates = Arc::new(Candidates::new(1, rows, criteria));
        assert_eq!(candidates.classes.len(), 5);

        for (age, degree, offer) in [
            (Some(30), Some(db::DegreeLevel::Doctorate), Some(true)),
            (Some(40), Some(db::DegreeLevel::Bachelor), Some(false)),
            (None, None, None),
        ] {
            let profile = Profile {
                age,
                highest_degree: degree,
                has_job_offer: offer,
                ..Profile::default()
            };
            let Ok(checked) = Checked::new(&profile) else {
                panic!("a valid profile");
            };
            // Each program judged alone, sorted by rank, name and id.
            let mut alone: Vec<(i64, &str, i32)> = programs
                .iter()
                .map(|(id, name, sponsorship, rs)| {
                    let criteria: Vec<Criteria> = rs.iter().map(Criteria::from).collect();
                    let result = likelihood(checks(&checked, *sponsorship, &criteria, None));
                    (rank_of(result), *name, *id)
                })
                .collect();
            alone.sort();
            let ranked = ranking(Arc::clone(&candidates), &checked, None);
            let ranked: Vec<(i64, &str, i32)> = (0..ranked.len())
                .filter_map(|i| ranked.key(i))
                .map(|(rank, name, id)| (rank, name, i32::try_from(id).unwrap_or(-1)))
                .collect();
            assert_eq!(ranked, alone, "{profile:?}");
            let likely = ranking(
                Arc::clone(&candidates),
                &checked,
                Some(&[Likelihood::Likely]),
            );
            let expected = alone.iter().filter(|(rank, _, _)| *rank == 0).count();
            assert_eq!(likely.len(), expected);
        }
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

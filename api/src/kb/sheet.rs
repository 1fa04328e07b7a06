//! A program's fact sheet: every attribute with its value, its state (known, unverified,
//! unconfirmed, unknown), the researched wording, the citations behind it and when a source
//! last verified it. One rule for every surface: compare, the exports, JSON-LD, the pages and
//! GraphQL's `Program.values` all read these cells, so none of them can show a value as known
//! that another shows as unverified.

use super::confidence::of_citation;
use super::fees::{Amount, Term, is_current, scheduled_end, scheduled_end_note, term_on};
use super::freshness::{newest, verified_on};
use super::status::{Status, status_on};
use super::term::Scheduled;
use super::values::PartialDate;
use chrono::NaiveDate;
use entity::enums::{
    Confidence, DatePrecision, DurationUnit, Entries, LegalStatus, PrPath, RequirementKind,
    WorkAuthorization, YesNoUnknown,
};
use entity::{citation, fee, policy_event, program, program_fact, requirement, source};
use std::collections::HashMap;
use std::sync::Arc;

/// How far a value can be trusted.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum State {
    /// The value is known: a cited official or secondary source supports it.
    Known,
    /// The knowledge base does not know: the sources do not say, or nothing is recorded.
    Unknown,
    /// The sources leave it open (e.g. the K visa's work rights), or its term has run out.
    Unconfirmed,
    /// A value backed only by unverified research: no cited official or secondary source
    /// supports it yet (shown, but not to be printed as fact).
    Unverified,
}

impl State {
    /// The state as exports spell it: `KNOWN`, `UNKNOWN`, `UNCONFIRMED`, `UNVERIFIED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Known => "KNOWN",
            Self::Unknown => "UNKNOWN",
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Unverified => "UNVERIFIED",
        }
    }
}

/// One program's value for one attribute.
#[derive(Debug, Clone)]
pub struct Cell {
    /// The program's slug.
    pub slug: String,
    /// The value in words; None unless the state lets it be shown.
    pub value: Option<String>,
    pub state: State,
    pub wording: Option<String>,
    pub note: Option<String>,
    pub citations: Vec<Arc<citation::Model>>,
    /// The newest date a supporting source vouches for (None: never verified).
    pub last_verified: Option<PartialDate>,
    /// A term behind the value is past its scheduled end with no source since.
    pub past_scheduled_end: bool,
}

/// One attribute of a program.
#[derive(Debug, Clone)]
pub struct Value {
    /// Machine name, e.g. `employerSponsorship` or `requirement.education`.
    pub attribute: String,
    /// Human label, e.g. "Employer sponsorship".
    pub label: String,
    pub cell: Cell,
}

impl Value {
    /// The fragment that names this value in the program's permalink (`#work_authorization`):
    /// the stored field, as a fact's permalink (`Fact.permalink`) spells it; `fees` for the
    /// current fees and `requirement-education` for a kind of requirement.
    pub fn anchor(&self) -> String {
        match self.attribute.as_str() {
            "status" => "legal_status".to_owned(),
            "currentFees" => "fees".to_owned(),
            other => match other.strip_prefix("requirement.") {
                Some(kind) => format!("requirement-{kind}"),
                None => other.chars().fold(String::new(), |mut out, c| {
                    if c.is_ascii_uppercase() {
                        out.push('_');
                    }
                    out.push(c.to_ascii_lowercase());
                    out
                }),
            },
        }
    }
}

/// Everything a program's sheet is made from: the program and its visible children, their
/// visible citations and the sources those cite.
#[derive(Debug, Clone)]
pub struct Facts {
    pub program: Arc<program::Model>,
    pub program_citations: Vec<Arc<citation::Model>>,
    pub facts: Vec<Arc<program_fact::Model>>,
    pub requirements: Vec<Arc<requirement::Model>>,
    pub fees: Vec<Arc<fee::Model>>,
    pub events: Vec<Arc<policy_event::Model>>,
    pub citations_of_fee: HashMap<i32, Vec<Arc<citation::Model>>>,
    pub citations_of_requirement: HashMap<i32, Vec<Arc<citation::Model>>>,
    pub citations_of_event: HashMap<i32, Vec<Arc<citation::Model>>>,
    /// The sources of those citations, by id (shared by the sheets read together).
    pub sources: Arc<HashMap<i32, Arc<source::Model>>>,
}

impl Facts {
    /// Where the program stood legally on `as_of` (today when None).
    pub fn status(&self, as_of: Option<NaiveDate>) -> Status {
        status_on(&self.program, &self.events, as_of)
    }

    /// When the sources behind `citations` were last verified.
    pub fn verified(&self, citations: &[Arc<citation::Model>]) -> Option<PartialDate> {
        newest(
            citations
                .iter()
                .filter_map(|c| self.sources.get(&c.source_id))
                .filter_map(|s| verified_on(s)),
        )
    }

    fn cited(
        &self,
        of: &HashMap<i32, Vec<Arc<citation::Model>>>,
        id: i32,
    ) -> Vec<Arc<citation::Model>> {
        of.get(&id).cloned().unwrap_or_default()
    }

    /// A cell for a program-level attribute stored in `column`.
    fn cell(&self, column: &str, value: Option<String>, state: State) -> Cell {
        let fact = self.facts.iter().find(|f| f.field == column);
        let citations: Vec<Arc<citation::Model>> = self
            .program_citations
            .iter()
            .filter(|c| c.field.as_deref() == Some(column))
            .cloned()
            .collect();
        self.cell_with(value, state, fact, citations)
    }

    fn cell_with(
        &self,
        value: Option<String>,
        state: State,
        fact: Option<&Arc<program_fact::Model>>,
        citations: Vec<Arc<citation::Model>>,
    ) -> Cell {
        Cell {
            slug: self.program.slug.clone(),
            value: if state == State::Unknown { None } else { value },
            state,
            wording: fact.and_then(|f| f.wording.clone()),
            note: fact.and_then(|f| f.note.clone()),
            last_verified: self.verified(&citations),
            past_scheduled_end: false,
            citations,
        }
    }
}

impl Facts {
    /// Whether a cited official or secondary source supports a value: the citation's
    /// confidence, never more than its source can confirm (a source's kind may have changed
    /// since the citation was written).
    fn supported(&self, citations: &[Arc<citation::Model>]) -> bool {
        citations.iter().any(|c| {
            let confidence = match self.sources.get(&c.source_id) {
                Some(s) => of_citation(c.confidence, s.kind),
                None => c.confidence,
            };
            matches!(
                confidence,
                Some(Confidence::Official | Confidence::Secondary)
            )
        })
    }
}

/// Known unless it is the enum's "unknown" member.
fn known_unless(unknown: bool) -> State {
    if unknown {
        State::Unknown
    } else {
        State::Known
    }
}

fn duration(value: Option<i32>, unit: Option<DurationUnit>) -> (Option<String>, State) {
    match (value, unit) {
        (_, Some(DurationUnit::Indefinite)) => (Some("indefinite".to_owned()), State::Known),
        (Some(v), Some(unit)) => (Some(format!("{v} {}", unit.as_str())), State::Known),
        _ => (None, State::Unknown),
    }
}

fn date(date: Option<NaiveDate>, precision: Option<DatePrecision>) -> Option<String> {
    PartialDate::stored(date, precision).map(PartialDate::to_text)
}

fn fee_text(f: &fee::Model) -> String {
    let amount = Amount::of(f);
    match f.effective_from {
        Some(from) => format!("{amount} ({}, from {from})", f.label),
        None => format!("{amount} ({})", f.label),
    }
}

/// The kinds of requirement, in the order sheets list them, with their attribute and label.
pub const REQUIREMENT_KINDS: [(RequirementKind, &str, &str); 10] = [
    (RequirementKind::Education, "education", "Education"),
    (
        RequirementKind::FieldOfStudy,
        "fieldOfStudy",
        "Field of study",
    ),
    (RequirementKind::Experience, "experience", "Experience"),
    (RequirementKind::Age, "age", "Age"),
    (RequirementKind::Income, "income", "Income"),
    (RequirementKind::Language, "language", "Language"),
    (RequirementKind::Sponsorship, "sponsorship", "Sponsorship"),
    (RequirementKind::Nationality, "nationality", "Nationality"),
    (RequirementKind::Points, "points", "Points"),
    (RequirementKind::Other, "other", "Other requirements"),
];

fn value(attribute: &str, label: &str, cell: Cell) -> Value {
    Value {
        attribute: attribute.to_owned(),
        label: label.to_owned(),
        cell,
    }
}

/// The current-fees cell on `day`: fees in effect, unconfirmed when one is past its scheduled
/// end with no source verified since.
fn current_fees(f: &Facts, day: NaiveDate) -> Cell {
    let current: Vec<&Arc<fee::Model>> = f.fees.iter().filter(|fee| is_current(fee, day)).collect();
    let priced: Vec<String> = current
        .iter()
        .filter(|fee| fee.amount_e4.is_some() || fee.amount_text.is_some())
        .map(|fee| fee_text(fee))
        .collect();
    let unpriced: Vec<&str> = current
        .iter()
        .filter(|fee| fee.amount_e4.is_none() && fee.amount_text.is_none())
        .map(|fee| fee.label.as_str())
        .collect();
    let citations: Vec<Arc<citation::Model>> = current
        .iter()
        .flat_map(|fee| f.cited(&f.citations_of_fee, fee.id))
        .collect();
    let state = known_unless(priced.is_empty());
    let mut cell = f.cell_with(Some(priced.join("; ")), state, None, citations);
    let mut notes = Vec::new();
    if current.is_empty() {
        notes.push("no fee in effect is recorded".to_owned());
    } else if !unpriced.is_empty() {
        notes.push(format!("amount unknown: {}", unpriced.join("; ")));
    }
    // A term that is scheduled to end is said; past its end with no source since, it leaves
    // the fees unconfirmed, not known.
    let mut lapsed = false;
    for fee in &current {
        let verified = f.verified(&f.cited(&f.citations_of_fee, fee.id));
        if term_on(fee, day, verified) == Term::PastScheduledEnd {
            lapsed = true;
            notes.extend(scheduled_end_note(fee, verified));
        } else if fee.scheduled_end_on.is_some_and(|end| end >= day) {
            notes.extend(scheduled_end(fee).map(|end| format!("{}: {end}", fee.label)));
        }
    }
    if lapsed {
        cell.state = State::Unconfirmed;
        cell.past_scheduled_end = true;
    }
    cell.note = (!notes.is_empty()).then(|| notes.join("; "));
    cell
}

/// The cell for the program's requirements of `kind` on `day` (an UNKNOWN cell saying none is
/// recorded when it has none; UNCONFIRMED when one is past its scheduled end with no source
/// since).
fn requirements(f: &Facts, kind: RequirementKind, day: NaiveDate) -> Cell {
    let of_kind: Vec<&Arc<requirement::Model>> =
        f.requirements.iter().filter(|r| r.kind == kind).collect();
    let described: Vec<String> = of_kind
        .iter()
        .filter_map(|r| r.description.clone())
        .collect();
    let citations = of_kind
        .iter()
        .flat_map(|r| f.cited(&f.citations_of_requirement, r.id))
        .collect();
    let mut cell = f.cell_with(
        (!described.is_empty()).then(|| described.join("; ")),
        known_unless(described.is_empty()),
        None,
        citations,
    );
    let mut notes = Vec::new();
    if of_kind.is_empty() {
        notes.push("no requirement of this kind is recorded".to_owned());
    }
    for r in &of_kind {
        let Some(end) = Scheduled::of(r.scheduled_end_on, r.scheduled_end_condition.as_deref())
        else {
            continue;
        };
        let verified = f.verified(&f.cited(&f.citations_of_requirement, r.id));
        let label = r.description.as_deref().unwrap_or("This requirement");
        notes.push(end.note_on(label, day, verified));
        if end.lapsed(day, verified) {
            cell.state = State::Unconfirmed;
            cell.past_scheduled_end = true;
        }
    }
    cell.note = (!notes.is_empty()).then(|| notes.join("; "));
    cell
}

/// The program's values seen on `as_of` (today when None), with a row for each requirement
/// kind in `kinds` (a comparison asks for every kind any compared program has).
pub fn values(f: &Facts, as_of: Option<NaiveDate>, kinds: &[RequirementKind]) -> Vec<Value> {
    let day = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let p = &f.program;
    let status = f.status(as_of);
    let mut legal_status = f.cell(
        "legal_status",
        status.status.map(|s| s.as_str()),
        known_unless(status.status.is_none()),
    );
    if let Some(event) = &status.event {
        // The status comes from an event: its sources are the ones that count.
        legal_status.citations = f.cited(&f.citations_of_event, event.id);
        legal_status.last_verified = f.verified(&legal_status.citations);
    }
    // A program scheduled to end: said before; past it with no source on the program since,
    // whether it still runs is unconfirmed.
    if let Some(end) = Scheduled::of(p.scheduled_end_on, p.scheduled_end_condition.as_deref())
        && matches!(
            status.status,
            Some(LegalStatus::InForce | LegalStatus::Announced)
        )
    {
        let verified = last_verified(f);
        let note = end.note_on("The program", day, verified);
        legal_status.note = Some(match legal_status.note.take() {
            Some(n) => format!("{n}; {note}"),
            None => note,
        });
        if end.lapsed(day, verified) {
            legal_status.state = State::Unconfirmed;
            legal_status.past_scheduled_end = true;
        }
    }
    let since = date(p.in_force_on, p.in_force_precision)
        .filter(|_| p.in_force_on.is_some_and(|d| d <= day));
    let (validity, validity_state) = duration(p.validity_value, p.validity_unit);
    let (max_stay, max_stay_state) = duration(p.max_stay_value, p.max_stay_unit);
    let work_state = if p.work_authorization == WorkAuthorization::Unconfirmed {
        State::Unconfirmed
    } else {
        State::Known
    };
    let mut values = vec![
        value(
            "country",
            "Country",
            f.cell("country", Some(p.country.clone()), State::Known),
        ),
        value("status", "Legal status", legal_status),
        value(
            "inForceOn",
            "In force since",
            f.cell("in_force_on", since.clone(), known_unless(since.is_none())),
        ),
        value(
            "employerSponsorship",
            "Employer sponsorship",
            f.cell(
                "employer_sponsorship",
                Some(p.employer_sponsorship.as_str()),
                known_unless(p.employer_sponsorship == YesNoUnknown::Unknown),
            ),
        ),
        value(
            "workAuthorization",
            "Work authorization",
            f.cell(
                "work_authorization",
                Some(p.work_authorization.as_str()),
                work_state,
            ),
        ),
        value(
            "prPath",
            "Path to permanent residence",
            f.cell(
                "pr_path",
                Some(p.pr_path.as_str()),
                known_unless(p.pr_path == PrPath::Unclear),
            ),
        ),
        value(
            "validity",
            "Validity",
            f.cell("validity", validity, validity_state),
        ),
        value(
            "maxStay",
            "Maximum stay",
            f.cell("max_stay", max_stay, max_stay_state),
        ),
        value(
            "entries",
            "Entries",
            f.cell(
                "entries",
                Some(p.entries.as_str()),
                known_unless(p.entries == Entries::Unknown),
            ),
        ),
        value("currentFees", "Current fees", current_fees(f, day)),
    ];
    for (kind, attribute, label) in REQUIREMENT_KINDS {
        if kinds.contains(&kind) {
            values.push(value(
                &format!("requirement.{attribute}"),
                label,
                requirements(f, kind, day),
            ));
        }
    }
    // One rule for every value: KNOWN only where a cited official or secondary source
    // supports it. (The program's country is what the record is about, not a claim.)
    for v in values.iter_mut().filter(|v| v.attribute != "country") {
        if v.cell.state == State::Known && !f.supported(&v.cell.citations) {
            v.cell.state = State::Unverified;
        }
    }
    values
}

/// The kinds of requirement the program has.
pub fn kinds_of(f: &Facts) -> Vec<RequirementKind> {
    REQUIREMENT_KINDS
        .iter()
        .map(|(kind, _, _)| *kind)
        .filter(|kind| f.requirements.iter().any(|r| r.kind == *kind))
        .collect()
}

/// The program's own sheet: every attribute, and the requirement kinds it has.
pub fn sheet(f: &Facts, as_of: Option<NaiveDate>) -> Vec<Value> {
    values(f, as_of, &kinds_of(f))
}

/// The researched facts that no value of `shown` stands for (the name, the administering
/// authority, the legal basis, notes), each with its wording and the sources of its field,
/// under the same rule: KNOWN only where a cited official or secondary source supports it,
/// UNKNOWN where the research found nothing.
pub fn other_facts(f: &Facts, shown: &[Value]) -> Vec<Value> {
    let covered: std::collections::HashSet<String> = shown.iter().map(Value::anchor).collect();
    f.facts
        .iter()
        .filter(|fact| !covered.contains(&fact.field))
        .map(|fact| {
            let state = if fact.confidence.is_none() {
                State::Unknown
            } else {
                State::Known
            };
            let mut cell = f.cell(&fact.field, None, state);
            if cell.state == State::Known && !f.supported(&cell.citations) {
                cell.state = State::Unverified;
            }
            let label = match fact.field.split_once('.') {
                Some(("notes", _)) => "Note".to_owned(),
                _ => {
                    let words = fact.field.replace('_', " ");
                    let mut chars = words.chars();
                    chars.next().map_or_else(String::new, |c| {
                        c.to_uppercase().chain(chars).collect::<String>()
                    })
                }
            };
            Value {
                attribute: fact.field.clone(),
                label,
                cell,
            }
        })
        .collect()
}

/// When a source last verified anything about the program: the newest date among the sources
/// of all its visible citations (of the program, its requirements, fees and events), the same
/// rule as the `verifiedSince` filter ([`super::freshness::verified_since`]). None: never.
pub fn last_verified(f: &Facts) -> Option<PartialDate> {
    let all = f
        .program_citations
        .iter()
        .chain(f.citations_of_requirement.values().flatten())
        .chain(f.citations_of_fee.values().flatten())
        .chain(f.citations_of_event.values().flatten())
        .cloned()
        .collect::<Vec<_>>();
    f.verified(&all)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::kb::fixtures::{day, program};
    use entity::enums::{EditorialState, LegalStatus, SourceKind};

    pub fn fee(
        id: i32,
        label: &str,
        e4: Option<i64>,
        from: &str,
        until: Option<&str>,
    ) -> fee::Model {
        fee::Model {
            id,
            program_id: 1,
            label: label.into(),
            amount_e4: e4,
            amount_text: None,
            currency: e4.map(|_| "USD".into()),
            payer: None,
            applies_when: None,
            effective_from: Some(day(from)),
            effective_until: until.map(day),
            scheduled_end_on: None,
            scheduled_end_condition: None,
            confidence: None,
            note: None,
            state: EditorialState::Published,
            version: 1,
            created_at: chrono::DateTime::default(),
            updated_at: chrono::DateTime::default(),
        }
    }

    pub fn facts(p: program::Model, fees: Vec<fee::Model>) -> Facts {
        Facts {
            program: Arc::new(p),
            program_citations: Vec::new(),
            facts: Vec::new(),
            requirements: Vec::new(),
            fees: fees.into_iter().map(Arc::new).collect(),
            events: Vec::new(),
            citations_of_fee: HashMap::new(),
            citations_of_requirement: HashMap::new(),
            citations_of_event: HashMap::new(),
            sources: Arc::default(),
        }
    }

    pub fn cites(
        field: Option<&str>,
        confidence: Option<Confidence>,
        source_id: i32,
    ) -> Arc<citation::Model> {
        Arc::new(citation::Model {
            id: source_id,
            source_id,
            program_id: Some(1),
            requirement_id: None,
            fee_id: None,
            commentary_id: None,
            policy_event_id: None,
            field: field.map(str::to_owned),
            excerpt: None,
            confidence,
            state: EditorialState::Published,
            version: 1,
            created_at: chrono::DateTime::default(),
            updated_at: chrono::DateTime::default(),
        })
    }

    pub fn source(id: i32, published: &str, precision: DatePrecision) -> Arc<source::Model> {
        Arc::new(source::Model {
            id,
            url: None,
            title: format!("Source {id}"),
            publisher: None,
            kind: SourceKind::Official,
            language: None,
            published_on: Some(day(published)),
            published_precision: Some(precision),
            published_note: None,
            accessed_on: None,
            archived_url: None,
            licence: None,
            attribution: None,
            note: None,
            state: EditorialState::Published,
            version: 1,
            created_at: chrono::DateTime::default(),
            updated_at: chrono::DateTime::default(),
        })
    }

    fn get<'a>(values: &'a [Value], attribute: &str) -> &'a Cell {
        &values
            .iter()
            .find(|v| v.attribute == attribute)
            .unwrap_or_else(|| panic!("no value {attribute}"))
            .cell
    }

    #[test]
    fn each_value_says_when_its_sources_last_verified_it() {
        let mut p = program(LegalStatus::InForce);
        p.employer_sponsorship = YesNoUnknown::No;
        let mut f = facts(p, vec![]);
        f.program_citations = vec![
            cites(Some("employer_sponsorship"), Some(Confidence::Official), 1),
            cites(Some("employer_sponsorship"), Some(Confidence::Secondary), 2),
        ];
        f.sources = Arc::new(
            [
                (1, source(1, "2025-09-19", DatePrecision::Day)),
                (2, source(2, "2025-10-01", DatePrecision::Month)),
            ]
            .into_iter()
            .collect(),
        );
        let values = sheet(&f, Some(day("2026-01-01")));
        let sponsorship = get(&values, "employerSponsorship");
        assert_eq!(
            sponsorship
                .last_verified
                .map(PartialDate::to_text)
                .as_deref(),
            Some("2025-10")
        );
        assert_eq!(
            get(&values, "entries").last_verified,
            None,
            "never verified"
        );
        assert_eq!(
            last_verified(&f).map(PartialDate::to_text).as_deref(),
            Some("2025-10")
        );
    }

    #[test]
    fn programs_and_requirements_can_run_out_too() {
        let mut p = program(LegalStatus::InForce);
        p.in_force_on = Some(day("2024-01-01"));
        p.scheduled_end_on = Some(day("2026-06-30"));
        p.scheduled_end_condition = Some("a two-year pilot unless renewed".into());
        let mut f = facts(p, vec![]);
        let mut rule = crate::kb::fixtures::requirement(5, RequirementKind::Income);
        rule.scheduled_end_on = Some(day("2026-03-31"));
        f.requirements = vec![Arc::new(rule)];
        f.citations_of_requirement
            .insert(5, vec![cites(None, Some(Confidence::Official), 1)]);
        Arc::make_mut(&mut f.sources).insert(1, source(1, "2025-05-01", DatePrecision::Day));
        let before = sheet(&f, Some(day("2026-01-15")));
        assert_eq!(
            get(&before, "status").note.as_deref(),
            Some("The program: scheduled to end on 2026-06-30 (a two-year pilot unless renewed)")
        );
        assert_eq!(get(&before, "requirement.income").state, State::Known);
        let after = sheet(&f, Some(day("2026-12-05")));
        let status = get(&after, "status");
        assert_eq!(
            (status.state, status.past_scheduled_end),
            (State::Unconfirmed, true)
        );
        assert!(
            status
                .note
                .as_deref()
                .is_some_and(|n| n.contains("no source since 2025-05-01")),
            "{status:?}"
        );
        let income = get(&after, "requirement.income");
        assert_eq!(income.state, State::Unconfirmed);
        assert_eq!(
            income.note.as_deref(),
            Some(
                "Income rule: scheduled to end on 2026-03-31; no source since 2025-05-01, so \
                 whether it still applies is not confirmed"
            )
        );
    }

    #[test]
    fn a_fee_past_its_scheduled_end_is_unconfirmed_until_a_newer_source() {
        let mut payment = fee(2, "Payment", Some(1_000_000_000), "2025-09-21", None);
        payment.scheduled_end_on = Some(day("2026-09-21"));
        payment.scheduled_end_condition = Some("12 months unless extended".into());
        let mut f = facts(program(LegalStatus::InForce), vec![payment]);
        f.citations_of_fee
            .insert(2, vec![cites(None, Some(Confidence::Official), 1)]);
        Arc::make_mut(&mut f.sources).insert(1, source(1, "2025-11-20", DatePrecision::Day));
        let before = current_fees(&f, day("2026-09-21"));
        assert_eq!(
            (before.state, before.note.as_deref()),
            (
                State::Known,
                Some("Payment: scheduled to end on 2026-09-21 (12 months unless extended)")
            )
        );
        let after = sheet(&f, Some(day("2026-12-05")));
        let fees = get(&after, "currentFees");
        assert_eq!(fees.state, State::Unconfirmed);
        assert_eq!(
            fees.note.as_deref(),
            Some(
                "Payment: scheduled to end on 2026-09-21 (12 months unless extended); no source \
                 since 2025-11-20, so whether it still applies is not confirmed"
            )
        );
        // An editor re-verifies it against a source published after the scheduled end.
        Arc::make_mut(&mut f.sources).insert(1, source(1, "2026-10-02", DatePrecision::Day));
        let rechecked = sheet(&f, Some(day("2026-12-05")));
        assert_eq!(get(&rechecked, "currentFees").state, State::Known);
    }

    #[test]
    fn each_value_is_anchored_where_its_fact_permalink_points() {
        let f = facts(program(LegalStatus::InForce), Vec::new());
        let anchors: Vec<String> = sheet(&f, None).iter().map(Value::anchor).collect();
        for field in [
            "legal_status",
            "in_force_on",
            "employer_sponsorship",
            "work_authorization",
            "pr_path",
            "max_stay",
            "fees",
        ] {
            assert!(anchors.iter().any(|a| a == field), "{field}: {anchors:?}");
        }
    }
}

//! Programs side by side: one row per attribute, each cell with its value, whether it is
//! known, the researched wording and the citations behind it. Uncited cells say so.

use super::error::{ApiError, ApiResult};
use super::fees::Amount;
use super::status::Status;
use super::values::{PartialDate, check_slug};
use chrono::NaiveDate;
use entity::enums::{
    Confidence, DurationUnit, Entries, PrPath, RequirementKind, WorkAuthorization, YesNoUnknown,
};
use entity::{citation, fee, program, program_fact, requirement};
use std::collections::HashMap;
use std::sync::Arc;

/// Whether a cell's value is known.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum CellState {
    /// The value is known: a cited official or secondary source supports it.
    Known,
    /// The knowledge base does not know: the sources do not say, or nothing is recorded.
    Unknown,
    /// Reported but not confirmed by an official source (e.g. the K visa's work rights).
    Unconfirmed,
    /// A value backed only by unverified research: no cited official or secondary source
    /// supports it yet (shown, but not to be printed as fact).
    Unverified,
}

/// One program's value for one attribute.
#[derive(Debug, Clone)]
pub struct Cell {
    /// The program's slug.
    pub slug: String,
    pub value: Option<String>,
    pub state: CellState,
    pub wording: Option<String>,
    pub note: Option<String>,
    pub citations: Vec<Arc<citation::Model>>,
}

/// One attribute across the compared programs.
#[derive(Debug, Clone)]
pub struct Row {
    /// Machine name, e.g. `employerSponsorship` or `requirement.education`.
    pub attribute: String,
    /// Human label, e.g. "Employer sponsorship".
    pub label: String,
    /// One cell per program, in the order of `programs`.
    pub cells: Vec<Cell>,
}

/// What one program brings to the table.
pub struct Facts {
    pub program: Arc<program::Model>,
    pub program_citations: Vec<Arc<citation::Model>>,
    pub facts: Vec<Arc<program_fact::Model>>,
    pub requirements: Vec<Arc<requirement::Model>>,
    pub fees: Vec<Arc<fee::Model>>,
    pub citations_of_fee: HashMap<i32, Vec<Arc<citation::Model>>>,
    pub citations_of_requirement: HashMap<i32, Vec<Arc<citation::Model>>>,
    pub citations_of_event: Vec<Arc<citation::Model>>,
    pub status: Status,
}

impl Facts {
    /// A cell for a program-level attribute stored in `column`.
    fn cell(&self, column: &str, value: Option<String>, state: CellState) -> Cell {
        let fact = self.facts.iter().find(|f| f.field == column);
        let citations: Vec<Arc<citation::Model>> = self
            .program_citations
            .iter()
            .filter(|c| c.field.as_deref() == Some(column))
            .cloned()
            .collect();
        Cell {
            slug: self.program.slug.clone(),
            value: if state == CellState::Unknown {
                None
            } else {
                value
            },
            state,
            wording: fact.and_then(|f| f.wording.clone()),
            note: fact.and_then(|f| f.note.clone()),
            citations,
        }
    }
}

/// Whether a cited official or secondary source supports a value.
fn supported(citations: &[Arc<citation::Model>]) -> bool {
    citations.iter().any(|c| {
        matches!(
            c.confidence,
            Some(Confidence::Official | Confidence::Secondary)
        )
    })
}

fn text<T: Copy>(value: T, as_str: impl Fn(T) -> String) -> Option<String> {
    Some(as_str(value))
}

fn duration(value: Option<i32>, unit: Option<DurationUnit>) -> (Option<String>, CellState) {
    match (value, unit) {
        (_, Some(DurationUnit::Indefinite)) => (Some("indefinite".to_owned()), CellState::Known),
        (Some(v), Some(unit)) => (Some(format!("{v} {}", unit.as_str())), CellState::Known),
        _ => (None, CellState::Unknown),
    }
}

fn date(
    date: Option<NaiveDate>,
    precision: Option<entity::enums::DatePrecision>,
) -> Option<String> {
    date.map(|d| {
        PartialDate::from_parts(d, precision.unwrap_or(entity::enums::DatePrecision::Day)).to_text()
    })
}

fn fee_text(f: &fee::Model) -> String {
    let amount = Amount::of(f);
    match f.effective_from {
        Some(from) => format!("{amount} ({}, from {from})", f.label),
        None => format!("{amount} ({})", f.label),
    }
}

const KINDS: [(RequirementKind, &str, &str); 10] = [
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

/// The comparison's rows, seen on `as_of` (today when None).
pub fn rows(all: &[Facts], as_of: Option<NaiveDate>) -> Vec<Row> {
    let day = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let row = |attribute: &str, label: &str, cell: &dyn Fn(&Facts) -> Cell| Row {
        attribute: attribute.to_owned(),
        label: label.to_owned(),
        cells: all.iter().map(cell).collect(),
    };
    let mut rows = vec![
        row("country", "Country", &|f| {
            f.cell("country", Some(f.program.country.clone()), CellState::Known)
        }),
        row("status", "Legal status", &|f| {
            let mut cell = f.cell(
                "legal_status",
                f.status.status.map(|s| s.as_str()),
                if f.status.status.is_some() {
                    CellState::Known
                } else {
                    CellState::Unknown
                },
            );
            if f.status.event.is_some() {
                // The status comes from an event: its sources are the ones that count.
                cell.citations = f.citations_of_event.clone();
            }
            cell
        }),
        row("inForceOn", "In force since", &|f| {
            let since = date(f.program.in_force_on, f.program.in_force_precision)
                .filter(|_| f.program.in_force_on.is_some_and(|d| d <= day));
            let state = if since.is_some() {
                CellState::Known
            } else {
                CellState::Unknown
            };
            f.cell("in_force_on", since, state)
        }),
        row("employerSponsorship", "Employer sponsorship", &|f| {
            let v = f.program.employer_sponsorship;
            let state = if v == YesNoUnknown::Unknown {
                CellState::Unknown
            } else {
                CellState::Known
            };
            f.cell("employer_sponsorship", text(v, |v| v.as_str()), state)
        }),
        row("workAuthorization", "Work authorization", &|f| {
            let v = f.program.work_authorization;
            let state = if v == WorkAuthorization::Unconfirmed {
                CellState::Unconfirmed
            } else {
                CellState::Known
            };
            f.cell("work_authorization", text(v, |v| v.as_str()), state)
        }),
        row("prPath", "Path to permanent residence", &|f| {
            let v = f.program.pr_path;
            let state = if v == PrPath::Unclear {
                CellState::Unknown
            } else {
                CellState::Known
            };
            f.cell("pr_path", text(v, |v| v.as_str()), state)
        }),
        row("validity", "Validity", &|f| {
            let (v, state) = duration(f.program.validity_value, f.program.validity_unit);
            f.cell("validity", v, state)
        }),
        row("maxStay", "Maximum stay", &|f| {
            let (v, state) = duration(f.program.max_stay_value, f.program.max_stay_unit);
            f.cell("max_stay", v, state)
        }),
        row("entries", "Entries", &|f| {
            let v = f.program.entries;
            let state = if v == Entries::Unknown {
                CellState::Unknown
            } else {
                CellState::Known
            };
            f.cell("entries", text(v, |v| v.as_str()), state)
        }),
        row("currentFees", "Current fees", &|f| {
            let current: Vec<&Arc<fee::Model>> = f
                .fees
                .iter()
                .filter(|fee| crate::kb::fees::is_current(fee, day))
                .collect();
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
            let mut cell = f.cell(
                "fees",
                Some(priced.join("; ")),
                if priced.is_empty() {
                    CellState::Unknown
                } else {
                    CellState::Known
                },
            );
            let lapsed: Vec<String> = current
                .iter()
                .filter(|fee| {
                    crate::kb::fees::term_on(fee, day) == crate::kb::fees::Term::PastScheduledEnd
                })
                .filter_map(|fee| crate::kb::fees::scheduled_end_note(fee))
                .collect();
            cell.note = if current.is_empty() {
                Some("no fee in effect is recorded".to_owned())
            } else if !unpriced.is_empty() {
                Some(format!("amount unknown: {}", unpriced.join("; ")))
            } else {
                None
            };
            // A term past its scheduled end leaves the fees unconfirmed, not known.
            if !lapsed.is_empty() {
                cell.state = CellState::Unconfirmed;
                let lapsed = lapsed.join("; ");
                cell.note = Some(match cell.note.take() {
                    Some(note) => format!("{note}; {lapsed}"),
                    None => lapsed,
                });
            }
            cell.citations = current
                .iter()
                .flat_map(|fee| f.citations_of_fee.get(&fee.id).cloned().unwrap_or_default())
                .collect();
            cell
        }),
    ];
    for (kind, attribute, label) in KINDS {
        if !all
            .iter()
            .any(|f| f.requirements.iter().any(|r| r.kind == kind))
        {
            continue;
        }
        rows.push(row(&format!("requirement.{attribute}"), label, &|f| {
            let of_kind: Vec<&Arc<requirement::Model>> =
                f.requirements.iter().filter(|r| r.kind == kind).collect();
            let described: Vec<String> = of_kind
                .iter()
                .filter_map(|r| r.description.clone())
                .collect();
            Cell {
                slug: f.program.slug.clone(),
                value: (!described.is_empty()).then(|| described.join("; ")),
                state: if described.is_empty() {
                    CellState::Unknown
                } else {
                    CellState::Known
                },
                wording: None,
                note: of_kind
                    .is_empty()
                    .then(|| "no requirement of this kind is recorded".to_owned()),
                citations: of_kind
                    .iter()
                    .flat_map(|r| {
                        f.citations_of_requirement
                            .get(&r.id)
                            .cloned()
                            .unwrap_or_default()
                    })
                    .collect(),
            }
        }));
    }
    // One rule for every cell: a value is KNOWN only where a cited official or secondary
    // source supports it. (The program's country is what the record is about, not a claim.)
    for row in rows.iter_mut().filter(|r| r.attribute != "country") {
        for cell in &mut row.cells {
            if cell.state == CellState::Known && !supported(&cell.citations) {
                cell.state = CellState::Unverified;
            }
        }
    }
    rows
}

/// Checks the slugs of a comparison: 2 to 10, distinct.
pub fn check_slugs(slugs: &[String]) -> ApiResult<()> {
    if !(2..=10).contains(&slugs.len()) {
        return Err(ApiError::bad_input("slugs", "compare 2 to 10 programs"));
    }
    for (i, slug) in slugs.iter().enumerate() {
        check_slug("slugs", slug)?;
        if slugs[..i].contains(slug) {
            return Err(ApiError::bad_input(
                "slugs",
                format!("`{slug}` is listed twice"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::fixtures::{day, program};
    use crate::kb::status::status_on;
    use entity::enums::{EditorialState, LegalStatus};

    fn fee(id: i32, label: &str, e4: Option<i64>, from: &str, until: Option<&str>) -> fee::Model {
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

    fn facts(p: program::Model, fees: Vec<fee::Model>) -> Facts {
        let status = status_on(&p, &[], Some(day("2026-01-01")));
        Facts {
            program: Arc::new(p),
            program_citations: Vec::new(),
            facts: Vec::new(),
            requirements: Vec::new(),
            fees: fees.into_iter().map(Arc::new).collect(),
            citations_of_fee: HashMap::new(),
            citations_of_requirement: HashMap::new(),
            citations_of_event: Vec::new(),
            status,
        }
    }

    fn cell<'a>(rows: &'a [Row], attribute: &str, i: usize) -> &'a Cell {
        let row = rows.iter().find(|r| r.attribute == attribute);
        &row.unwrap_or_else(|| panic!("no row {attribute}")).cells[i]
    }

    fn cites(field: &str, confidence: Option<Confidence>) -> Arc<citation::Model> {
        Arc::new(citation::Model {
            id: 1,
            source_id: 1,
            program_id: Some(1),
            requirement_id: None,
            fee_id: None,
            commentary_id: None,
            policy_event_id: None,
            field: Some(field.to_owned()),
            excerpt: None,
            confidence,
            state: entity::enums::EditorialState::Published,
            version: 1,
            created_at: chrono::DateTime::default(),
            updated_at: chrono::DateTime::default(),
        })
    }

    #[test]
    fn a_value_is_known_only_where_a_cited_source_supports_it() {
        let mut p = program(LegalStatus::InForce);
        p.entries = Entries::Multiple;
        p.employer_sponsorship = YesNoUnknown::No;
        p.pr_path = PrPath::Yes;
        let mut f = facts(p, vec![]);
        f.program_citations = vec![
            cites("employer_sponsorship", Some(Confidence::Secondary)),
            cites("pr_path", Some(Confidence::Unverified)),
        ];
        let rows = rows(&[f], Some(day("2026-01-01")));
        assert_eq!(
            cell(&rows, "employerSponsorship", 0).state,
            CellState::Known
        );
        // Backed only by unverified research, or by nothing: shown, but UNVERIFIED.
        let pr = cell(&rows, "prPath", 0);
        assert_eq!(
            (pr.state, pr.value.as_deref()),
            (CellState::Unverified, Some("yes"))
        );
        assert_eq!(cell(&rows, "entries", 0).state, CellState::Unverified);
        assert_eq!(cell(&rows, "country", 0).state, CellState::Known);
    }

    #[test]
    fn unknown_and_unconfirmed_are_never_a_value() {
        let mut k = program(LegalStatus::InForce);
        k.employer_sponsorship = YesNoUnknown::No;
        let mut h1b = program(LegalStatus::InForce);
        h1b.work_authorization = WorkAuthorization::Yes;
        let mut k = facts(k, vec![]);
        k.program_citations = vec![cites("employer_sponsorship", Some(Confidence::Official))];
        let mut h1b = facts(h1b, vec![]);
        h1b.program_citations = vec![cites("work_authorization", Some(Confidence::Secondary))];
        let rows = rows(&[k, h1b], Some(day("2026-01-01")));
        let sponsorship = cell(&rows, "employerSponsorship", 0);
        assert_eq!(
            (sponsorship.state, sponsorship.value.as_deref()),
            (CellState::Known, Some("no"))
        );
        assert_eq!(
            cell(&rows, "employerSponsorship", 1).state,
            CellState::Unknown
        );
        assert_eq!(cell(&rows, "employerSponsorship", 1).value, None);
        assert_eq!(
            cell(&rows, "workAuthorization", 0).state,
            CellState::Unconfirmed
        );
        assert_eq!(cell(&rows, "workAuthorization", 1).state, CellState::Known);
        assert!(
            cell(&rows, "country", 0).citations.is_empty(),
            "uncited, and says so"
        );
    }

    #[test]
    fn only_fees_in_effect_are_current() {
        let fees = vec![
            fee(
                1,
                "Old fee",
                Some(1_000_000),
                "2020-01-01",
                Some("2025-09-20"),
            ),
            fee(2, "Payment", Some(1_000_000_000), "2025-09-21", None),
        ];
        let none = facts(program(LegalStatus::InForce), vec![]);
        let rows = rows(
            &[facts(program(LegalStatus::InForce), fees), none],
            Some(day("2026-01-01")),
        );
        let current = cell(&rows, "currentFees", 0);
        assert_eq!(
            current.value.as_deref(),
            Some("USD 100000 (Payment, from 2025-09-21)")
        );
        let missing = cell(&rows, "currentFees", 1);
        assert_eq!(missing.state, CellState::Unknown);
        assert_eq!(
            missing.note.as_deref(),
            Some("no fee in effect is recorded")
        );
    }

    #[test]
    fn two_to_ten_distinct_slugs() {
        let slugs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_slugs(&slugs(&["a-b"])).is_err());
        assert!(check_slugs(&slugs(&["a-b", "a-b"])).is_err());
        assert!(check_slugs(&slugs(&["a-b", "Bad Slug"])).is_err());
        assert!(check_slugs(&slugs(&["a-b", "c-d"])).is_ok());
    }
}

//! Programs side by side: one row per attribute, each cell a program's value from its sheet
//! ([`super::sheet`]): its state, the researched wording and the citations behind it.

use super::error::{ApiError, ApiResult};
use super::sheet::{self, REQUIREMENT_KINDS, values};
use super::values::check_slug;
use chrono::NaiveDate;
use entity::enums::RequirementKind;
use std::sync::Arc;

pub use super::sheet::{Cell, Facts, State as CellState};

/// One attribute across the compared programs.
#[derive(Debug, Clone)]
pub struct Row {
    /// Machine name, e.g. `employerSponsorship` or `requirement.education`.
    pub attribute: String,
    /// Human label, e.g. "Employer sponsorship".
    pub label: String,
    /// One cell per program, in the order of `programs`; shared, as the views hand them on.
    pub cells: Vec<Arc<Cell>>,
}

/// The comparison's rows, seen on `as_of` (today when None): every attribute of the programs'
/// sheets, and a row for each kind of requirement any of them has.
pub fn rows(all: &[Facts], as_of: Option<NaiveDate>) -> Vec<Row> {
    let kinds: Vec<RequirementKind> = REQUIREMENT_KINDS
        .iter()
        .map(|(kind, _, _)| *kind)
        .filter(|kind| all.iter().any(|f| sheet::kinds_of(f).contains(kind)))
        .collect();
    // Every sheet has the same attributes in the same order (the same `kinds`): row `i` takes
    // the `i`th value of each, moved, not copied.
    let mut sheets = all.iter().map(|f| values(f, as_of, &kinds).into_iter());
    let Some(first) = sheets.next() else {
        return Vec::new();
    };
    let mut others: Vec<_> = sheets.collect();
    first
        .map(|v| {
            let mut cells = Vec::with_capacity(others.len() + 1);
            cells.push(Arc::new(v.cell));
            cells.extend(
                others
                    .iter_mut()
                    .filter_map(|s| Some(Arc::new(s.next()?.cell))),
            );
            Row {
                attribute: v.attribute,
                label: v.label,
                cells,
            }
        })
        .collect()
}

/// The sheets of the visible programs `slugs` (checked: 2 to 10, distinct), in that order; a
/// slug that names no visible program is not found. They share one map of their sources.
pub async fn sheets(db: &impl sea_orm::ConnectionTrait, slugs: &[String]) -> ApiResult<Vec<Facts>> {
    check_slugs(slugs)?;
    let mut found = super::read::sheets_by_slug(db, slugs.iter().cloned()).await?;
    let mut all: Vec<Facts> = Vec::with_capacity(slugs.len());
    for slug in slugs {
        let at = found
            .iter()
            .position(|f| &f.program.slug == slug)
            .ok_or_else(|| ApiError::not_found(format!("no program with slug `{slug}`")))?;
        all.push(found.swap_remove(at));
    }
    Ok(all)
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
    use crate::kb::sheet::tests::{cites, facts, fee};
    use entity::enums::{
        Confidence, Entries, LegalStatus, PrPath, WorkAuthorization, YesNoUnknown,
    };

    fn cell<'a>(rows: &'a [Row], attribute: &str, i: usize) -> &'a Cell {
        let row = rows.iter().find(|r| r.attribute == attribute);
        &row.unwrap_or_else(|| panic!("no row {attribute}")).cells[i]
    }

    #[test]
    fn a_value_is_known_only_where_a_cited_source_supports_it() {
        let mut p = program(LegalStatus::InForce);
        p.entries = Entries::Multiple;
        p.employer_sponsorship = YesNoUnknown::No;
        p.pr_path = PrPath::Yes;
        let mut f = facts(p, vec![]);
        f.program_citations = vec![
            cites(Some("employer_sponsorship"), Some(Confidence::Secondary), 1),
            cites(Some("pr_path"), Some(Confidence::Unverified), 1),
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
        k.program_citations = vec![cites(
            Some("employer_sponsorship"),
            Some(Confidence::Official),
            1,
        )];
        let mut h1b = facts(h1b, vec![]);
        h1b.program_citations = vec![cites(
            Some("work_authorization"),
            Some(Confidence::Secondary),
            1,
        )];
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

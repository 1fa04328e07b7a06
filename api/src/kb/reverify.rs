//! What editors should check again: values whose term is past its scheduled end with no source
//! since, values no source ever verified, and values last verified too long ago.

use super::freshness::is_stale;
use super::sheet::{self, Facts, State, Value};
use chrono::NaiveDate;
use entity::program;
use std::sync::Arc;

/// The default of `VISA_KB_REVERIFY_AFTER_DAYS`: a value last verified more than a year ago is
/// due for another look.
pub const DEFAULT_AFTER_DAYS: u32 = 365;

/// After how many days without a newer source a value is due (`VISA_KB_REVERIFY_AFTER_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterDays(pub u32);

/// Why a value is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// A term behind it is past its scheduled end and no source since says it continues.
    PastScheduledEnd,
    /// No source behind it was ever dated or read.
    NeverVerified,
    /// Its newest source is older than the configured number of days.
    NotVerifiedSince,
}

/// A value due for re-verification.
#[derive(Debug, Clone)]
pub struct Due {
    pub program: Arc<program::Model>,
    pub value: Value,
    pub reason: Reason,
}

/// The program's values due on `today` when values go stale after `after_days` days. The
/// country is what the record is about, and an unknown value that cites nothing has nothing
/// to re-verify (it is a gap to research, not a claim to check).
pub fn due(f: &Facts, today: NaiveDate, after_days: u32) -> Vec<Due> {
    sheet::sheet(f, Some(today))
        .into_iter()
        .filter(|v| v.attribute != "country")
        .filter(|v| !(v.cell.state == State::Unknown && v.cell.citations.is_empty()))
        .filter_map(|v| {
            let reason = if v.cell.past_scheduled_end {
                Reason::PastScheduledEnd
            } else if v.cell.last_verified.is_none() {
                Reason::NeverVerified
            } else if is_stale(v.cell.last_verified, today, after_days) {
                Reason::NotVerifiedSince
            } else {
                return None;
            };
            Some(Due {
                program: f.program.clone(),
                value: v,
                reason,
            })
        })
        .collect()
}

/// Puts the most urgent first: past a scheduled end, never verified, then the oldest
/// verification; the list's reading order (program, then attribute) breaks ties.
pub fn sort(items: &mut [Due]) {
    items.sort_by(|a, b| {
        a.reason.cmp(&b.reason).then_with(|| {
            let day = |d: &Due| d.value.cell.last_verified.map(|v| v.date);
            day(a).cmp(&day(b))
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::fixtures::{day, program};
    use crate::kb::sheet::tests::{cites, facts, fee, source};
    use entity::enums::{Confidence, DatePrecision, LegalStatus, YesNoUnknown};

    #[test]
    fn lapsed_terms_then_never_verified_then_stale() {
        let mut p = program(LegalStatus::InForce);
        p.employer_sponsorship = YesNoUnknown::No;
        p.pr_path = entity::enums::PrPath::Yes;
        let mut payment = fee(2, "Payment", Some(1_000_000_000), "2025-09-21", None);
        payment.scheduled_end_on = Some(day("2026-09-21"));
        let mut f = facts(p, vec![payment]);
        f.citations_of_fee
            .insert(2, vec![cites(None, Some(Confidence::Official), 1)]);
        f.program_citations = vec![
            cites(Some("employer_sponsorship"), Some(Confidence::Official), 2),
            cites(Some("legal_status"), Some(Confidence::Official), 3),
        ];
        f.sources = Arc::new(
            [
                (1, source(1, "2025-11-20", DatePrecision::Day)),
                (2, source(2, "2024", DatePrecision::Year)),
                (3, source(3, "2026-11-01", DatePrecision::Day)),
            ]
            .into_iter()
            .collect(),
        );
        let mut items = due(&f, day("2026-12-05"), 365);
        sort(&mut items);
        let got: Vec<(&str, Reason)> = items
            .iter()
            .map(|d| (d.value.attribute.as_str(), d.reason))
            .collect();
        assert_eq!(
            got,
            vec![
                ("currentFees", Reason::PastScheduledEnd),
                // Unconfirmed is a claim too: nothing backs it.
                ("workAuthorization", Reason::NeverVerified),
                ("prPath", Reason::NeverVerified),
                ("employerSponsorship", Reason::NotVerifiedSince),
            ],
            "a fresh status is not due, nor an unknown value with nothing cited"
        );
    }
}

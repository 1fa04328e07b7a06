//! Terms that run out: a fee, a program or a requirement may carry the day it is scheduled to
//! end and the condition its sources give ("12 months from 2025-09-21 unless extended"). Unlike
//! a known end, nothing says it happened: past that day, with no source verified since, the
//! value is UNCONFIRMED, and the note says why.

use super::values::PartialDate;
use chrono::NaiveDate;

/// A scheduled end and its condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheduled<'a> {
    pub on: NaiveDate,
    pub condition: Option<&'a str>,
}

impl<'a> Scheduled<'a> {
    /// The scheduled end stored in a record's two columns; None when no source gives one.
    pub fn of(on: Option<NaiveDate>, condition: Option<&'a str>) -> Option<Self> {
        on.map(|on| Self { on, condition })
    }

    /// "scheduled to end on 2026-09-21 (12 months from 2025-09-21 unless extended)".
    pub fn text(&self) -> String {
        match self.condition {
            Some(condition) => format!("scheduled to end on {} ({condition})", self.on),
            None => format!("scheduled to end on {}", self.on),
        }
    }

    /// Whether, on `day`, the term has run out with no source verified after its end
    /// (`verified`: the newest date a supporting source vouches for, see `kb::freshness`). On
    /// its scheduled last day it still runs.
    pub fn lapsed(&self, day: NaiveDate, verified: Option<PartialDate>) -> bool {
        self.on < day && verified.is_none_or(|v| v.date <= self.on)
    }

    /// What a reader is told of a lapsed term: "H-1B payment: scheduled to end on 2026-09-21
    /// (…unless extended); no source since 2025-11-20, so whether it still applies is not
    /// confirmed".
    pub fn lapsed_note(&self, label: &str, verified: Option<PartialDate>) -> String {
        let since = match verified {
            Some(v) => format!("no source since {}", v.to_text()),
            None => "no source".to_owned(),
        };
        format!(
            "{label}: {}; {since}, so whether it still applies is not confirmed",
            self.text()
        )
    }

    /// The note on `day`: the lapsed note past the end, the scheduled end before it.
    pub fn note_on(&self, label: &str, day: NaiveDate, verified: Option<PartialDate>) -> String {
        if self.lapsed(day, verified) {
            self.lapsed_note(label, verified)
        } else {
            format!("{label}: {}", self.text())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::fixtures::day;

    #[test]
    fn a_term_lapses_after_its_day_until_a_newer_source() {
        let end = Scheduled::of(Some(day("2026-09-21")), Some("unless extended")).unwrap();
        let old = PartialDate::parse_exact("2025-11-20");
        assert!(!end.lapsed(day("2026-09-21"), old));
        assert!(end.lapsed(day("2026-09-22"), old));
        assert!(end.lapsed(day("2026-09-22"), None));
        assert!(!end.lapsed(day("2026-09-22"), PartialDate::parse_exact("2026-09-22")));
        // A month that starts before the end is not newer than it.
        assert!(end.lapsed(day("2026-12-01"), PartialDate::parse_exact("2026-09")));
        assert_eq!(
            end.note_on("Pilot", day("2026-01-01"), old),
            "Pilot: scheduled to end on 2026-09-21 (unless extended)"
        );
    }
}

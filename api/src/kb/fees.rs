//! Fees: which are in effect on a day, and how an amount reads.

use super::term::Scheduled;
use super::values::{PartialDate, e4_to_money};
use chrono::NaiveDate;
use entity::fee;
use std::fmt;

/// Where a fee's term stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// It starts later.
    NotYet,
    /// In effect.
    InEffect,
    /// Past the day its term was scheduled to end ("12 months unless extended"), with no
    /// known end: whether it still applies is unconfirmed.
    PastScheduledEnd,
    /// Its term has ended.
    Ended,
}

/// A fee's scheduled end, when a source gives one.
pub fn scheduled(fee: &fee::Model) -> Option<Scheduled<'_>> {
    Scheduled::of(fee.scheduled_end_on, fee.scheduled_end_condition.as_deref())
}

/// Where `fee` stands on `day`, given the newest date a source supporting it was verified
/// (`verified`, see [`super::freshness`]). On its scheduled last day it is still in effect;
/// past it, only a source verified after the scheduled end keeps it in effect.
pub fn term_on(fee: &fee::Model, day: NaiveDate, verified: Option<PartialDate>) -> Term {
    if fee.effective_from.is_some_and(|from| from > day) {
        Term::NotYet
    } else if fee.effective_until.is_some_and(|until| until < day) {
        Term::Ended
    } else if scheduled(fee).is_some_and(|end| end.lapsed(day, verified)) {
        Term::PastScheduledEnd
    } else {
        Term::InEffect
    }
}

/// A fee's scheduled end in words: "scheduled to end on 2026-09-21 (12 months from 2025-09-21
/// unless extended)"; None when no source gives one.
pub fn scheduled_end(fee: &fee::Model) -> Option<String> {
    scheduled(fee).map(|end| end.text())
}

/// What a reader is told of a fee past its scheduled end (see [`Scheduled::lapsed_note`]).
pub fn scheduled_end_note(fee: &fee::Model, verified: Option<PartialDate>) -> Option<String> {
    scheduled(fee).map(|end| end.lapsed_note(&fee.label, verified))
}

/// Whether a fee is in effect on `day`: a term that has run out is not current; unknown start
/// or end dates do not exclude it. A fee past its scheduled end is still listed (nothing says
/// it ended), with `term_on` saying it is unconfirmed.
pub fn is_current(fee: &fee::Model, day: NaiveDate) -> bool {
    fee.effective_from.is_none_or(|from| from <= day)
        && fee.effective_until.is_none_or(|until| until >= day)
}

/// Which of a program's fees (its whole history, `fees`) a reader sees. Today (`as_of` None):
/// all of them, or with `current` those in effect today. Seen as of a day: the fees that had
/// taken effect by then (an unknown start does not exclude a fee), or with `current` those in
/// effect on that day.
pub fn on_day<'a, F: std::borrow::Borrow<fee::Model> + 'a>(
    fees: impl IntoIterator<Item = &'a F>,
    today: NaiveDate,
    as_of: Option<NaiveDate>,
    current: bool,
) -> impl Iterator<Item = &'a F> {
    let day = as_of.unwrap_or(today);
    fees.into_iter().filter(move |f| {
        let f = f.borrow();
        if current {
            is_current(f, day)
        } else {
            as_of.is_none() || f.effective_from.is_none_or(|from| from <= day)
        }
    })
}

/// A fee's amount as the knowledge base holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Amount<'a> {
    /// An exact amount in a currency.
    Exact {
        amount: rust_decimal::Decimal,
        currency: &'a str,
    },
    /// Only words (a range, a formula, "varies"): not one amount.
    Words(&'a str),
    /// Not known.
    Unknown,
}

impl<'a> Amount<'a> {
    pub fn of(fee: &'a fee::Model) -> Self {
        match (
            fee.amount_e4,
            fee.currency.as_deref(),
            fee.amount_text.as_deref(),
        ) {
            (Some(e4), Some(currency), _) => Self::Exact {
                amount: e4_to_money(e4),
                currency,
            },
            (_, _, Some(text)) => Self::Words(text),
            _ => Self::Unknown,
        }
    }
}

/// The one way an amount is written: `USD 100000`, the wording, or `amount unknown`.
impl fmt::Display for Amount<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact { amount, currency } => write!(f, "{currency} {amount}"),
            Self::Words(text) => f.write_str(text),
            Self::Unknown => f.write_str("amount unknown"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_past_its_scheduled_end_is_unconfirmed() {
        let mut f = fee(Some("2025-09-21"), None);
        f.scheduled_end_on = NaiveDate::from_ymd_opt(2026, 9, 21);
        let verified = PartialDate::parse_exact("2025-11-20");
        let on = |d: &str| term_on(&f, d.parse().unwrap_or_default(), verified);
        assert_eq!(on("2025-09-20"), Term::NotYet);
        assert_eq!(on("2026-09-21"), Term::InEffect);
        assert_eq!(on("2026-09-22"), Term::PastScheduledEnd);
        assert_eq!(
            scheduled_end_note(&f, verified).as_deref(),
            Some(
                "Visa fee: scheduled to end on 2026-09-21; no source since 2025-11-20, so \
                 whether it still applies is not confirmed"
            )
        );
        // A source verified after the scheduled end says it still applies.
        let rechecked = PartialDate::parse_exact("2026-10-01");
        assert_eq!(
            term_on(&f, "2026-12-04".parse().unwrap_or_default(), rechecked),
            Term::InEffect
        );
        f.effective_until = NaiveDate::from_ymd_opt(2026, 9, 21);
        assert_eq!(
            term_on(&f, "2026-12-04".parse().unwrap_or_default(), rechecked),
            Term::Ended
        );
    }

    fn fee(from: Option<&str>, until: Option<&str>) -> fee::Model {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        fee::Model {
            id: 1,
            program_id: 1,
            label: "Visa fee".into(),
            amount_e4: Some(1_000_000_000),
            currency: Some("USD".into()),
            amount_text: None,
            payer: None,
            applies_when: None,
            effective_from: from.and_then(day),
            effective_until: until.and_then(day),
            scheduled_end_on: None,
            scheduled_end_condition: None,
            confidence: None,
            note: None,
            state: entity::enums::EditorialState::Published,
            version: 1,
            created_at: chrono::DateTime::default(),
            updated_at: chrono::DateTime::default(),
        }
    }

    fn on(d: &str) -> NaiveDate {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn a_fee_is_current_within_its_term_only() {
        let f = fee(Some("2025-09-21"), Some("2026-09-20"));
        assert!(!is_current(&f, on("2025-09-20")));
        assert!(is_current(&f, on("2025-09-21")));
        assert!(is_current(&f, on("2026-09-20")));
        assert!(
            !is_current(&f, on("2026-09-21")),
            "a term that ran out is not current"
        );
        assert!(is_current(&fee(None, None), on("1990-01-01")));
    }

    #[test]
    fn a_day_shows_the_fees_in_effect_or_taken_effect_by_then() {
        let history = vec![
            fee(Some("2024-01-01"), Some("2025-09-20")),
            fee(Some("2025-09-21"), None),
            fee(None, None),
        ];
        let shown = |as_of: Option<&str>, current: bool| -> Vec<Option<NaiveDate>> {
            on_day(&history, on("2026-12-04"), as_of.map(on), current)
                .map(|f| f.effective_from)
                .collect()
        };
        let from = |d: &str| Some(on(d));
        assert_eq!(shown(None, false).len(), 3, "today: the whole history");
        assert_eq!(shown(None, true), vec![from("2025-09-21"), None]);
        assert_eq!(
            shown(Some("2025-09-20"), false),
            vec![from("2024-01-01"), None],
            "a fee not yet in effect is not shown as of an earlier day"
        );
        assert_eq!(
            shown(Some("2025-09-20"), true),
            vec![from("2024-01-01"), None]
        );
        assert_eq!(shown(Some("2023-01-01"), true), vec![None]);
    }

    #[test]
    fn amounts_read_one_way() {
        let mut f = fee(None, None);
        assert_eq!(Amount::of(&f).to_string(), "USD 100000");
        f.amount_e4 = None;
        f.amount_text = Some("varies by category".into());
        assert_eq!(Amount::of(&f).to_string(), "varies by category");
        f.amount_text = None;
        assert_eq!(Amount::of(&f), Amount::Unknown);
        assert_eq!(Amount::of(&f).to_string(), "amount unknown");
    }
}

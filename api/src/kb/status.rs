//! A program's legal status on a day: from its announced and in-force dates, then its
//! suspension, repeal and return-into-force events up to that day. Unknown (None) when the
//! knowledge base cannot tell; dates known only to the month or year count from the first day
//! of that period.

use super::values::PartialDate;
use chrono::{NaiveDate, Utc};
use entity::{policy_event, program};
use std::sync::Arc;

/// Where a program stood legally on a day, and what says so.
#[derive(Debug, Clone)]
pub struct Status {
    pub status: Option<entity::enums::LegalStatus>,
    pub since: Option<PartialDate>,
    /// The policy event it follows from, when one does.
    pub event: Option<Arc<policy_event::Model>>,
    /// The day it is seen on.
    pub day: NaiveDate,
}

/// Where `p` stood legally on `as_of` (today when None).
pub fn status_on(
    p: &program::Model,
    events: &[Arc<policy_event::Model>],
    as_of: Option<NaiveDate>,
) -> Status {
    let today = Utc::now().date_naive();
    status_between(p, events, as_of.unwrap_or(today), today)
}

/// Where `p` stood legally on `day`, seen on `today`.
fn status_between(
    p: &program::Model,
    events: &[Arc<policy_event::Model>],
    day: NaiveDate,
    today: NaiveDate,
) -> Status {
    use entity::enums::LegalStatus as S;
    let stored = |date: NaiveDate, precision: Option<entity::enums::DatePrecision>| {
        crate::kb::values::PartialDate::from_parts(
            date,
            precision.unwrap_or(entity::enums::DatePrecision::Day),
        )
    };
    let mut status = Status {
        status: None,
        since: None,
        event: None,
        day,
    };
    // A route that does not exist is not one on any date.
    if p.legal_status == S::NoRoute {
        status.status = Some(S::NoRoute);
        return status;
    }
    // The program's own dates say when it was announced and took effect.
    if let Some(on) = p.in_force_on.filter(|d| *d <= day) {
        status.status = Some(S::InForce);
        status.since = Some(stored(on, p.in_force_precision));
    } else if let Some(on) = p.announced_on.filter(|d| *d <= day) {
        status.status = Some(S::Announced);
        status.since = Some(stored(on, p.announced_precision));
    }
    // Before a known start date, an announcement or signature event means it was announced.
    if status.status.is_none() && p.in_force_on.is_some_and(|d| d > day) {
        let announced = events
            .iter()
            .filter(|e| e.occurred_on <= day)
            .filter(|e| {
                matches!(
                    e.kind,
                    entity::enums::PolicyEventKind::Announced
                        | entity::enums::PolicyEventKind::Signed
                )
            })
            .min_by_key(|e| (e.occurred_on, e.id));
        if let Some(event) = announced {
            status.status = Some(S::Announced);
            status.since = Some(stored(event.occurred_on, Some(event.precision)));
            status.event = Some(event.clone());
        }
    }
    // Events change the status of a program once it exists: a suspension, a repeal, or a
    // return into force. (Announced, signed and in-force events often concern one rule of a
    // program, such as a new fee, so they do not say when the program itself began.)
    if status.status.is_some() || (day >= today && p.legal_status != S::Proposed) {
        let latest = events
            .iter()
            .filter(|e| {
                e.occurred_on <= day && status.since.is_none_or(|s| e.occurred_on >= s.date)
            })
            .filter_map(|e| status_after(e.kind).map(|s| (e, s)))
            .max_by_key(|(e, _)| (e.occurred_on, e.id));
        if let Some((event, after)) = latest
            && (after != S::InForce || status.status.is_some_and(|s| s != S::InForce))
        {
            status.status = Some(after);
            status.since = Some(stored(event.occurred_on, Some(event.precision)));
            status.event = Some(event.clone());
        }
    }
    // Today the stored status is known even when its start date is not.
    if day >= today && status.event.is_none() {
        status.status = Some(p.legal_status);
        if p.legal_status != S::InForce && p.legal_status != S::Announced {
            status.since = None;
        }
    }
    status
}

/// The legal status an event brings to a program that exists, if it changes it at all.
fn status_after(kind: entity::enums::PolicyEventKind) -> Option<entity::enums::LegalStatus> {
    use entity::enums::{LegalStatus as S, PolicyEventKind as K};
    match kind {
        K::InForce => Some(S::InForce),
        K::Suspended => Some(S::Suspended),
        K::Repealed => Some(S::Repealed),
        K::Announced | K::Signed | K::FeeChange | K::RuleChange | K::CourtRuling | K::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::fixtures::{day, event, program};
    use entity::enums::{DatePrecision, LegalStatus as S, PolicyEventKind as K};

    fn k_visa() -> program::Model {
        let mut p = program(S::InForce);
        p.announced_on = Some(day("2025-08-07"));
        p.announced_precision = Some(DatePrecision::Day);
        p.in_force_on = Some(day("2025-10-01"));
        p.in_force_precision = Some(DatePrecision::Day);
        p
    }

    fn on(p: &program::Model, events: &[policy_event::Model], d: &str) -> Status {
        let events: Vec<Arc<policy_event::Model>> = events.iter().cloned().map(Arc::new).collect();
        status_between(p, &events, day(d), day("2026-12-01"))
    }

    #[test]
    fn dates_give_the_status_on_a_day() {
        let p = k_visa();
        assert_eq!(
            on(&p, &[], "2025-01-01").status,
            None,
            "before anything: unknown"
        );
        let announced = on(&p, &[], "2025-09-01");
        assert_eq!(announced.status, Some(S::Announced));
        assert_eq!(announced.since.map(|s| s.date), Some(day("2025-08-07")));
        let in_force = on(&p, &[], "2025-10-01");
        assert_eq!(in_force.status, Some(S::InForce));
        assert_eq!(in_force.since.map(|s| s.date), Some(day("2025-10-01")));
    }

    #[test]
    fn a_suspension_and_a_return_change_it() {
        let p = k_visa();
        let events = [
            event(1, "2026-03-01", K::Suspended),
            event(2, "2026-06-01", K::InForce),
        ];
        let suspended = on(&p, &events, "2026-04-01");
        assert_eq!(suspended.status, Some(S::Suspended));
        assert_eq!(suspended.event.as_ref().map(|e| e.id), Some(1));
        // Back in force: the status is right; `since` stays the original start (see the
        // issue notes: the interruption does not show there).
        let back = on(&p, &events, "2026-07-01");
        assert_eq!(back.status, Some(S::InForce));
        // A fee change is about one rule, not the program's status.
        let fee = [event(3, "2026-02-01", K::FeeChange)];
        assert!(on(&p, &fee, "2026-04-01").event.is_none());
    }

    #[test]
    fn a_date_keeps_its_precision() {
        let mut p = k_visa();
        p.in_force_precision = Some(DatePrecision::Month);
        let s = on(&p, &[], "2025-11-01");
        assert_eq!(s.since.map(|s| s.precision), Some(DatePrecision::Month));
    }

    #[test]
    fn today_the_stored_status_stands_without_dates() {
        let p = program(S::Proposed);
        let s = on(&p, &[], "2026-12-01");
        assert_eq!(s.status, Some(S::Proposed));
        assert_eq!(s.since, None);
    }
}

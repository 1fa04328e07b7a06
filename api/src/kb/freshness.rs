//! When a fact was last verified: the newest date among the sources that support it, each
//! source dated by its publication (at the precision it gives) or, when newer, the day an
//! editor last read it. A fact no source supports was never verified.

use super::values::PartialDate;
use super::visibility::{self, CitationTarget};
use chrono::NaiveDate;
use entity::enums::DatePrecision;
use entity::{citation, fee, policy_event, program, requirement, source};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};

/// The newest date a source vouches for: its publication or its last access, whichever is
/// later (a partial publication date counts from its first day, so it is never made newer than
/// its source says).
pub fn verified_on(s: &source::Model) -> Option<PartialDate> {
    let published = PartialDate::stored(s.published_on, s.published_precision);
    let accessed = s
        .accessed_on
        .map(|d| PartialDate::from_parts(d, DatePrecision::Day));
    newest([published, accessed].into_iter().flatten())
}

/// The newest of `dates` by the first day each covers; on a tie, the more precise one.
pub fn newest(dates: impl IntoIterator<Item = PartialDate>) -> Option<PartialDate> {
    dates
        .into_iter()
        .max_by_key(|d| (d.date, precision_rank(d.precision)))
}

fn precision_rank(p: DatePrecision) -> u8 {
    match p {
        DatePrecision::Year => 0,
        DatePrecision::Month => 1,
        DatePrecision::Day => 2,
    }
}

/// Whether a fact last verified on `verified` is due for re-verification on `today`: never
/// verified, or verified more than `after_days` days ago.
pub fn is_stale(verified: Option<PartialDate>, today: chrono::NaiveDate, after_days: u32) -> bool {
    match verified {
        None => true,
        Some(v) => (today - v.date).num_days() > i64::from(after_days),
    }
}

/// Programs (a condition on `program`) that a source verified on or after `day`: some visible
/// citation of the program, or of one of its requirements, fees or events, cites a source
/// published or read on or after that day. A partial publication date counts from its first
/// day, as in [`verified_on`], so the filter and `lastVerifiedOn` agree.
pub fn verified_since(day: NaiveDate) -> Condition {
    let fresh = Query::select()
        .column(source::Column::Id)
        .from(source::Entity)
        .cond_where(
            Condition::any()
                .add(source::Column::PublishedOn.gte(day))
                .add(source::Column::AccessedOn.gte(day)),
        )
        .to_owned();
    let cited = |target: CitationTarget| -> SelectStatement {
        Query::select()
            .column(target.column())
            .from(citation::Entity)
            .cond_where(visibility::citations_of(target))
            .and_where(citation::Column::SourceId.in_subquery(fresh.clone()))
            .to_owned()
    };
    // The program of a cited child (the citation rule has already found the child visible).
    fn program_of<E: sea_orm::EntityTrait>(
        table: E,
        id: E::Column,
        program_id: E::Column,
        cited: SelectStatement,
    ) -> SelectStatement {
        Query::select()
            .column(program_id)
            .from(table)
            .and_where(id.in_subquery(cited))
            .to_owned()
    }
    use program::Column::Id;
    Condition::any()
        .add(Id.in_subquery(cited(CitationTarget::Program)))
        .add(Id.in_subquery(program_of(
            requirement::Entity,
            requirement::Column::Id,
            requirement::Column::ProgramId,
            cited(CitationTarget::Requirement),
        )))
        .add(Id.in_subquery(program_of(
            fee::Entity,
            fee::Column::Id,
            fee::Column::ProgramId,
            cited(CitationTarget::Fee),
        )))
        .add(Id.in_subquery(program_of(
            policy_event::Entity,
            policy_event::Column::Id,
            policy_event::Column::ProgramId,
            cited(CitationTarget::PolicyEvent),
        )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::fixtures::day;

    fn source(published: Option<(&str, DatePrecision)>, accessed: Option<&str>) -> source::Model {
        source::Model {
            id: 1,
            url: None,
            title: "A source".into(),
            publisher: None,
            kind: entity::enums::SourceKind::News,
            language: None,
            published_on: published.map(|(d, _)| day(d)),
            published_precision: published.map(|(_, p)| p),
            published_note: None,
            accessed_on: accessed.map(day),
            archived_url: None,
            licence: None,
            attribution: None,
            note: None,
            state: entity::enums::EditorialState::Published,
            version: 1,
            created_at: chrono::DateTime::default(),
            updated_at: chrono::DateTime::default(),
        }
    }

    #[test]
    fn a_source_vouches_for_its_newest_date_at_its_precision() {
        let month = source(Some(("2025-09-01", DatePrecision::Month)), None);
        assert_eq!(
            verified_on(&month).map(PartialDate::to_text).as_deref(),
            Some("2025-09")
        );
        let read_later = source(
            Some(("2025-09-01", DatePrecision::Month)),
            Some("2025-11-20"),
        );
        assert_eq!(
            verified_on(&read_later)
                .map(PartialDate::to_text)
                .as_deref(),
            Some("2025-11-20")
        );
        assert_eq!(verified_on(&source(None, None)), None);
    }

    #[test]
    fn never_verified_or_too_old_is_stale() {
        let today = day("2026-12-05");
        assert!(is_stale(None, today, 365));
        let recent = PartialDate::parse_exact("2026-06-01");
        assert!(!is_stale(recent, today, 365));
        let old = PartialDate::parse_exact("2025-09");
        assert!(is_stale(old, today, 365));
    }
}

//! What the public may see: the one definition, used by every read path (GraphQL fields and
//! lists, `node`, search, changes and the feed, exports, permalinks).
//!
//! A record is visible exactly when it is published and every record it hangs from is visible:
//! - a program, a source and a person hang from nothing;
//! - a requirement, a fee and a policy event hang from their program;
//! - a commentary hangs from the person who said it and the source that reports it (when set);
//! - a citation hangs from its source and from the record it supports.
//!
//! The rule is an SQL condition on the kind's own table ([`condition`]), so a list, a count and
//! a check by id ([`is_visible`]) cannot disagree. The reads that would have to ask it about
//! every row (the change list and its count, search) read its answers as [`kept`] after each
//! write.

pub mod kept;

use super::kind::{RecordKind, with_entity};
use entity::enums::EditorialState;
use entity::{citation, commentary, fee, person, policy_event, program, requirement, source};
use sea_orm::QueryFilter;
use sea_orm::sea_query::{Alias, DynIden, Expr, ExprTrait, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Iterable,
    PaginatorTrait,
};

fn published<C: ColumnTrait>(state: C) -> Condition {
    Condition::all()
        .add(Expr::col(state.as_column_ref()).eq(state_literal(EditorialState::Published)))
}

/// An editorial state written into the statement as a literal, not a bound parameter.
/// PostgreSQL plans our statements once (generic plans, `db.rs`), and a parameter's value is
/// unknown when it plans: `state IN ($1, $2)` is then taken to match most rows, where
/// `state IN ('draft', 'archived')` is known from the column's statistics to match almost none.
/// With parameters, a page's commentary was read by scanning all 4,000 commentaries (12.5 ms);
/// with literals, by probing the page's links (0.9 ms). The states are our own constants.
fn state_literal(state: EditorialState) -> SimpleExpr {
    SimpleExpr::Constant(state.to_value().into())
}

/// The id column of a kind's table.
fn id_column(kind: RecordKind) -> (DynIden, DynIden) {
    match kind {
        RecordKind::Program => program::Column::Id.as_column_ref(),
        RecordKind::Requirement => requirement::Column::Id.as_column_ref(),
        RecordKind::Fee => fee::Column::Id.as_column_ref(),
        RecordKind::Source => source::Column::Id.as_column_ref(),
        RecordKind::Citation => citation::Column::Id.as_column_ref(),
        RecordKind::Person => person::Column::Id.as_column_ref(),
        RecordKind::Commentary => commentary::Column::Id.as_column_ref(),
        RecordKind::PolicyEvent => policy_event::Column::Id.as_column_ref(),
    }
}

/// `reference` names a visible record of `kind`.
///
/// A program, source or person is visible when it is published, so for them this is written
/// as "names a record and no hidden one" (see [`names_no_hidden`]): the planner probes the few
/// hidden rows on the state index. As a plain `EXISTS (... state = 'published')` it made a
/// hash semi-join reading every published source (6,000 of them) for a page's 100 citations:
/// 3.0 ms against 0.85 ms. Other kinds (a citation's target: a requirement, a fee...) are a
/// correlated `EXISTS` on the parent's primary key with the parent's own rule. (An
/// `IN (SELECT ...)` would read every visible parent on each statement where the planner
/// cannot turn it into a join.)
fn names_visible(kind: RecordKind, reference: (DynIden, DynIden)) -> SimpleExpr {
    if matches!(
        kind,
        RecordKind::Program | RecordKind::Source | RecordKind::Person
    ) {
        return Expr::col(reference.clone())
            .is_not_null()
            .and(names_no_hidden(kind, reference));
    }
    let (table, id) = id_column(kind);
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(table.clone())
            .and_where(Expr::col((table, id)).equals(reference))
            .cond_where(condition(kind))
            .to_owned(),
    )
}

/// `reference` names no unpublished record of `kind` (a program, source or person, whose
/// rule is "published"): `NOT EXISTS` with the hidden states spelled out, an anti-join that
/// probes the parent's state index (migration 5) instead of reading every visible parent.
/// True for an empty `reference`; a value of a foreign key always names a row.
fn names_no_hidden(kind: RecordKind, reference: (DynIden, DynIden)) -> SimpleExpr {
    let (table, id) = id_column(kind);
    let hidden: Vec<SimpleExpr> = EditorialState::iter()
        .filter(|s| *s != EditorialState::Published)
        .map(state_literal)
        .collect();
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(table.clone())
            .and_where(Expr::col((table.clone(), id)).equals(reference))
            .and_where(Expr::col((table, Alias::new("state"))).is_in(hidden))
            .to_owned(),
    )
    .not()
}

/// Published, and `program_id` names a visible program.
fn of_visible_program<C: ColumnTrait>(state: C, program_id: C) -> Condition {
    published(state).add(names_visible(
        RecordKind::Program,
        program_id.as_column_ref(),
    ))
}

/// `column` is empty or names a visible record of `kind` (a person or a source, which hang from
/// nothing), written as "names no hidden record" ([`names_no_hidden`]). The planner makes
/// `column IS NULL OR EXISTS (...)` a hashed subplan that reads every visible parent (all
/// 6,000 sources of the benchmark) on each statement; the anti-join does not: 100 commentary
/// rows, 1.9 ms -> 0.25 ms.
fn optional_parent<C: ColumnTrait>(column: C, kind: RecordKind) -> Condition {
    Condition::all().add(names_no_hidden(kind, column.as_column_ref()))
}

/// The records a citation can support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CitationTarget {
    Program,
    Requirement,
    Fee,
    PolicyEvent,
    Commentary,
}

impl CitationTarget {
    pub const ALL: [CitationTarget; 5] = [
        Self::Program,
        Self::Requirement,
        Self::Fee,
        Self::PolicyEvent,
        Self::Commentary,
    ];

    /// The kind of the supported record.
    pub fn kind(self) -> RecordKind {
        match self {
            Self::Program => RecordKind::Program,
            Self::Requirement => RecordKind::Requirement,
            Self::Fee => RecordKind::Fee,
            Self::PolicyEvent => RecordKind::PolicyEvent,
            Self::Commentary => RecordKind::Commentary,
        }
    }

    /// The citation column that points at it.
    pub fn column(self) -> citation::Column {
        match self {
            Self::Program => citation::Column::ProgramId,
            Self::Requirement => citation::Column::RequirementId,
            Self::Fee => citation::Column::FeeId,
            Self::PolicyEvent => citation::Column::PolicyEventId,
            Self::Commentary => citation::Column::CommentaryId,
        }
    }

    /// What a citation row supports: its target and the target's id.
    pub fn of(row: &citation::Model) -> Option<(Self, i32)> {
        match (
            row.program_id,
            row.requirement_id,
            row.fee_id,
            row.policy_event_id,
            row.commentary_id,
        ) {
            (Some(id), ..) => Some((Self::Program, id)),
            (_, Some(id), ..) => Some((Self::Requirement, id)),
            (_, _, Some(id), ..) => Some((Self::Fee, id)),
            (_, _, _, Some(id), _) => Some((Self::PolicyEvent, id)),
            (_, _, _, _, Some(id)) => Some((Self::Commentary, id)),
            _ => None,
        }
    }
}

/// Visible citations of visible `target` records (on the `citation` table). A loader that
/// knows which kind of record it cites uses this; [`condition`] is the union over all targets.
pub fn citations_of(target: CitationTarget) -> Condition {
    published(citation::Column::State)
        .add(names_visible(
            RecordKind::Source,
            citation::Column::SourceId.as_column_ref(),
        ))
        .add(names_visible(
            target.kind(),
            target.column().as_column_ref(),
        ))
}

/// The rule for rows of `kind` reached from a parent the caller has already found visible
/// (the nested loaders: a program's requirements, a fee's citations): the same rule without
/// the clause on that parent, which would only look it up again for every row.
pub fn under_visible_parent(kind: RecordKind) -> Condition {
    match kind {
        // Their only parent is the program the caller holds.
        RecordKind::Requirement => published(requirement::Column::State),
        RecordKind::Fee => published(fee::Column::State),
        RecordKind::PolicyEvent => published(policy_event::Column::State),
        // Reached from the supported record; the source still decides.
        RecordKind::Citation => published(citation::Column::State).add(names_visible(
            RecordKind::Source,
            citation::Column::SourceId.as_column_ref(),
        )),
        // Reached from a program it is about (not a parent), or hangs from nothing.
        RecordKind::Commentary | RecordKind::Program | RecordKind::Source | RecordKind::Person => {
            condition(kind)
        }
    }
}

/// The rule for `kind`, as a condition on its own table.
pub fn condition(kind: RecordKind) -> Condition {
    match kind {
        RecordKind::Program => published(program::Column::State),
        RecordKind::Source => published(source::Column::State),
        RecordKind::Person => published(person::Column::State),
        RecordKind::Requirement => {
            of_visible_program(requirement::Column::State, requirement::Column::ProgramId)
        }
        RecordKind::Fee => of_visible_program(fee::Column::State, fee::Column::ProgramId),
        RecordKind::PolicyEvent => {
            of_visible_program(policy_event::Column::State, policy_event::Column::ProgramId)
        }
        RecordKind::Commentary => published(commentary::Column::State)
            .add(optional_parent(
                commentary::Column::PersonId,
                RecordKind::Person,
            ))
            .add(optional_parent(
                commentary::Column::SourceId,
                RecordKind::Source,
            )),
        RecordKind::Citation => CitationTarget::ALL
            .into_iter()
            .fold(Condition::any(), |any, t| any.add(citations_of(t))),
    }
}

/// `SELECT id FROM <kind's table> WHERE <the rule>`: for `id IN (...)` conditions elsewhere.
pub fn ids(kind: RecordKind) -> SelectStatement {
    let mut select = Query::select();
    match kind {
        RecordKind::Program => select.column(program::Column::Id).from(program::Entity),
        RecordKind::Requirement => select
            .column(requirement::Column::Id)
            .from(requirement::Entity),
        RecordKind::Fee => select.column(fee::Column::Id).from(fee::Entity),
        RecordKind::Source => select.column(source::Column::Id).from(source::Entity),
        RecordKind::Citation => select.column(citation::Column::Id).from(citation::Entity),
        RecordKind::Person => select.column(person::Column::Id).from(person::Entity),
        RecordKind::Commentary => select
            .column(commentary::Column::Id)
            .from(commentary::Entity),
        RecordKind::PolicyEvent => select
            .column(policy_event::Column::Id)
            .from(policy_event::Entity),
    };
    select.cond_where(condition(kind)).to_owned()
}

/// Whether the record `id` of `kind` is visible.
pub async fn is_visible(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    id: i32,
) -> Result<bool, DbErr> {
    with_entity!(kind, E => {
        Ok(E::find_by_id(id).filter(condition(kind)).count(db).await? > 0)
    })
}

/// What readers find at a record's address.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Presence {
    /// Readers may see it.
    Visible,
    /// Readers saw it once and may not now: a program, source or person with a public
    /// revision (these hang from nothing, so their publication showed them). Saying so tells
    /// readers nothing they were not shown before.
    Withdrawn,
    /// Nothing readers are known to have seen: no such record, one never published (a draft
    /// stays indistinguishable from nothing), or a record that hangs from another, whose
    /// publication may have come while its parent was hidden.
    Absent,
}

/// Whether the record `id` of `kind` is visible, withdrawn from readers, or nothing they saw.
pub async fn presence(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    id: i32,
) -> Result<Presence, DbErr> {
    if is_visible(db, kind, id).await? {
        return Ok(Presence::Visible);
    }
    if !matches!(
        kind,
        RecordKind::Program | RecordKind::Source | RecordKind::Person
    ) {
        return Ok(Presence::Absent);
    }
    let seen = entity::revision::Entity::find()
        .filter(entity::revision::Column::RecordType.eq(kind.stored_name()))
        .filter(entity::revision::Column::RecordId.eq(id))
        .filter(entity::revision::Column::Public.eq(true))
        .count(db)
        .await?
        > 0;
    Ok(if seen {
        Presence::Withdrawn
    } else {
        Presence::Absent
    })
}

//! Read models: what readers may see under a published program (its requirements, fees, events,
//! facts, commentary) and the citations and sources behind any record. GraphQL's batched
//! loaders and the REST routes (exports, permalinks, and the pages to come) read through these
//! same functions, so a nested GraphQL list and a permalink cannot disagree on order or on
//! visibility.
//!
//! Every function takes the ids of parents the caller has already found visible (a page of
//! [`super::lists`], a record that passed [`visibility::is_visible`]) and applies the rest of
//! the rule with [`visibility::under_visible_parent`]: the parent's clause is not looked up
//! again for each row.

use super::error::{ApiError, ApiResult};
use super::fees::is_current;
use super::joined;
use super::kind::RecordKind;
use super::one_of::one_of;
use super::sheet::Facts;
use super::visibility::{self, CitationTarget};
use chrono::NaiveDate;
use entity::{
    citation, commentary, commentary_program, fee, person, policy_event, program, program_fact,
    requirement, source,
};
use sea_orm::sea_query::{
    ColumnType, Expr, ExprTrait, Func, NullOrdering, PgFunc, QueryStatementBuilder, SimpleExpr,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, Iterable, JoinType, Order, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Related, RelationTrait,
};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// One list's read: which rows (its filter and joins) and in what order (each column
/// ascending, unknown values last). The same whether the list is read alone or with the other
/// lists of its level in one statement ([`super::level`]).
pub(super) struct Listing<E: EntityTrait> {
    pub select: sea_orm::Select<E>,
    pub order: &'static [E::Column],
    /// A column of a joined table the rows also carry, and are ordered by after `order`.
    pub then: Option<Then>,
}

/// A joined table's column a [`Listing`] selects as `name` and orders by last.
pub(super) struct Then {
    pub name: &'static str,
    pub column: SimpleExpr,
    pub ty: ColumnType,
}

impl<E: EntityTrait> Listing<E> {
    /// The list's select in its order, with its `then` column. Unknown values sort last on
    /// both backends: SQLite would put NULLs first, PostgreSQL last.
    fn ordered(self) -> sea_orm::Select<E> {
        let mut select = self.select;
        for col in self.order {
            select = select.order_by_with_nulls(*col, Order::Asc, NullOrdering::Last);
        }
        if let Some(then) = self.then {
            select = select
                .expr_as(then.column.clone(), then.name)
                .order_by_with_nulls(then.column, Order::Asc, NullOrdering::Last);
        }
        select
    }

    /// The list read alone.
    async fn all(self, db: &impl ConnectionTrait) -> ApiResult<Vec<E::Model>>
    where
        E::ActiveModel: sea_orm::TryIntoModel<E::Model>,
    {
        Ok(super::decode::all(db, self.ordered()).await?)
    }
}

/// The visible records of `kind` (entity `E`) whose `column` is one of `ids`: by id, or by
/// the parent they hang from.
fn visible_among<E: EntityTrait>(
    backend: DbBackend,
    kind: RecordKind,
    column: E::Column,
    ids: impl IntoIterator<Item = i32>,
) -> sea_orm::Select<E> {
    E::find()
        .filter(one_of(backend, column, ids))
        .filter(visibility::under_visible_parent(kind))
}

/// Visible rows of `kind` (entity `E`) whose `fk` is one of `ids`, in `order`.
fn children<E: EntityTrait>(
    backend: DbBackend,
    kind: RecordKind,
    fk: E::Column,
    ids: impl IntoIterator<Item = i32>,
    order: &'static [E::Column],
) -> Listing<E> {
    Listing {
        select: visible_among(backend, kind, fk, ids),
        order,
        then: None,
    }
}

/// Requirements of the visible programs `program_ids`, by position.
pub async fn requirements(
    db: &impl ConnectionTrait,
    program_ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<requirement::Model>> {
    requirements_listing(db.get_database_backend(), program_ids)
        .all(db)
        .await
}

pub(super) fn requirements_listing(
    backend: DbBackend,
    program_ids: impl IntoIterator<Item = i32>,
) -> Listing<requirement::Entity> {
    use requirement::Column as C;
    children(
        backend,
        RecordKind::Requirement,
        C::ProgramId,
        program_ids,
        &[C::Position, C::Id],
    )
}

/// Fees of the visible programs `program_ids`, oldest first: the whole history (see
/// [`super::fees::on_day`] for the ones that apply on a day).
pub async fn fees(
    db: &impl ConnectionTrait,
    program_ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<fee::Model>> {
    fees_listing(db.get_database_backend(), program_ids)
        .all(db)
        .await
}

pub(super) fn fees_listing(
    backend: DbBackend,
    program_ids: impl IntoIterator<Item = i32>,
) -> Listing<fee::Entity> {
    use fee::Column as C;
    children(
        backend,
        RecordKind::Fee,
        C::ProgramId,
        program_ids,
        &[C::EffectiveFrom, C::Id],
    )
}

/// Fees of the visible programs `program_ids` in effect on `day`, oldest first.
pub async fn current_fees(
    db: &impl ConnectionTrait,
    program_ids: impl IntoIterator<Item = i32>,
    day: NaiveDate,
) -> ApiResult<Vec<fee::Model>> {
    let mut rows = fees(db, program_ids).await?;
    rows.retain(|f| is_current(f, day));
    Ok(rows)
}

/// Policy events of the visible programs `program_ids`, oldest first.
pub async fn events(
    db: &impl ConnectionTrait,
    program_ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<policy_event::Model>> {
    events_listing(db.get_database_backend(), program_ids)
        .all(db)
        .await
}

pub(super) fn events_listing(
    backend: DbBackend,
    program_ids: impl IntoIterator<Item = i32>,
) -> Listing<policy_event::Entity> {
    use policy_event::Column as C;
    children(
        backend,
        RecordKind::PolicyEvent,
        C::ProgramId,
        program_ids,
        &[C::OccurredOn, C::Id],
    )
}

/// How each field of the visible programs `program_ids` is known. (Facts are part of their
/// program: they have no editorial state of their own.)
pub async fn facts(
    db: &impl ConnectionTrait,
    program_ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<program_fact::Model>> {
    facts_listing(db.get_database_backend(), program_ids)
        .all(db)
        .await
}

pub(super) fn facts_listing(
    backend: DbBackend,
    program_ids: impl IntoIterator<Item = i32>,
) -> Listing<program_fact::Entity> {
    Listing {
        select: program_fact::Entity::find().filter(one_of(
            backend,
            program_fact::Column::ProgramId,
            program_ids,
        )),
        order: &[program_fact::Column::Id],
        then: None,
    }
}

/// Visible citations of the visible `target` records `ids`, in citation order (the per-table
/// plan of [`citations_with_sources`]; the loaders take the joined one).
async fn citations(
    db: &impl ConnectionTrait,
    target: CitationTarget,
    ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<citation::Model>> {
    let select = citation::Entity::find()
        .filter(one_of(db.get_database_backend(), target.column(), ids))
        .filter(visibility::under_visible_parent(RecordKind::Citation))
        .order_by_asc(citation::Column::Id);
    Ok(super::decode::all(db, select).await?)
}

/// Visible citations of the visible records `targets` names, in citation order, with the
/// sources they cite (visible, as the rule requires of a visible citation), in one statement.
pub async fn citations_and_sources(
    db: &impl ConnectionTrait,
    targets: &[(CitationTarget, Vec<i32>)],
) -> ApiResult<(Vec<citation::Model>, HashMap<i32, Arc<source::Model>>)> {
    citations_with_sources(db, targets, Plan::Joined).await
}

/// Visible records of `kind` (entity `E`) by id.
async fn by_id<E>(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    id: E::Column,
    ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::ActiveModel: sea_orm::TryIntoModel<E::Model>,
{
    let select = visible_among::<E>(db.get_database_backend(), kind, id, ids).order_by_asc(id);
    Ok(super::decode::all(db, select).await?)
}

/// The visible sources among `ids`.
pub async fn sources(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<source::Model>> {
    by_id::<source::Entity>(db, RecordKind::Source, source::Column::Id, ids).await
}

/// The visible people among `ids`.
pub async fn people(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<person::Model>> {
    by_id::<person::Entity>(db, RecordKind::Person, person::Column::Id, ids).await
}

/// The visible programs among `ids`.
pub async fn programs(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<program::Model>> {
    by_id::<program::Entity>(db, RecordKind::Program, program::Column::Id, ids).await
}

/// Rows of the commentary-program link table whose `side` column is one of `ids`.
async fn links(
    db: &impl ConnectionTrait,
    side: commentary_program::Column,
    ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<commentary_program::Model>> {
    let select =
        commentary_program::Entity::find().filter(one_of(db.get_database_backend(), side, ids));
    Ok(super::decode::all(db, select).await?)
}

/// Pairs each row with every key its links give it (`(row id, key)`), keeping row order.
fn through<R: Clone>(rows: Vec<R>, links: &[(i32, i32)], id: impl Fn(&R) -> i32) -> Vec<(i32, R)> {
    let mut out = Vec::new();
    for row in rows {
        for (_, key) in links.iter().filter(|(row_id, _)| *row_id == id(&row)) {
            out.push((*key, row.clone()));
        }
    }
    out
}

/// A visible commentary about a program, with the person who said it.
pub struct Said {
    /// The program it is about (a commentary about several is listed under each).
    pub program_id: i32,
    pub commentary: commentary::Model,
    /// Visible whenever the commentary is: the rule hides a commentary whose person is hidden.
    /// One per person, however many commentaries they made.
    pub person: Option<Arc<person::Model>>,
}

/// Visible commentary about the visible programs `program_ids`, oldest statement first, each
/// with the program it is about and its person, in one statement: the commentary joined with
/// its links to the programs and with its person (each person decoded once: `super::joined`).
/// (A commentary is about programs; it does not hang from them.)
pub async fn commentaries_about(
    db: &impl ConnectionTrait,
    program_ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<Said>> {
    let mut statement = commentary_listing(db.get_database_backend(), program_ids)
        .ordered()
        .into_query();
    joined::select_joined::<person::Entity>(&mut statement);
    let rows = joined::read::<commentary::Entity, person::Entity, i32>(db, &statement, |row| {
        row.try_get("", ABOUT)
    })
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, person, program_id)| {
            c.map(|commentary| Said {
                program_id,
                commentary,
                person,
            })
        })
        .collect())
}

/// The column that names the program a commentary row is listed under.
pub(super) const ABOUT: &str = "about_program_id";

/// Visible commentary about the visible programs `program_ids` (joined with its links to them,
/// each listed under every program it is about, and with its person), oldest statement first:
/// for the same commentary, by program ([`ABOUT`]).
pub(super) fn commentary_listing(
    backend: DbBackend,
    program_ids: impl IntoIterator<Item = i32>,
) -> Listing<commentary::Entity> {
    use commentary::Column as C;
    Listing {
        select: commentary::Entity::find()
            .join_rev(
                JoinType::InnerJoin,
                commentary_program::Relation::Commentary.def(),
            )
            .join(JoinType::LeftJoin, commentary::Relation::Person.def())
            .filter(one_of(
                backend,
                commentary_program::Column::ProgramId,
                program_ids,
            ))
            .filter(visibility::under_visible_parent(RecordKind::Commentary)),
        order: &[C::SaidOn, C::Id],
        then: Some(Then {
            name: ABOUT,
            column: commentary_program::Column::ProgramId.into_expr(),
            ty: ColumnType::Integer,
        }),
    }
}

/// Visible programs the visible commentaries `commentary_ids` are about, by name, each with
/// its commentary.
pub async fn programs_discussed(
    db: &impl ConnectionTrait,
    commentary_ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<(i32, program::Model)>> {
    let links = links(db, commentary_program::Column::CommentaryId, commentary_ids).await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    use program::Column as C;
    let rows = children::<program::Entity>(
        db.get_database_backend(),
        RecordKind::Program,
        C::Id,
        links.iter().map(|l| l.program_id),
        &[C::Name, C::Id],
    )
    .all(db)
    .await?;
    let keyed: Vec<(i32, i32)> = links
        .iter()
        .map(|l| (l.program_id, l.commentary_id))
        .collect();
    Ok(through(rows, &keyed, |r| r.id))
}

/// Visible citations of the visible `target` records `ids`, each with its (visible) source, in
/// citation order: one statement (a permalink's or a page's few records).
pub async fn cited_sources(
    db: &impl ConnectionTrait,
    target: CitationTarget,
    ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<(citation::Model, source::Model)>> {
    let targets = [(target, ids.into_iter().collect())];
    let (citations, sources) = citations_with_sources(db, &targets, Plan::Joined).await?;
    Ok(citations
        .into_iter()
        .filter_map(|c| {
            sources
                .get(&c.source_id)
                .map(|s| (c, source::Model::clone(s)))
        })
        .collect())
}

/// The visible program `id` (for a record already found visible, e.g. a fee's program).
pub async fn program(db: &impl ConnectionTrait, id: i32) -> ApiResult<program::Model> {
    programs(db, [id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found("no published program here"))
}

/// The material of the visible programs `ids`' sheets ([`super::sheet`]): each program with its
/// visible requirements, fees, events and facts, their visible citations and the sources
/// those cite, read in five statements however many programs there are. A citation whose
/// source readers may not see is left out, as everywhere else.
pub async fn sheets(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<Facts>> {
    let which = one_of(db.get_database_backend(), program::Column::Id, ids);
    sheets_of(db, which, Parts::All, Plan::Joined).await
}

/// As [`sheets`], for the visible programs with the slugs `slugs` (a comparison: the slugs are
/// resolved by the same statement that reads the programs).
pub async fn sheets_by_slug(
    db: &impl ConnectionTrait,
    slugs: impl IntoIterator<Item = String>,
) -> ApiResult<Vec<Facts>> {
    let which = one_of(db.get_database_backend(), program::Column::Slug, slugs);
    sheets_of(db, which, Parts::All, Plan::Joined).await
}

/// As [`sheets`], without the requirements (and their citations), for hundreds of programs at
/// a time: the exports, which show the program's own values and fees only and then read a
/// third fewer rows.
pub async fn sheets_without_requirements(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<Facts>> {
    sheets_of(
        db,
        one_of(db.get_database_backend(), program::Column::Id, ids),
        Parts::WithoutRequirements,
        Plan::PerTable,
    )
    .await
}

/// Which of a program's children a sheet reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parts {
    /// Everything: a fact sheet, a comparison.
    All,
    /// No requirements: the exports' columns.
    WithoutRequirements,
    /// The program's own values and its events (its status): a list of programs that shows
    /// status, sponsorship and work authorization. Its fees and requirements read as none.
    OwnValues,
}

/// As [`sheets`], with only the program's own values and events, for a page of programs that
/// shows those (status, sponsorship, work authorization): no fees, no requirements.
pub async fn own_values(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> ApiResult<Vec<Facts>> {
    sheets_of(
        db,
        one_of(db.get_database_backend(), program::Column::Id, ids),
        Parts::OwnValues,
        Plan::Joined,
    )
    .await
}

/// How a sheet's rows are read: the same rows either way.
#[derive(Clone, Copy)]
enum Plan {
    /// A few sheets (a comparison, a page's values, a permalink): programs with their facts in
    /// one statement, every citation with its source in another, five statements in all.
    Joined,
    /// Hundreds of sheets (an export's batches): a statement per table and kind of citation.
    /// At that size the joins repeat wide rows and PostgreSQL sorts them: measured on batches of
    /// 500, the joined reads took 1.5x as long.
    PerTable,
}

/// The visible programs `which` picks, each with its facts, by id.
async fn programs_with_facts(
    db: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
    plan: Plan,
) -> ApiResult<Vec<(program::Model, Vec<program_fact::Model>)>> {
    let visible = visibility::under_visible_parent(RecordKind::Program);
    let select = program::Entity::find().filter(which).filter(visible);
    match plan {
        Plan::Joined => {
            // Each program decoded once, not once per fact (`super::joined`).
            let mut statement = select
                .select_only()
                .columns(program_fact::Column::iter())
                .join(
                    JoinType::LeftJoin,
                    <program::Entity as Related<program_fact::Entity>>::to(),
                )
                .order_by_asc(program::Column::Id)
                .order_by_asc(program_fact::Column::Id)
                .into_query();
            joined::select_joined::<program::Entity>(&mut statement);
            let rows = joined::read::<program_fact::Entity, program::Entity, _>(
                db,
                &statement,
                |_| Ok(()),
            )
            .await?;
            let mut programs: Vec<(program::Model, Vec<program_fact::Model>)> = Vec::new();
            for (fact, program, ()) in rows {
                let Some(program) = program else { continue };
                match programs.last_mut() {
                    Some((p, facts)) if p.id == program.id => facts.extend(fact),
                    _ => {
                        programs.push((program::Model::clone(&program), fact.into_iter().collect()))
                    }
                }
            }
            Ok(programs)
        }
        Plan::PerTable => {
            let programs = super::decode::all(db, select.order_by_asc(program::Column::Id)).await?;
            if programs.is_empty() {
                return Ok(Vec::new());
            }
            let mut facts: HashMap<i32, Vec<program_fact::Model>> = HashMap::new();
            for f in self::facts(db, programs.iter().map(|p| p.id)).await? {
                facts.entry(f.program_id).or_default().push(f);
            }
            Ok(programs
                .into_iter()
                .map(|p| {
                    let of = facts.remove(&p.id).unwrap_or_default();
                    (p, of)
                })
                .collect())
        }
    }
}

/// Visible citations of the visible records `targets` names by id, and of the records of each
/// kind in `below` under its programs (their requirements, fees or events: see
/// [`under_programs`]), joined with the sources they cite, in citation order. None when they
/// name no record. The rule already requires a visible source: the join only brings it along.
pub(super) fn citations_listing<'a>(
    backend: DbBackend,
    targets: impl IntoIterator<Item = &'a (CitationTarget, Vec<i32>)>,
    below: &[(CitationTarget, Vec<i32>)],
) -> Option<Listing<citation::Entity>> {
    let by_id = targets
        .into_iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(target, ids)| one_of(backend, target.column(), ids.iter().copied()));
    let under = below
        .iter()
        .filter_map(|(target, programs)| under_programs_clause(backend, *target, programs));
    let any = by_id
        .chain(under)
        .fold(sea_orm::Condition::any(), |any, clause| any.add(clause));
    if any.is_empty() {
        return None;
    }
    Some(citations_where(any))
}

/// The citations of the records of `target`'s kind under the programs `program_ids`, as one
/// clause of [`citations_listing`]'s `OR`. None for another kind, or without programs.
///
/// On PostgreSQL the records' ids are `= ANY(ARRAY(SELECT ...))`: an init plan run once, whose
/// array the citation's index takes inside the `OR`. `IN (SELECT ...)` among the `OR`s has no
/// index to use, and PostgreSQL read every citation (3.5 ms of its CPU against 0.45 for a whole
/// detail, 2,000 programs); as a union arm of its own each kind cost its own plan nodes and
/// projection on every detail. SQLite has no arrays and keeps `IN`.
fn under_programs_clause(
    backend: DbBackend,
    target: CitationTarget,
    program_ids: &[i32],
) -> Option<SimpleExpr> {
    let records = under_programs(backend, target, program_ids)?;
    Some(match backend {
        DbBackend::Postgres => {
            let records = Expr::SubQuery(None, Box::new(records.into_sub_query_statement()));
            Expr::col(target.column().as_column_ref())
                .eq(PgFunc::any(Func::cust("ARRAY").arg(records)))
        }
        _ => target.column().in_subquery(records),
    })
}

/// The visible citations `which` picks, joined with their sources, in citation order. The
/// rule already requires a visible source: the join only brings it along.
fn citations_where(which: sea_orm::Condition) -> Listing<citation::Entity> {
    Listing {
        select: citation::Entity::find()
            .filter(which)
            .filter(visibility::under_visible_parent(RecordKind::Citation))
            .join(
                JoinType::LeftJoin,
                <citation::Entity as Related<source::Entity>>::to(),
            ),
        order: &[citation::Column::Id],
        then: None,
    }
}

/// The ids of the records of `target`'s kind that hang from the programs `program_ids`,
/// visible or not (a citation's rule checks its record): requirements, fees and events do;
/// None for the other kinds, or without programs.
fn under_programs(
    backend: DbBackend,
    target: CitationTarget,
    program_ids: &[i32],
) -> Option<sea_orm::sea_query::SelectStatement> {
    fn ids<E: EntityTrait>(
        backend: DbBackend,
        id: E::Column,
        program_id: E::Column,
        program_ids: &[i32],
    ) -> sea_orm::sea_query::SelectStatement {
        E::find()
            .select_only()
            .column(id)
            .filter(one_of(backend, program_id, program_ids.iter().copied()))
            .into_query()
    }
    if program_ids.is_empty() {
        return None;
    }
    Some(match target {
        CitationTarget::Requirement => ids::<requirement::Entity>(
            backend,
            requirement::Column::Id,
            requirement::Column::ProgramId,
            program_ids,
        ),
        CitationTarget::Fee => ids::<fee::Entity>(
            backend,
            fee::Column::Id,
            fee::Column::ProgramId,
            program_ids,
        ),
        CitationTarget::PolicyEvent => ids::<policy_event::Entity>(
            backend,
            policy_event::Column::Id,
            policy_event::Column::ProgramId,
            program_ids,
        ),
        CitationTarget::Program | CitationTarget::Commentary => return None,
    })
}

/// The visible citations of the visible `targets` (records of each kind, by id), in citation
/// order, and the sources they cite, by id.
type Cited = (Vec<citation::Model>, HashMap<i32, Arc<source::Model>>);

async fn citations_with_sources(
    db: &impl ConnectionTrait,
    targets: &[(CitationTarget, Vec<i32>)],
    plan: Plan,
) -> ApiResult<Cited> {
    let targets = targets.iter().filter(|(_, ids)| !ids.is_empty());
    match plan {
        Plan::Joined => {
            let Some(listing) = citations_listing(db.get_database_backend(), targets, &[]) else {
                return Ok(Cited::default());
            };
            // Each source decoded once, however many citations name it (`super::joined`).
            let mut statement = listing
                .select
                .order_by_asc(citation::Column::Id)
                .into_query();
            joined::select_joined::<source::Entity>(&mut statement);
            let rows =
                joined::read::<citation::Entity, source::Entity, _>(db, &statement, |_| Ok(()))
                    .await?;
            // The rule above already requires a visible source; the join only brings it along.
            let mut cited = Cited::default();
            for (c, s, ()) in rows {
                if let (Some(c), Some(s)) = (c, s) {
                    cited.1.entry(s.id).or_insert(s);
                    cited.0.push(c);
                }
            }
            Ok(cited)
        }
        Plan::PerTable => {
            let mut cites = Vec::new();
            for (target, ids) in targets {
                cites.extend(citations(db, *target, ids.iter().copied()).await?);
            }
            cites.sort_by_key(|c| c.id);
            let source_ids: BTreeSet<i32> = cites.iter().map(|c| c.source_id).collect();
            let sources: HashMap<i32, Arc<source::Model>> = sources(db, source_ids)
                .await?
                .into_iter()
                .map(|s| (s.id, Arc::new(s)))
                .collect();
            cites.retain(|c| sources.contains_key(&c.source_id));
            Ok((cites, sources))
        }
    }
}

async fn sheets_of(
    db: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
    parts: Parts,
    plan: Plan,
) -> ApiResult<Vec<Facts>> {
    let programs = programs_with_facts(db, which, plan).await?;
    if programs.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = programs.iter().map(|(p, _)| p.id).collect();
    let requirements = if parts == Parts::All {
        requirements(db, ids.clone()).await?
    } else {
        Vec::new()
    };
    let fees = if parts == Parts::OwnValues {
        Vec::new()
    } else {
        fees(db, ids.clone()).await?
    };
    let events = events(db, ids.clone()).await?;
    let (cites, sources) = citations_with_sources(
        db,
        &[
            (CitationTarget::Program, ids.clone()),
            (
                CitationTarget::Requirement,
                requirements.iter().map(|r| r.id).collect(),
            ),
            (CitationTarget::Fee, fees.iter().map(|f| f.id).collect()),
            (
                CitationTarget::PolicyEvent,
                events.iter().map(|e| e.id).collect(),
            ),
        ],
        plan,
    )
    .await?;
    let cites: Vec<Arc<citation::Model>> = cites.into_iter().map(Arc::new).collect();
    let of = |column: fn(&citation::Model) -> Option<i32>| {
        let mut map: HashMap<i32, Vec<Arc<citation::Model>>> = HashMap::new();
        for c in &cites {
            if let Some(id) = column(c) {
                map.entry(id).or_default().push(c.clone());
            }
        }
        map
    };
    let (by_program, by_requirement, by_fee, by_event) = (
        of(|c| c.program_id),
        of(|c| c.requirement_id),
        of(|c| c.fee_id),
        of(|c| c.policy_event_id),
    );
    /// Rows filed under their program, in order.
    fn by_parent<M>(rows: Vec<M>, fk: impl Fn(&M) -> i32) -> HashMap<i32, Vec<Arc<M>>> {
        let mut map: HashMap<i32, Vec<Arc<M>>> = HashMap::new();
        for row in rows {
            map.entry(fk(&row)).or_default().push(Arc::new(row));
        }
        map
    }
    let mut requirements = by_parent(requirements, |r| r.program_id);
    let mut fees = by_parent(fees, |f| f.program_id);
    let mut events = by_parent(events, |e| e.program_id);
    let sources = Arc::new(sources);
    Ok(programs
        .into_iter()
        .map(|(p, facts)| {
            let id = p.id;
            let requirements = requirements.remove(&id).unwrap_or_default();
            let fees = fees.remove(&id).unwrap_or_default();
            let events = events.remove(&id).unwrap_or_default();
            let pick = |map: &HashMap<i32, Vec<Arc<citation::Model>>>, ids: Vec<i32>| {
                ids.into_iter()
                    .filter_map(|i| map.get(&i).map(|c| (i, c.clone())))
                    .collect::<HashMap<_, _>>()
            };
            Facts {
                program_citations: by_program.get(&id).cloned().unwrap_or_default(),
                facts: facts.into_iter().map(Arc::new).collect(),
                citations_of_requirement: pick(
                    &by_requirement,
                    requirements.iter().map(|r| r.id).collect(),
                ),
                citations_of_fee: pick(&by_fee, fees.iter().map(|f| f.id).collect()),
                citations_of_event: pick(&by_event, events.iter().map(|e| e.id).collect()),
                sources: sources.clone(),
                program: Arc::new(p),
                requirements,
                fees,
                events,
            }
        })
        .collect())
}

/// The content version: the newest revision's id (0 before any). Every write of every
/// replica, and every import, appends a revision, so what was read at one version is current
/// while the database still reports it (the response cache, the eligibility index).
pub async fn content_version(db: &impl ConnectionTrait) -> Result<i64, sea_orm::DbErr> {
    use sea_orm::sea_query::{Alias, Expr, Query};
    let query = Query::select()
        .expr_as(Expr::cust("COALESCE(MAX(id), 0)"), Alias::new("v"))
        .from(Alias::new("revision"))
        .to_owned();
    let row = db.query_one(&query).await?;
    Ok(match row {
        Some(row) => row
            .try_get::<i64>("", "v")
            .or_else(|_| row.try_get::<i32>("", "v").map(i64::from))?,
        None => 0,
    })
}

/// The newest revision: its id (the content version) and when it was written; None before
/// any. What HTTP validators (`ETag`, `Last-Modified`) are made of.
pub async fn last_revision(
    db: &impl ConnectionTrait,
) -> Result<Option<(i32, chrono::DateTime<chrono::Utc>)>, sea_orm::DbErr> {
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    entity::revision::Entity::find()
        .select_only()
        .column(entity::revision::Column::Id)
        .column(entity::revision::Column::CreatedAt)
        .order_by_desc(entity::revision::Column::Id)
        .into_tuple()
        .one(db)
        .await
}

/// The content version something was read at: what this process heard of every replica's
/// commits (the listener's count, `live::LiveChanges::heard`), or, when it cannot tell, what the
/// database reports ([`content_version`]). Two reads at the same version saw the same content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentVersion {
    /// What the listener had heard.
    Heard(u64),
    /// What the database reported.
    Stored(i64),
}

impl ContentVersion {
    /// The content version now: what was heard (`heard`), else one statement.
    pub async fn now(
        heard: Option<u64>,
        db: &impl ConnectionTrait,
    ) -> Result<Self, sea_orm::DbErr> {
        match heard {
            Some(heard) => Ok(Self::Heard(heard)),
            None => Ok(Self::Stored(content_version(db).await?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `WHERE` clause of the citations of program 7's own record and of its requirements
    /// and fees, as `backend` renders it, and how many values it carries.
    fn citations_of_program_7(backend: DbBackend) -> (String, usize) {
        let below = [
            (CitationTarget::Requirement, vec![7]),
            (CitationTarget::Fee, vec![7]),
            // A kind with no programs adds no clause.
            (CitationTarget::PolicyEvent, vec![]),
        ];
        let listing = citations_listing(backend, &[(CitationTarget::Program, vec![7])], &below);
        let statement = listing.map(|l| l.select.build(backend));
        let statement = statement.expect("the listing names records");
        let sql = statement.sql;
        let start = sql.find(" WHERE ").unwrap_or(0);
        let end = sql
            .find(" AND (\"citation\".\"state\"")
            .unwrap_or(sql.len());
        (
            sql[start..end].to_owned(),
            statement.values.map_or(0, |v| v.0.len()),
        )
    }

    #[test]
    fn on_postgresql_the_records_below_are_an_array_the_index_can_take() {
        let (clause, values) = citations_of_program_7(DbBackend::Postgres);
        assert_eq!(
            clause,
            concat!(
                r#" WHERE ("citation"."program_id" = $1"#,
                r#" OR "citation"."requirement_id" = ANY(ARRAY((SELECT "requirement"."id" FROM "requirement" WHERE "requirement"."program_id" = $2)))"#,
                r#" OR "citation"."fee_id" = ANY(ARRAY((SELECT "fee"."id" FROM "fee" WHERE "fee"."program_id" = $3))))"#,
            )
        );
        // The ids, then the rule's own value (`SELECT 1` in its `NOT EXISTS`).
        assert_eq!(values, 4);
    }

    #[test]
    fn on_sqlite_the_records_below_are_a_subquery() {
        let (clause, _) = citations_of_program_7(DbBackend::Sqlite);
        assert!(
            clause.contains(r#" OR "citation"."requirement_id" IN (SELECT "requirement"."id" FROM "requirement" WHERE "requirement"."program_id" IN (?))"#),
            "{clause}"
        );
    }

    #[test]
    fn nothing_named_no_listing() {
        let below = [(CitationTarget::Requirement, vec![])];
        assert!(citations_listing(DbBackend::Postgres, &[], &below).is_none());
    }
}

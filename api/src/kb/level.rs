//! The lists of one level of nesting, read together: a program's detail asks for its
//! requirements, fees, facts, events, citations and commentary, and reads them in one statement
//! ([`super::union`]) instead of six. The lists are those of [`super::read`], with the same
//! rows, filters and orders (its `*_listing` functions define them for both).

use super::decode::Decoder;
use super::error::ApiResult;
use super::read::{self, Said};
use super::union::{self, Arm};
use super::visibility::CitationTarget;
use entity::{citation, commentary, fee, person, policy_event, program_fact, requirement, source};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, JoinType, QuerySelect, RelationTrait};
use std::collections::HashMap;
use std::sync::Arc;

/// What a level asks for: the ids of the parents whose lists it wants, per list.
#[derive(Debug, Default)]
pub struct Wanted {
    /// Programs whose requirements are wanted.
    pub requirements: Vec<i32>,
    pub fees: Vec<i32>,
    pub facts: Vec<i32>,
    pub events: Vec<i32>,
    /// Programs whose commentary is wanted.
    pub commentary: Vec<i32>,
    /// Records whose citations are wanted.
    pub citations: Vec<(CitationTarget, Vec<i32>)>,
    /// Kinds of the lists above (requirements, fees, events) whose records' citations are
    /// wanted too, by the next level down. Read in the same statement when the level is read
    /// in one ([`Found::cited`] then names those records); otherwise left to that level.
    pub citations_below: Vec<CitationTarget>,
}

impl Wanted {
    /// How many lists are wanted.
    fn lists(&self) -> usize {
        let below = self.below().filter(|(_, ids)| !ids.is_empty()).count();
        self.parents().filter(|ids| !ids.is_empty()).count() + below
    }

    /// The kinds whose citations are wanted below, with the programs whose records of that
    /// kind they are.
    fn below(&self) -> impl Iterator<Item = (CitationTarget, &Vec<i32>)> {
        self.citations_below
            .iter()
            .filter_map(|target| match target {
                CitationTarget::Requirement => Some((*target, &self.requirements)),
                CitationTarget::Fee => Some((*target, &self.fees)),
                CitationTarget::PolicyEvent => Some((*target, &self.events)),
                CitationTarget::Program | CitationTarget::Commentary => None,
            })
    }

    /// Whether each list wanted hangs from one record: a detail.
    fn of_one_record(&self) -> bool {
        self.parents()
            .all(|ids| ids.iter().all(|id| ids.first() == Some(id)))
    }

    /// The parents of each list (the citations' per kind of record).
    fn parents(&self) -> impl Iterator<Item = &Vec<i32>> {
        [
            &self.requirements,
            &self.fees,
            &self.facts,
            &self.events,
            &self.commentary,
        ]
        .into_iter()
        .chain(self.citations.iter().map(|(_, ids)| ids))
    }
}

/// The lists found, each in its order (visible rows only, as [`super::read`] reads them).
#[derive(Default)]
pub struct Found {
    pub requirements: Vec<requirement::Model>,
    pub fees: Vec<fee::Model>,
    pub facts: Vec<program_fact::Model>,
    pub events: Vec<policy_event::Model>,
    pub commentary: Vec<Said>,
    pub citations: Vec<citation::Model>,
    /// The sources the citations cite, by id.
    pub sources: HashMap<i32, Arc<source::Model>>,
    /// The records whose visible citations are all in `citations`, beyond those asked for:
    /// the requirements, fees and events found, of the kinds [`Wanted::citations_below`] names.
    pub cited: Vec<(CitationTarget, Vec<i32>)>,
}

/// The lists `wanted` asks for. Several lists of one record (a program's detail) are read in
/// one statement; otherwise each list has a statement of its own, and they run at once.
///
/// Measured on the benchmark's data (2,000 programs, cache off): for one program the union
/// costs the server and PostgreSQL less CPU than its separate statements, and saves their
/// round trips. For the lists of 10 or 50 programs it costs 11-20% more of both (and still
/// 40% more of PostgreSQL's once the arms shared their columns): the rows are sorted together,
/// and that grows with the rows, while the round trips saved do not.
pub async fn read(db: &impl ConnectionTrait, wanted: Wanted) -> ApiResult<Found> {
    if wanted.lists() >= 2 && wanted.of_one_record() {
        return together(db, wanted).await;
    }
    apart(db, wanted).await
}

/// Each list in a statement of its own, all at once.
async fn apart(db: &impl ConnectionTrait, wanted: Wanted) -> ApiResult<Found> {
    let citations = wanted.citations;
    let wants_citations = citations.iter().any(|(_, ids)| !ids.is_empty());
    let (requirements, fees, facts, events, commentary, (citations, sources)) = futures::try_join!(
        maybe(wanted.requirements, |ids| read::requirements(db, ids)),
        maybe(wanted.fees, |ids| read::fees(db, ids)),
        maybe(wanted.facts, |ids| read::facts(db, ids)),
        maybe(wanted.events, |ids| read::events(db, ids)),
        maybe(wanted.commentary, |ids| read::commentaries_about(db, ids)),
        async {
            if wants_citations {
                read::citations_and_sources(db, &citations).await
            } else {
                Ok(Default::default())
            }
        },
    )?;
    Ok(Found {
        requirements,
        fees,
        facts,
        events,
        commentary,
        citations,
        sources,
        cited: Vec::new(),
    })
}

/// `read(ids)`, or nothing without ids.
async fn maybe<T, F: Future<Output = ApiResult<Vec<T>>>>(
    ids: Vec<i32>,
    read: impl FnOnce(Vec<i32>) -> F,
) -> ApiResult<Vec<T>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    read(ids).await
}

/// The arms of [`together`], by the list they read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Requirements,
    Fees,
    Facts,
    Events,
    Commentary,
    Citations,
}

/// The decoders of the union's records, each under the prefix of its list's arm (a list has
/// at most one arm; one it lacks has a decoder that is never used).
struct Decoders {
    requirements: Decoder<requirement::Entity>,
    fees: Decoder<fee::Entity>,
    facts: Decoder<program_fact::Entity>,
    events: Decoder<policy_event::Entity>,
    commentary: Decoder<commentary::Entity>,
    people: Decoder<person::Entity>,
    commentary_sources: Decoder<source::Entity>,
    citations: Decoder<citation::Entity>,
    citation_sources: Decoder<source::Entity>,
}

impl Decoders {
    fn new(lists: &[List], arms: &[Arm]) -> Self {
        let arm = |list: List| {
            let at = lists.iter().position(|l| *l == list);
            at.and_then(|at| arms.get(at))
        };
        let (commentary, citations) = (arm(List::Commentary), arm(List::Citations));
        Self {
            requirements: arm(List::Requirements)
                .map(Arm::decoder)
                .unwrap_or_default(),
            fees: arm(List::Fees).map(Arm::decoder).unwrap_or_default(),
            facts: arm(List::Facts).map(Arm::decoder).unwrap_or_default(),
            events: arm(List::Events).map(Arm::decoder).unwrap_or_default(),
            commentary: commentary.map(Arm::decoder).unwrap_or_default(),
            people: commentary.map(|a| a.joined_decoder(0)).unwrap_or_default(),
            commentary_sources: commentary.map(|a| a.joined_decoder(1)).unwrap_or_default(),
            citations: citations.map(Arm::decoder).unwrap_or_default(),
            citation_sources: citations.map(|a| a.joined_decoder(0)).unwrap_or_default(),
        }
    }
}

/// Every list wanted in one statement.
async fn together(db: &impl ConnectionTrait, wanted: Wanted) -> ApiResult<Found> {
    let below: Vec<(CitationTarget, Vec<i32>)> = wanted
        .below()
        .map(|(target, programs)| (target, programs.clone()))
        .collect();
    // Each arm reads its list's listing; its tag is its place among the arms.
    let backend = db.get_database_backend();
    let mut arms: Vec<(List, Arm)> = Vec::new();
    plain(
        &mut arms,
        backend,
        List::Requirements,
        wanted.requirements,
        read::requirements_listing,
    );
    plain(
        &mut arms,
        backend,
        List::Fees,
        wanted.fees,
        read::fees_listing,
    );
    plain(
        &mut arms,
        backend,
        List::Facts,
        wanted.facts,
        read::facts_listing,
    );
    plain(
        &mut arms,
        backend,
        List::Events,
        wanted.events,
        read::events_listing,
    );
    if !wanted.commentary.is_empty() {
        let mut l = read::commentary_listing(backend, wanted.commentary);
        // The person (joined by the listing) and the source the commentary names: both are
        // visible whenever the commentary is, so a `source` below it costs no statement.
        l.select = l
            .select
            .join(JoinType::LeftJoin, commentary::Relation::Source.def());
        let arm = arm(arms.len(), l)
            .with_joined::<person::Entity>()
            .with_joined::<source::Entity>();
        arms.push((List::Commentary, arm));
    }
    // The citations asked for by record and those of the records below, in one arm.
    if let Some(l) = read::citations_listing(backend, &wanted.citations, &below) {
        let arm = arm(arms.len(), l).with_joined::<source::Entity>();
        arms.push((List::Citations, arm));
    }
    let mut found = decode(db, arms).await?;
    // The records found of each kind below: their citations came with them, none or all.
    found.cited = below
        .iter()
        .filter(|(_, programs)| !programs.is_empty())
        .map(|(target, _)| {
            let ids = match target {
                CitationTarget::Requirement => found.requirements.iter().map(|r| r.id).collect(),
                CitationTarget::Fee => found.fees.iter().map(|f| f.id).collect(),
                CitationTarget::PolicyEvent => found.events.iter().map(|e| e.id).collect(),
                CitationTarget::Program | CitationTarget::Commentary => Vec::new(),
            };
            (*target, ids)
        })
        .collect();
    Ok(found)
}

/// The arm `tag` that reads listing `l`, its extra column included.
fn arm<E: EntityTrait>(tag: usize, l: read::Listing<E>) -> Arm {
    let arm = Arm::new(tag, l.select, l.order);
    match l.then {
        Some(then) => arm.with_extra(then.name, then.column, then.ty, true),
        None => arm,
    }
}

/// Adds the arm of a list of `E` with its own columns only, if it has `ids` to read.
fn plain<E: EntityTrait>(
    arms: &mut Vec<(List, Arm)>,
    backend: DbBackend,
    list: List,
    ids: Vec<i32>,
    listing: fn(DbBackend, Vec<i32>) -> read::Listing<E>,
) {
    if !ids.is_empty() {
        let tag = arms.len();
        arms.push((list, arm(tag, listing(backend, ids))));
    }
}

/// Runs the union of `arms` and files each row under its list.
async fn decode(db: &impl ConnectionTrait, arms: Vec<(List, Arm)>) -> ApiResult<Found> {
    let (lists, arms): (Vec<List>, Vec<Arm>) = arms.into_iter().unzip();
    let Some(statement) = union::cached_statement(&arms, db.get_database_backend()) else {
        return Ok(Found::default());
    };
    let rows = db.query_all_raw(statement).await?;
    let mut found = Found::default();
    // One `Arc` per distinct joined record, however many rows carry it.
    let mut people: HashMap<i32, Arc<person::Model>> = HashMap::new();
    let d = Decoders::new(&lists, &arms);
    for row in &rows {
        let tag = union::arm_of(row)?;
        let (Some(list), Some(arm)) = (lists.get(tag), arms.get(tag)) else {
            return Err(
                sea_orm::DbErr::Type(format!("a row of arm {tag}, of {}", arms.len())).into(),
            );
        };
        match list {
            List::Requirements => found.requirements.push(d.requirements.decode(row)?),
            List::Fees => found.fees.push(d.fees.decode(row)?),
            List::Facts => found.facts.push(d.facts.decode(row)?),
            List::Events => found.events.push(d.events.decode(row)?),
            List::Commentary => {
                let person = Arm::joined(row, &d.people, &mut people)?;
                // Filed with the citations' sources, where a `source` below it is looked up.
                Arm::joined(row, &d.commentary_sources, &mut found.sources)?;
                found.commentary.push(Said {
                    program_id: arm.extra(row, read::ABOUT)?,
                    commentary: d.commentary.decode(row)?,
                    person,
                });
            }
            List::Citations => {
                // The rule already requires a visible source; the join only brings it along.
                // One arm: a citation both asked for and under a program asked about is one
                // row, as the `OR` of its clauses matches it once.
                if Arm::joined(row, &d.citation_sources, &mut found.sources)?.is_some() {
                    found.citations.push(d.citations.decode(row)?);
                }
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_wanted_below_count_as_a_list_of_the_level() {
        // A detail that asks only for its requirements and their citations reads both in one
        // statement: two lists of one record.
        let wanted = Wanted {
            requirements: vec![7],
            citations_below: vec![CitationTarget::Requirement],
            ..Wanted::default()
        };
        assert_eq!(wanted.lists(), 2);
        assert!(wanted.of_one_record());
        // A kind whose list the level does not read adds nothing, nor do kinds that hang from
        // no list of a program (a program's own citations are asked for by id).
        let wanted = Wanted {
            requirements: vec![7],
            citations_below: vec![
                CitationTarget::Fee,
                CitationTarget::Program,
                CitationTarget::Commentary,
            ],
            ..Wanted::default()
        };
        assert_eq!(wanted.lists(), 1);
        assert_eq!(wanted.below().count(), 1);
        assert!(wanted.below().all(|(_, programs)| programs.is_empty()));
    }

    #[test]
    fn a_page_of_programs_is_not_one_record() {
        let wanted = Wanted {
            requirements: vec![7, 8],
            citations_below: vec![CitationTarget::Requirement],
            ..Wanted::default()
        };
        assert!(!wanted.of_one_record());
    }
}

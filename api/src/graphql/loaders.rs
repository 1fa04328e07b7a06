//! Batched loads for nested lists: one statement per kind of child for a whole page of parents,
//! however many parents the page has. Created per request, so nothing is cached across requests.
//!
//! The reads themselves are `kb::read` (the REST routes use the same ones): this module only
//! batches keys and files the rows under them. Every loader returns visible rows only.

use crate::kb::error::ApiError;
use crate::kb::sheet::Facts;
use crate::kb::visibility::CitationTarget;
use crate::kb::{level, read};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::runtime::{TokioSpawner, TokioTimer};
use entity::{
    citation, commentary, fee, person, policy_event, program, program_fact, requirement, revision,
    source,
};
use futures::future::BoxFuture;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Loads rows for the GraphQL types of one request.
pub struct DbLoader {
    db: DatabaseConnection,
    /// Sources and people that came joined with the rows naming them (citations, commentary):
    /// a `source` or `person` field below those rows then costs no statement of its own.
    /// Never held across an await.
    came_along: Mutex<CameAlong>,
    /// Kinds of records (requirements, fees, events; `Program` for a program's facts) whose
    /// citations the query asks for below the lists that hold them: set from the selection by
    /// the resolvers of those lists before they load them, so that a detail reads them with
    /// its lists, a statement earlier (`kb::level`). Never held across an await.
    citations_below: Mutex<Vec<CitationTarget>>,
}

#[derive(Default)]
struct CameAlong {
    sources: HashMap<i32, Arc<source::Model>>,
    people: HashMap<i32, Arc<person::Model>>,
}

impl DbLoader {
    /// The side map, whatever a panicking holder left in it (it only ever holds whole rows).
    fn came_along(&self) -> std::sync::MutexGuard<'_, CameAlong> {
        self.came_along
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The kinds of records whose citations are wanted below their lists.
    fn citations_below(&self) -> Vec<CitationTarget> {
        self.citations_below
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The rows among `keys` that came along already, and the ids still to read.
    fn split_known<K: Copy + Hash + Eq, R>(
        keys: &[K],
        id: impl Fn(K) -> i32,
        known: &HashMap<i32, Arc<R>>,
    ) -> (HashMap<K, Arc<R>>, Vec<i32>) {
        let mut found = HashMap::with_capacity(keys.len());
        let mut missing = Vec::new();
        for key in keys {
            match known.get(&id(*key)) {
                Some(row) => {
                    found.insert(*key, row.clone());
                }
                None => missing.push(id(*key)),
            }
        }
        (found, missing)
    }
}

/// The request's loader, with a cache that lives as long as the request: a key asked for twice
/// (a program's citations by `citations` and again by each fact) is read once.
pub type Loaders = DataLoader<DbLoader, HashMapCache>;

/// A fresh loader for one request. With zero delay the keys of one resolver pass are still
/// batched (all are registered before the batch task first runs) and a detail query is not
/// slowed; a small delay batches siblings that finish at different times into fewer statements.
pub fn loaders(db: DatabaseConnection, delay: std::time::Duration) -> Loaders {
    DataLoader::with_cache(
        DbLoader {
            db,
            came_along: Mutex::default(),
            citations_below: Mutex::default(),
        },
        TokioSpawner::current(),
        TokioTimer::default(),
        HashMapCache::default(),
    )
    .delay(delay)
}

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<ApiError>>;

/// A list of rows shared by reference: the request cache hands it out again without copying.
pub type List<M> = Arc<Vec<Arc<M>>>;

/// Files `(key, row)` pairs under their keys, keeping their order, as shared lists.
fn file<K: Hash + Eq, R>(pairs: impl IntoIterator<Item = (K, R)>) -> HashMap<K, List<R>> {
    let mut map: HashMap<K, Vec<Arc<R>>> = HashMap::new();
    for (key, row) in pairs {
        map.entry(key).or_default().push(Arc::new(row));
    }
    map.into_iter()
        .map(|(k, rows)| (k, Arc::new(rows)))
        .collect()
}

/// Files `rows` under the key each gives, keeping their order, as shared lists.
fn group<K: Hash + Eq, R>(rows: Vec<R>, key: impl Fn(&R) -> K) -> HashMap<K, List<R>> {
    file(rows.into_iter().map(|r| (key(&r), r)))
}

/// Rows found by their own id, keyed by it.
fn by_id<K: Hash + Eq, R>(
    rows: Vec<R>,
    id: impl Fn(&R) -> i32,
    key: impl Fn(i32) -> K,
) -> HashMap<K, Arc<R>> {
    rows.into_iter()
        .map(|r| (key(id(&r)), Arc::new(r)))
        .collect()
}

fn ids<K: Copy>(keys: &[K], id: impl Fn(K) -> i32) -> Vec<i32> {
    keys.iter().map(|k| id(*k)).collect()
}

/// Requirements of a program, by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequirementsOf(pub i32);

/// Fees of a program, oldest first (the whole history).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeesOf(pub i32);

/// Policy events of a program, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventsOf(pub i32);

/// How each field of a program is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FactsOf(pub i32);

/// Published commentary about a program, oldest statement first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommentariesOf(pub i32);

/// The record a citation supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CitationsOf {
    Program(i32),
    Requirement(i32),
    Fee(i32),
    Commentary(i32),
    PolicyEvent(i32),
}

impl CitationsOf {
    fn split(self) -> (CitationTarget, i32) {
        match self {
            Self::Program(id) => (CitationTarget::Program, id),
            Self::Requirement(id) => (CitationTarget::Requirement, id),
            Self::Fee(id) => (CitationTarget::Fee, id),
            Self::Commentary(id) => (CitationTarget::Commentary, id),
            Self::PolicyEvent(id) => (CitationTarget::PolicyEvent, id),
        }
    }

    fn join(target: CitationTarget, id: i32) -> Self {
        match target {
            CitationTarget::Program => Self::Program(id),
            CitationTarget::Requirement => Self::Requirement(id),
            CitationTarget::Fee => Self::Fee(id),
            CitationTarget::Commentary => Self::Commentary(id),
            CitationTarget::PolicyEvent => Self::PolicyEvent(id),
        }
    }
}

/// A nested list of a record, of any kind. All go through this one key so that the lists one
/// level of a query asks for (a program's requirements, fees, facts, events, citations and
/// commentary) fall in one batch and are read in one statement (`kb::level`), not one per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListOf {
    Requirements(RequirementsOf),
    Fees(FeesOf),
    Facts(FactsOf),
    Events(EventsOf),
    Commentaries(CommentariesOf),
    Citations(CitationsOf),
}

/// The rows of a [`ListOf`].
#[derive(Clone)]
pub enum Listed {
    Requirements(List<requirement::Model>),
    Fees(List<fee::Model>),
    Facts(List<program_fact::Model>),
    Events(List<policy_event::Model>),
    Commentaries(List<commentary::Model>),
    Citations(List<citation::Model>),
}

/// A key of one kind of nested list, and how its rows come out of a [`Listed`].
pub trait Nested: Copy {
    type Row;
    fn key(self) -> ListOf;
    fn rows(listed: Listed) -> Option<List<Self::Row>>;
}

macro_rules! nested {
    ($key:ty, $variant:ident, $row:ty) => {
        impl Nested for $key {
            type Row = $row;
            fn key(self) -> ListOf {
                ListOf::$variant(self)
            }
            fn rows(listed: Listed) -> Option<List<Self::Row>> {
                match listed {
                    Listed::$variant(rows) => Some(rows),
                    _ => None,
                }
            }
        }

        impl From<List<$row>> for Listed {
            fn from(rows: List<$row>) -> Self {
                Listed::$variant(rows)
            }
        }
    };
}

nested!(RequirementsOf, Requirements, requirement::Model);
nested!(FeesOf, Fees, fee::Model);
nested!(FactsOf, Facts, program_fact::Model);
nested!(EventsOf, Events, policy_event::Model);
nested!(CommentariesOf, Commentaries, commentary::Model);
nested!(CitationsOf, Citations, citation::Model);

/// Tells `loaders` that the records of the list about to be loaded under `ctx` (of kind
/// `target`; `Program` for a program's facts) will be asked for their citations, when the
/// selection below asks for any of `fields`, the fields of that type that read them. A
/// field missing from `fields` costs a statement, not a wrong answer.
pub fn expect_citations(
    ctx: &async_graphql::Context<'_>,
    loaders: &Loaders,
    target: CitationTarget,
    fields: &[&str],
) {
    let look = ctx.look_ahead();
    if !fields.iter().any(|f| look.field(f).exists()) {
        return;
    }
    let mut below = loaders
        .loader()
        .citations_below
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !below.contains(&target) {
        below.push(target);
    }
}

/// What the loader holds under a key of type `K`.
type Held<K> = <DbLoader as Loader<K>>::Value;

/// A boxed load of what the loader holds: [`one`], [`many`].
type Loading<'a, T> = BoxFuture<'a, Result<T, Arc<ApiError>>>;

/// What the loader holds under `key`: the request's loader's `load_one`, boxed.
///
/// Boxed because async-graphql boxes and moves a future for every field of every object it
/// answers, and that future is as large as the largest of the type's fields: a loader's
/// 600-byte future inline made each field of a program, a requirement or a citation (`slug`
/// as much as `citations`) a 2 KB allocation and copy. Boxed, only the fields that load pay
/// for it.
pub fn one<K>(loaders: &Loaders, key: K) -> Loading<'_, Option<Held<K>>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Error = Arc<ApiError>>,
{
    Box::pin(loaders.load_one(key))
}

/// What the loader holds under each of `keys`, boxed as [`one`] is.
pub fn many<K, I>(loaders: &Loaders, keys: I) -> Loading<'_, HashMap<K, Held<K>>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    I: IntoIterator<Item = K> + Send + 'static,
    I::IntoIter: Send,
    DbLoader: Loader<K, Error = Arc<ApiError>>,
{
    Box::pin(loaders.load_many(keys))
}

/// The visible rows of the list `key` names (none: an empty list).
pub async fn list<K: Nested>(loaders: &Loaders, key: K) -> Result<List<K::Row>, Arc<ApiError>> {
    Ok(one(loaders, key.key())
        .await?
        .and_then(K::rows)
        .unwrap_or_default())
}

impl Loader<ListOf> for DbLoader {
    type Value = Listed;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[ListOf]) -> LoadResult<ListOf, Self::Value> {
        let mut wanted = level::Wanted::default();
        for key in keys {
            match *key {
                ListOf::Requirements(RequirementsOf(id)) => wanted.requirements.push(id),
                ListOf::Fees(FeesOf(id)) => wanted.fees.push(id),
                ListOf::Facts(FactsOf(id)) => wanted.facts.push(id),
                ListOf::Events(EventsOf(id)) => wanted.events.push(id),
                ListOf::Commentaries(CommentariesOf(id)) => wanted.commentary.push(id),
                ListOf::Citations(of) => {
                    let (target, id) = of.split();
                    match wanted.citations.iter_mut().find(|(t, _)| *t == target) {
                        Some((_, ids)) => ids.push(id),
                        None => wanted.citations.push((target, vec![id])),
                    }
                }
            }
        }
        let below = self.citations_below();
        // A program's facts read their citations from the program's own list.
        if below.contains(&CitationTarget::Program) {
            for key in keys {
                if let ListOf::Facts(FactsOf(id)) = *key {
                    match wanted
                        .citations
                        .iter_mut()
                        .find(|(t, _)| *t == CitationTarget::Program)
                    {
                        Some((_, ids)) if ids.contains(&id) => {}
                        Some((_, ids)) => ids.push(id),
                        None => wanted.citations.push((CitationTarget::Program, vec![id])),
                    }
                }
            }
        }
        wanted.citations_below = below;
        let asked = wanted.citations.clone();
        let found = level::read(&self.db, wanted).await?;
        // Every record whose citations were read gets its list, an empty one included: the
        // request's cache then answers it without a statement.
        let cited: Vec<ListOf> = asked
            .iter()
            .chain(&found.cited)
            .flat_map(|(target, ids)| ids.iter().map(|id| CitationsOf::join(*target, *id).key()))
            .collect();
        {
            let mut came_along = self.came_along();
            came_along.sources.extend(found.sources);
            for said in &found.commentary {
                if let Some(person) = &said.person {
                    came_along
                        .people
                        .entry(person.id)
                        .or_insert_with(|| Arc::clone(person));
                }
            }
        }
        let mut lists = HashMap::with_capacity(keys.len());
        let mut put = |filed: HashMap<ListOf, Listed>| lists.extend(filed);
        put(filed(found.requirements, |r| RequirementsOf(r.program_id)));
        put(filed(found.fees, |f| FeesOf(f.program_id)));
        put(filed(found.facts, |f| FactsOf(f.program_id)));
        put(filed(found.events, |e| EventsOf(e.program_id)));
        put(as_lists(file(
            found
                .commentary
                .into_iter()
                .map(|s| (CommentariesOf(s.program_id), s.commentary)),
        )));
        // A citation supports exactly one record: the one its target column names.
        put(as_lists(file(found.citations.into_iter().filter_map(
            |c| CitationTarget::of(&c).map(|(t, id)| (CitationsOf::join(t, id), c)),
        ))));
        for key in cited {
            lists
                .entry(key)
                .or_insert_with(|| Listed::Citations(List::default()));
        }
        Ok(lists)
    }
}

/// `rows` filed under the list each belongs to.
fn filed<K: Nested<Row = R> + Hash + Eq, R>(
    rows: Vec<R>,
    key: impl Fn(&R) -> K,
) -> HashMap<ListOf, Listed>
where
    List<R>: Into<Listed>,
{
    as_lists(group(rows, key))
}

/// Lists of one kind as [`Listed`] values under their [`ListOf`] keys.
fn as_lists<K: Nested>(lists: HashMap<K, List<K::Row>>) -> HashMap<ListOf, Listed>
where
    List<K::Row>: Into<Listed>,
{
    lists
        .into_iter()
        .map(|(k, rows)| (k.key(), rows.into()))
        .collect()
}

/// A published source by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceById(pub i32);

impl Loader<SourceById> for DbLoader {
    type Value = Arc<source::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[SourceById]) -> LoadResult<SourceById, Self::Value> {
        let (mut found, missing) = Self::split_known(keys, |k| k.0, &self.came_along().sources);
        if !missing.is_empty() {
            let rows = read::sources(&self.db, missing).await?;
            found.extend(by_id(rows, |r| r.id, SourceById));
        }
        Ok(found)
    }
}

/// A published person by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PersonById(pub i32);

impl Loader<PersonById> for DbLoader {
    type Value = Arc<person::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[PersonById]) -> LoadResult<PersonById, Self::Value> {
        let (mut found, missing) = Self::split_known(keys, |k| k.0, &self.came_along().people);
        if !missing.is_empty() {
            let rows = read::people(&self.db, missing).await?;
            found.extend(by_id(rows, |r| r.id, PersonById));
        }
        Ok(found)
    }
}

/// Published programs a commentary is about, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgramsOf(pub i32);

impl Loader<ProgramsOf> for DbLoader {
    type Value = List<program::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[ProgramsOf]) -> LoadResult<ProgramsOf, Self::Value> {
        let pairs = read::programs_discussed(&self.db, ids(keys, |k| k.0)).await?;
        Ok(file(pairs.into_iter().map(|(k, r)| (ProgramsOf(k), r))))
    }
}

/// A published program by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgramById(pub i32);

impl Loader<ProgramById> for DbLoader {
    type Value = Arc<program::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[ProgramById]) -> LoadResult<ProgramById, Self::Value> {
        let rows = read::programs(&self.db, ids(keys, |k| k.0)).await?;
        Ok(by_id(rows, |r| r.id, ProgramById))
    }
}

/// A visible content row of any kind as a JSON object, by kind and id: a page of search hits reads
/// the rows it quotes in one statement per kind instead of one per hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowOf(pub crate::kb::RecordKind, pub i32);

impl Loader<RowOf> for DbLoader {
    type Value = Arc<serde_json::Map<String, serde_json::Value>>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[RowOf]) -> LoadResult<RowOf, Self::Value> {
        let mut by_kind: HashMap<crate::kb::RecordKind, Vec<i32>> = HashMap::new();
        for RowOf(kind, id) in keys {
            by_kind.entry(*kind).or_default().push(*id);
        }
        let mut found = HashMap::with_capacity(keys.len());
        for (kind, ids) in by_kind {
            for (id, row) in crate::store::rows::fetch_visible(&self.db, kind, ids)
                .await
                .map_err(ApiError::from)?
            {
                found.insert(RowOf(kind, id), Arc::new(row));
            }
        }
        Ok(found)
    }
}

/// A revision by id: the public revisions a page of changes follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RevisionById(pub i32);

impl Loader<RevisionById> for DbLoader {
    type Value = Arc<revision::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[RevisionById]) -> LoadResult<RevisionById, Self::Value> {
        let rows = crate::kb::changes::predecessors(&self.db, ids(keys, |k| k.0)).await?;
        Ok(rows
            .into_iter()
            .map(|(id, r)| (RevisionById(id), Arc::new(r)))
            .collect())
    }
}

/// The material of a published program's sheet (`kb::sheet`): the program, its children, their
/// citations and sources, read together for every program the request asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SheetOf(pub i32);

impl Loader<SheetOf> for DbLoader {
    type Value = Arc<Facts>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[SheetOf]) -> LoadResult<SheetOf, Self::Value> {
        let rows = read::sheets(&self.db, ids(keys, |k| k.0)).await?;
        Ok(rows
            .into_iter()
            .map(|f| (SheetOf(f.program.id), Arc::new(f)))
            .collect())
    }
}

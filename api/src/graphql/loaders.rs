//! Batched loads for nested lists: one statement per kind of child for a whole page of parents,
//! however many parents the page has. Created per request, so nothing is cached across requests.
//!
//! Every loader returns visible rows only (`kb::visibility`): a draft never leaks through a
//! nested field.

use crate::kb::RecordKind;
use crate::kb::error::ApiError;
use crate::kb::visibility;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::runtime::{TokioSpawner, TokioTimer};
use entity::{
    citation, commentary, commentary_program, fee, person, policy_event, program, program_fact,
    requirement, source,
};
use sea_orm::sea_query::NullOrdering;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, Order, QueryFilter, QueryOrder};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

/// Loads rows for the GraphQL types of one request.
pub struct DbLoader {
    db: DatabaseConnection,
}

/// The request's loader, with a cache that lives as long as the request: a key asked for twice
/// (a program's citations by `citations` and again by each fact) is read once.
pub type Loaders = DataLoader<DbLoader, HashMapCache>;

/// A fresh loader for one request. With zero delay the keys of one resolver pass are still
/// batched (all are registered before the batch task first runs) and a detail query is not
/// slowed; a small delay batches siblings that finish at different times into fewer statements.
pub fn loaders(db: DatabaseConnection, delay: std::time::Duration) -> Loaders {
    DataLoader::with_cache(
        DbLoader { db },
        TokioSpawner::current(),
        TokioTimer::default(),
        HashMapCache::default(),
    )
    .delay(delay)
}

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<ApiError>>;

/// A list of rows shared by reference: the request cache hands it out again without copying.
pub type List<M> = Arc<Vec<Arc<M>>>;

/// Turns grouped rows into shared lists.
fn share<K: Hash + Eq, R>(map: HashMap<K, Vec<R>>) -> HashMap<K, List<R>> {
    map.into_iter()
        .map(|(k, rows)| (k, Arc::new(rows.into_iter().map(Arc::new).collect())))
        .collect()
}

fn internal(err: sea_orm::DbErr) -> Arc<ApiError> {
    Arc::new(ApiError::from(err))
}

/// Groups `rows` by `key`, keeping their order.
fn group<K: Hash + Eq, R>(rows: Vec<R>, key: impl Fn(&R) -> K) -> HashMap<K, Vec<R>> {
    let mut map: HashMap<K, Vec<R>> = HashMap::new();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

/// Visible rows of `kind` (entity `E`) whose `fk` is one of `ids`, in `order` (unknown values
/// last, on both backends: SQLite would put NULLs first, PostgreSQL last). The keys are visible
/// parents: every GraphQL object is built from a visible row.
async fn visible_children<E: EntityTrait>(
    db: &DatabaseConnection,
    kind: RecordKind,
    fk: E::Column,
    ids: impl IntoIterator<Item = i32>,
    order: &[E::Column],
) -> Result<Vec<E::Model>, Arc<ApiError>> {
    let mut select = E::find()
        .filter(fk.is_in(ids))
        .filter(visibility::under_visible_parent(kind));
    for col in order {
        select = select.order_by_with_nulls(*col, Order::Asc, NullOrdering::Last);
    }
    select.all(db).await.map_err(internal)
}

/// Requirements of a program, by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequirementsOf(pub i32);

impl Loader<RequirementsOf> for DbLoader {
    type Value = List<requirement::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[RequirementsOf]) -> LoadResult<RequirementsOf, Self::Value> {
        use requirement::Column as C;
        let rows = visible_children::<requirement::Entity>(
            &self.db,
            RecordKind::Requirement,
            C::ProgramId,
            keys.iter().map(|k| k.0),
            &[C::Position, C::Id],
        )
        .await?;
        Ok(share(group(rows, |r| RequirementsOf(r.program_id))))
    }
}

/// Fees of a program, oldest first (the whole history).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeesOf(pub i32);

impl Loader<FeesOf> for DbLoader {
    type Value = List<fee::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[FeesOf]) -> LoadResult<FeesOf, Self::Value> {
        use fee::Column as C;
        let rows = visible_children::<fee::Entity>(
            &self.db,
            RecordKind::Fee,
            C::ProgramId,
            keys.iter().map(|k| k.0),
            &[C::EffectiveFrom, C::Id],
        )
        .await?;
        Ok(share(group(rows, |r| FeesOf(r.program_id))))
    }
}

/// Policy events of a program, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventsOf(pub i32);

impl Loader<EventsOf> for DbLoader {
    type Value = List<policy_event::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[EventsOf]) -> LoadResult<EventsOf, Self::Value> {
        use policy_event::Column as C;
        let rows = visible_children::<policy_event::Entity>(
            &self.db,
            RecordKind::PolicyEvent,
            C::ProgramId,
            keys.iter().map(|k| k.0),
            &[C::OccurredOn, C::Id],
        )
        .await?;
        Ok(share(group(rows, |r| EventsOf(r.program_id))))
    }
}

/// How each field of a program is known. (Facts follow their program's visibility.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FactsOf(pub i32);

impl Loader<FactsOf> for DbLoader {
    type Value = List<program_fact::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[FactsOf]) -> LoadResult<FactsOf, Self::Value> {
        let rows = program_fact::Entity::find()
            .filter(program_fact::Column::ProgramId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(program_fact::Column::Id)
            .all(&self.db)
            .await
            .map_err(internal)?;
        Ok(share(group(rows, |r| FactsOf(r.program_id))))
    }
}

/// The record a citation supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CitationsOf {
    Program(i32),
    Requirement(i32),
    Fee(i32),
    Commentary(i32),
    PolicyEvent(i32),
}

impl Loader<CitationsOf> for DbLoader {
    type Value = List<citation::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[CitationsOf]) -> LoadResult<CitationsOf, Self::Value> {
        use citation::Column as C;
        let mut by_kind: [(C, Vec<i32>); 5] = [
            (C::ProgramId, Vec::new()),
            (C::RequirementId, Vec::new()),
            (C::FeeId, Vec::new()),
            (C::CommentaryId, Vec::new()),
            (C::PolicyEventId, Vec::new()),
        ];
        for key in keys {
            let (slot, id) = match *key {
                CitationsOf::Program(id) => (0, id),
                CitationsOf::Requirement(id) => (1, id),
                CitationsOf::Fee(id) => (2, id),
                CitationsOf::Commentary(id) => (3, id),
                CitationsOf::PolicyEvent(id) => (4, id),
            };
            by_kind[slot].1.push(id);
        }
        let mut out: HashMap<CitationsOf, Vec<citation::Model>> = HashMap::new();
        for (col, ids) in by_kind.into_iter().filter(|(_, ids)| !ids.is_empty()) {
            let rows = citation::Entity::find()
                .filter(col.is_in(ids))
                .filter(visibility::under_visible_parent(RecordKind::Citation))
                .order_by_asc(C::Id)
                .all(&self.db)
                .await
                .map_err(internal)?;
            for row in rows {
                let key = match (
                    row.program_id,
                    row.requirement_id,
                    row.fee_id,
                    row.commentary_id,
                    row.policy_event_id,
                ) {
                    (Some(id), ..) => CitationsOf::Program(id),
                    (_, Some(id), ..) => CitationsOf::Requirement(id),
                    (_, _, Some(id), ..) => CitationsOf::Fee(id),
                    (_, _, _, Some(id), _) => CitationsOf::Commentary(id),
                    (_, _, _, _, Some(id)) => CitationsOf::PolicyEvent(id),
                    _ => continue,
                };
                out.entry(key).or_default().push(row);
            }
        }
        Ok(share(out))
    }
}

/// A published source by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceById(pub i32);

impl Loader<SourceById> for DbLoader {
    type Value = Arc<source::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[SourceById]) -> LoadResult<SourceById, Self::Value> {
        use source::Column as C;
        let rows = visible_children::<source::Entity>(
            &self.db,
            RecordKind::Source,
            C::Id,
            keys.iter().map(|k| k.0),
            &[C::Id],
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (SourceById(r.id), Arc::new(r)))
            .collect())
    }
}

/// A published person by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PersonById(pub i32);

impl Loader<PersonById> for DbLoader {
    type Value = Arc<person::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[PersonById]) -> LoadResult<PersonById, Self::Value> {
        use person::Column as C;
        let rows = visible_children::<person::Entity>(
            &self.db,
            RecordKind::Person,
            C::Id,
            keys.iter().map(|k| k.0),
            &[C::Id],
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (PersonById(r.id), Arc::new(r)))
            .collect())
    }
}

/// Rows of the commentary-program link table whose `side` column is one of `ids`.
async fn links(
    db: &DatabaseConnection,
    side: commentary_program::Column,
    ids: impl IntoIterator<Item = i32>,
) -> Result<Vec<commentary_program::Model>, Arc<ApiError>> {
    commentary_program::Entity::find()
        .filter(side.is_in(ids))
        .all(db)
        .await
        .map_err(internal)
}

/// Files each row under every key its links give it (`(row id, key)` pairs), keeping row order.
fn file_through<K: Hash + Eq + Copy, R: Clone>(
    rows: Vec<R>,
    links: &[(i32, K)],
    id: impl Fn(&R) -> i32,
) -> HashMap<K, Vec<R>> {
    let mut out: HashMap<K, Vec<R>> = HashMap::new();
    for row in rows {
        for (_, key) in links.iter().filter(|(row_id, _)| *row_id == id(&row)) {
            out.entry(*key).or_default().push(row.clone());
        }
    }
    out
}

/// Published commentary about a program, oldest statement first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommentariesOf(pub i32);

impl Loader<CommentariesOf> for DbLoader {
    type Value = List<commentary::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[CommentariesOf]) -> LoadResult<CommentariesOf, Self::Value> {
        let links = links(
            &self.db,
            commentary_program::Column::ProgramId,
            keys.iter().map(|k| k.0),
        )
        .await?;
        if links.is_empty() {
            return Ok(HashMap::new());
        }
        use commentary::Column as C;
        let ids = links.iter().map(|l| l.commentary_id);
        let rows = visible_children::<commentary::Entity>(
            &self.db,
            RecordKind::Commentary,
            C::Id,
            ids,
            &[C::SaidOn, C::Id],
        )
        .await?;
        let keyed: Vec<(i32, CommentariesOf)> = links
            .iter()
            .map(|l| (l.commentary_id, CommentariesOf(l.program_id)))
            .collect();
        Ok(share(file_through(rows, &keyed, |r| r.id)))
    }
}

/// Published programs a commentary is about, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgramsOf(pub i32);

impl Loader<ProgramsOf> for DbLoader {
    type Value = List<program::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[ProgramsOf]) -> LoadResult<ProgramsOf, Self::Value> {
        let links = links(
            &self.db,
            commentary_program::Column::CommentaryId,
            keys.iter().map(|k| k.0),
        )
        .await?;
        if links.is_empty() {
            return Ok(HashMap::new());
        }
        use program::Column as C;
        let ids = links.iter().map(|l| l.program_id);
        let rows = visible_children::<program::Entity>(
            &self.db,
            RecordKind::Program,
            C::Id,
            ids,
            &[C::Name, C::Id],
        )
        .await?;
        let keyed: Vec<(i32, ProgramsOf)> = links
            .iter()
            .map(|l| (l.program_id, ProgramsOf(l.commentary_id)))
            .collect();
        Ok(share(file_through(rows, &keyed, |r| r.id)))
    }
}

/// A published program by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgramById(pub i32);

impl Loader<ProgramById> for DbLoader {
    type Value = Arc<program::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[ProgramById]) -> LoadResult<ProgramById, Self::Value> {
        use program::Column as C;
        let rows = visible_children::<program::Entity>(
            &self.db,
            RecordKind::Program,
            C::Id,
            keys.iter().map(|k| k.0),
            &[C::Id],
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (ProgramById(r.id), Arc::new(r)))
            .collect())
    }
}

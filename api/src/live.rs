//! Live changes: subscribers hear of each revision as it is committed, on every replica.
//!
//! On PostgreSQL a trigger on `revision` (migration 7) sends `NOTIFY visa_kb_revision, '<id>'`
//! inside the writing transaction, which PostgreSQL delivers only once it commits, to every
//! server listening; each server's listener task passes the ids on to its subscribers. On
//! SQLite (one process) the writer wakes its subscribers itself after committing
//! ([`LiveChanges::committed`]), and they look for what is new.
//!
//! A subscriber never trusts the notice for what it may show: it reads the revisions again
//! through the same statements as the queries (`kb::changes::public_changes` for the public),
//! so visibility is decided in one place and at delivery time.

use crate::kb::keyset::Position;
use crate::kb::lists::changes_order;
use chrono::{DateTime, Duration as Span, Utc};
use entity::revision;
use futures::Stream;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Select,
};
use std::collections::{HashSet, VecDeque};
use std::time::Duration;
use tokio::sync::broadcast;

/// The channel the migration's trigger notifies on.
pub const CHANNEL: &str = "visa_kb_revision";

/// How far back a subscriber looks when told only "something changed": revisions are stamped
/// by the application before their transaction commits, so one may land a little after a later
/// stamped one.
const LOOK_BACK: Span = Span::seconds(10);

/// Revisions read per statement when catching up.
const BATCH: u64 = 100;

/// What a subscriber is told.
#[derive(Debug, Clone)]
pub enum Wake {
    /// These revisions were committed.
    Revisions(Vec<i32>),
    /// Something may have been committed (SQLite, or notices may have been lost).
    Any,
}

/// The hub of one server process.
#[derive(Clone)]
pub struct LiveChanges {
    tx: broadcast::Sender<Wake>,
    backend: DbBackend,
}

impl LiveChanges {
    /// A hub with no listener: SQLite, or before the listener starts.
    pub fn new(backend: DbBackend) -> Self {
        let (tx, _) = broadcast::channel(1024);
        Self { tx, backend }
    }

    /// Starts listening for PostgreSQL's notices on a connection of its own (`db`), for as
    /// long as the process runs, reconnecting after a loss (and telling subscribers to look
    /// for what they may have missed).
    pub fn listen(&self, db: DatabaseConnection) {
        if self.backend != DbBackend::Postgres {
            return;
        }
        let tx = self.tx.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = listen_once(&db, &tx).await {
                    tracing::warn!(error = %e, "live changes: the listener lost PostgreSQL; retrying in 1 s");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                let _ = tx.send(Wake::Any);
            }
        });
    }

    /// After a write committed in this process: on SQLite, wakes the subscribers (on
    /// PostgreSQL the commit itself delivered the notices).
    pub fn committed(&self) {
        if self.backend != DbBackend::Postgres {
            // No subscriber is no error.
            let _ = self.tx.send(Wake::Any);
        }
    }

    /// A receiver of wake-ups, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Wake> {
        self.tx.subscribe()
    }
}

async fn listen_once(db: &DatabaseConnection, tx: &broadcast::Sender<Wake>) -> Result<(), DbErr> {
    use sea_orm::sqlx::postgres::PgListener;
    let sqlx = |e: sea_orm::sqlx::Error| DbErr::Custom(format!("listener: {e}"));
    let mut listener = PgListener::connect_with(db.get_postgres_connection_pool())
        .await
        .map_err(sqlx)?;
    listener.listen(CHANNEL).await.map_err(sqlx)?;
    tracing::info!(channel = CHANNEL, "live changes: listening");
    loop {
        match listener.try_recv().await.map_err(sqlx)? {
            Some(notice) => {
                if let Ok(id) = notice.payload().parse::<i32>() {
                    let _ = tx.send(Wake::Revisions(vec![id]));
                }
            }
            // The connection dropped and was made again: notices in between are lost.
            None => {
                let _ = tx.send(Wake::Any);
            }
        }
    }
}

/// A subscriber's place: what it has been given, so that nothing comes twice.
struct Follower {
    db: DatabaseConnection,
    /// The revisions it may see (public changes, or every revision for editors).
    base: Select<revision::Entity>,
    wakes: broadcast::Receiver<Wake>,
    /// Revisions up to this id existed before it subscribed (unless a notice names them).
    floor: i32,
    /// The newest stamp given, and the ids given since `newest - LOOK_BACK`.
    newest: DateTime<Utc>,
    given: VecDeque<(DateTime<Utc>, i32)>,
    given_ids: HashSet<i32>,
    /// Revisions read and not yet handed out, oldest first.
    ready: VecDeque<revision::Model>,
    /// After a failed read, the next wake looks back instead of trusting its ids.
    resync: bool,
}

impl Follower {
    fn remember(&mut self, row: &revision::Model) {
        self.newest = self.newest.max(row.created_at);
        self.given.push_back((row.created_at, row.id));
        self.given_ids.insert(row.id);
        let horizon = self.newest - LOOK_BACK;
        while let Some((at, id)) = self.given.front().copied() {
            if at >= horizon {
                break;
            }
            self.given.pop_front();
            self.given_ids.remove(&id);
        }
    }

    /// Reads what a wake-up announces, oldest first, leaving out what was given.
    async fn read(&mut self, wake: Wake) -> Result<(), DbErr> {
        let order = changes_order();
        // Newest first, as the order reads.
        let rows = match wake {
            Wake::Revisions(ids) if !self.resync => {
                order
                    .sort(self.base.clone().filter(revision::Column::Id.is_in(ids)))
                    .all(&self.db)
                    .await?
            }
            _ => {
                // Everything stamped since a little before the newest given, above the floor,
                // a batch at a time (oldest first).
                let mut found: Vec<revision::Model> = Vec::new();
                let mut after: Option<Position> = None;
                loop {
                    let mut select = self
                        .base
                        .clone()
                        .filter(revision::Column::CreatedAt.gt(self.newest - LOOK_BACK))
                        .filter(revision::Column::Id.gt(self.floor));
                    if let Some(at) = &after {
                        // Reading backward (oldest first) through the newest-first order.
                        select = select.filter(order.before(at));
                    }
                    let mut statement = sea_orm::QueryTrait::into_query(select);
                    order.select_keys(&mut statement);
                    order.order(&mut statement, true);
                    statement.limit(BATCH);
                    let rows = self.db.query_all(&statement).await?;
                    let n = rows.len() as u64;
                    for row in &rows {
                        after = Some(order.position(row)?);
                        found.push(
                            <revision::Model as sea_orm::FromQueryResult>::from_query_result(
                                row, "",
                            )?,
                        );
                    }
                    if n < BATCH {
                        break;
                    }
                }
                found.reverse();
                found
            }
        };
        self.resync = false;
        // Handed out oldest first.
        for row in rows.into_iter().rev() {
            if !self.given_ids.contains(&row.id) {
                self.remember(&row);
                self.ready.push_back(row);
            }
        }
        Ok(())
    }
}

/// The revisions of `base` committed from now on, oldest first, each once. A failed read is
/// logged and retried on the next wake-up (looking back); the stream ends only when the
/// subscriber goes.
pub async fn follow(
    db: DatabaseConnection,
    live: &LiveChanges,
    base: Select<revision::Entity>,
) -> Result<impl Stream<Item = revision::Model> + Send + use<>, DbErr> {
    // Subscribed before reading the floor, so that nothing committed in between is missed.
    let wakes = live.subscribe();
    let floor = revision::Entity::find()
        .select_only()
        .column_as(revision::Column::Id.max(), "max")
        .into_tuple::<Option<i32>>()
        .one(&db)
        .await?
        .flatten()
        .unwrap_or(0);
    let follower = Follower {
        db,
        base,
        wakes,
        floor,
        newest: Utc::now(),
        given: VecDeque::new(),
        given_ids: HashSet::new(),
        ready: VecDeque::new(),
        resync: false,
    };
    Ok(futures::stream::unfold(follower, |mut f| async move {
        loop {
            if let Some(row) = f.ready.pop_front() {
                return Some((row, f));
            }
            let wake = match f.wakes.recv().await {
                Ok(wake) => wake,
                // Too slow to keep up: look for what was missed.
                Err(broadcast::error::RecvError::Lagged(_)) => Wake::Any,
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            if let Err(e) = f.read(wake).await {
                tracing::warn!(error = %e, "live changes: cannot read new revisions; will look again");
                f.resync = true;
            }
        }
    }))
}

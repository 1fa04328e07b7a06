//! Live changes: subscribers hear of each revision as it is committed, on every replica.
//!
//! On PostgreSQL a trigger on `revision` (migration 7) sends `NOTIFY visa_kb_revision, '<id>'`
//! inside the writing transaction, which PostgreSQL delivers only once it commits, to every
//! server listening; each server's listener task passes the ids on to its subscribers. On
//! SQLite (one process) the writer wakes its subscribers itself after committing
//! ([`LiveChanges::committed`]), and they look for what is new.
//!
//! The same notices tell the response cache when its answers go stale ([`LiveChanges::heard`]):
//! while this process is listening, an answer computed since the last notice is current, and a
//! cached one is served without asking the database anything. Every notice, every write of this
//! process, and every start or loss of the listener moves what was heard on; a heartbeat
//! (`NOTIFY visa_kb_heartbeat` every [`HEARTBEAT`]) proves the listener's connection still
//! delivers, and after [`DEAF_AFTER`] without one the cache goes back to asking the database.
//!
//! A subscriber never trusts the notice for what it may show: it reads the revisions again
//! through the same statements as the queries (`kb::changes::public_changes` for the public),
//! so visibility is decided in one place and at delivery time.

use crate::kb::keyset::Position;
use crate::kb::lists::changes_order;
use crate::kb::one_of::one_of;
use chrono::{DateTime, Duration as Span, Utc};
use entity::revision;
use futures::Stream;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Select,
};
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// The channel the migration's trigger notifies on.
pub const CHANNEL: &str = "visa_kb_revision";

/// The channel every server pings on, to prove that its listener still hears.
const HEARTBEAT_CHANNEL: &str = "visa_kb_heartbeat";

/// How often each server pings.
pub const HEARTBEAT: Duration = Duration::from_secs(2);

/// How long without any notice (a ping or a revision) before the listener is taken for deaf: a
/// connection can hang without failing. At most this long, a cached answer may miss a change.
pub const DEAF_AFTER: Duration = Duration::from_secs(6);

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

/// What this process has heard of the content: one number, odd while the listener hears
/// (`LISTEN` is in place and a notice came within [`DEAF_AFTER`]), even otherwise. It moves on
/// by 2 with every notice and every write of this process (keeping its parity), and by 1 when
/// the listener starts or stops: only the listener task changes the parity, so a single load
/// tells both whether to trust it and what was heard.
struct Heard {
    state: AtomicU64,
    /// Milliseconds since `epoch` of the last notice the listener received.
    last_notice: AtomicU64,
    epoch: Instant,
    deaf_after_ms: u64,
}

impl Heard {
    fn new(deaf_after: Duration) -> Self {
        Self {
            state: AtomicU64::new(0),
            last_notice: AtomicU64::new(0),
            epoch: Instant::now(),
            deaf_after_ms: u64::try_from(deaf_after.as_millis()).unwrap_or(u64::MAX),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Something changed, or may have.
    fn moved(&self) {
        self.state.fetch_add(2, Ordering::SeqCst);
    }

    /// The listener hears from now on; what came before it is unknown.
    fn started(&self) {
        self.last_notice.store(self.now_ms(), Ordering::SeqCst);
        if self.state.load(Ordering::SeqCst).is_multiple_of(2) {
            self.state.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// The listener stopped hearing.
    fn stopped(&self) {
        if !self.state.load(Ordering::SeqCst).is_multiple_of(2) {
            self.state.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A notice arrived. After a silence longer than [`DEAF_AFTER`] (when [`Heard::current`]
    /// already stopped trusting the listener), notices may have been lost: move on.
    fn noticed(&self, revision: bool) {
        let now = self.now_ms();
        let last = self.last_notice.swap(now, Ordering::SeqCst);
        if revision || now.saturating_sub(last) > self.deaf_after_ms {
            self.moved();
        }
    }

    fn current(&self) -> Option<u64> {
        let state = self.state.load(Ordering::SeqCst);
        let silent = self
            .now_ms()
            .saturating_sub(self.last_notice.load(Ordering::SeqCst));
        (!state.is_multiple_of(2) && silent <= self.deaf_after_ms).then_some(state)
    }
}

/// The hub of one server process.
#[derive(Clone)]
pub struct LiveChanges {
    tx: broadcast::Sender<Wake>,
    backend: DbBackend,
    heard: Arc<Heard>,
}

impl LiveChanges {
    /// A hub with no listener: SQLite, or before the listener starts.
    pub fn new(backend: DbBackend) -> Self {
        let (tx, _) = broadcast::channel(1024);
        Self {
            tx,
            backend,
            heard: Arc::new(Heard::new(DEAF_AFTER)),
        }
    }

    /// What this process has heard of the content, while its listener hears every replica's
    /// commits: two reads that get the same value saw the same content. None when it cannot
    /// tell (SQLite, no listener yet, the listener lost or silent): ask the database
    /// (`kb::read::content_version`).
    pub fn heard(&self) -> Option<u64> {
        self.heard.current()
    }

    /// Starts listening for PostgreSQL's notices on a connection of its own (`db`), for as
    /// long as the process runs, reconnecting after a loss (and telling subscribers to look
    /// for what they may have missed).
    pub fn listen(&self, db: DatabaseConnection) {
        if self.backend != DbBackend::Postgres {
            return;
        }
        let tx = self.tx.clone();
        let heard = self.heard.clone();
        let pinging = db.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = listen_once(&db, &tx, &heard).await {
                    tracing::warn!(error = %e, "live changes: the listener lost PostgreSQL; retrying in 1 s");
                }
                heard.stopped();
                tokio::time::sleep(Duration::from_secs(1)).await;
                let _ = tx.send(Wake::Any);
            }
        });
        tokio::spawn(async move {
            let mut every = tokio::time::interval(HEARTBEAT);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                let ping = format!("NOTIFY {HEARTBEAT_CHANNEL}");
                if let Err(e) = pinging.execute_unprepared(&ping).await {
                    tracing::debug!(error = %e, "live changes: cannot send the heartbeat");
                }
            }
        });
    }

    /// After a write committed in this process: on SQLite, wakes the subscribers (on
    /// PostgreSQL the commit itself delivered the notices).
    pub fn committed(&self) {
        // This process sees its own write at once, before its notice comes back.
        self.heard.moved();
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

async fn listen_once(
    db: &DatabaseConnection,
    tx: &broadcast::Sender<Wake>,
    heard: &Heard,
) -> Result<(), DbErr> {
    use sea_orm::sqlx::postgres::PgListener;
    let sqlx = |e: sea_orm::sqlx::Error| DbErr::Custom(format!("listener: {e}"));
    let mut listener = PgListener::connect_with(db.get_postgres_connection_pool())
        .await
        .map_err(sqlx)?;
    listener
        .listen_all([CHANNEL, HEARTBEAT_CHANNEL])
        .await
        .map_err(sqlx)?;
    heard.started();
    tracing::info!(channel = CHANNEL, "live changes: listening");
    loop {
        match listener.try_recv().await.map_err(sqlx)? {
            Some(notice) if notice.channel() == HEARTBEAT_CHANNEL => heard.noticed(false),
            Some(notice) => {
                heard.noticed(true);
                if let Ok(id) = notice.payload().parse::<i32>() {
                    let _ = tx.send(Wake::Revisions(vec![id]));
                }
            }
            // The connection dropped and was made again: notices in between are lost.
            None => {
                heard.moved();
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
                    .sort(self.base.clone().filter(one_of(
                        self.db.get_database_backend(),
                        revision::Column::Id,
                        ids,
                    )))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_heard_is_trusted_only_while_listening() {
        let heard = Heard::new(Duration::from_secs(60));
        assert_eq!(heard.current(), None, "not listening yet");
        heard.started();
        let first = heard.current().expect("listening");
        assert_eq!(heard.current(), Some(first), "nothing happened");
        heard.noticed(false);
        assert_eq!(heard.current(), Some(first), "a heartbeat changes nothing");
        heard.noticed(true);
        let second = heard.current().expect("still listening");
        assert_ne!(second, first, "a revision moves it on");
        heard.moved();
        assert_ne!(heard.current(), Some(second), "a write of this process too");
        heard.stopped();
        assert_eq!(heard.current(), None, "lost");
        heard.moved();
        heard.started();
        let again = heard.current().expect("listening again");
        assert!(
            again > second,
            "never a value of before the loss: {again} {second}"
        );
    }

    #[test]
    fn a_silent_listener_is_not_trusted_and_moves_on_when_heard_again() {
        let heard = Heard::new(Duration::from_millis(20));
        heard.started();
        let before = heard.current().expect("listening");
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(heard.current(), None, "silent for longer than allowed");
        heard.noticed(false);
        let after = heard.current().expect("heard again");
        assert_ne!(after, before, "notices may have been lost meanwhile");
    }
}

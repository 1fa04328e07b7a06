//! Connecting to the database and bringing its schema up to date.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// Options of one connection pool. Each HTTP worker opens its own pool, so that connections are
/// used on the runtime that opened them. `acquire_timeout` bounds the wait for a connection
/// (and for opening one): past it a request fails fast as "unavailable" instead of hanging.
pub fn connect_options(
    url: &SecretString,
    max_connections: u32,
    acquire_timeout: Duration,
) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.expose_secret().to_owned());
    opts.max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(acquire_timeout)
        .acquire_timeout(acquire_timeout)
        // By default every acquire pings the connection first: one more round trip for every
        // statement, which doubled the work of a cached answer. A connection idle for more
        // than a second is still checked: after a database restart, the connections that
        // were busy failed with their requests and were dropped (sqlx checks a connection
        // when it comes back), and the idle ones are checked here, so recovery costs at most
        // the requests that were in flight.
        .test_before_acquire_if_idle_for(Duration::from_secs(1))
        .sqlx_logging(false)
        // No JIT: PostgreSQL compiles a statement whose estimated cost is high (the search
        // statement's visibility clauses over eight kinds), and compiling took 1.8 s of a
        // statement that runs in 11 ms (benchmark data, search for "bench"). Our statements
        // are short; JIT only pays off for long analytical scans.
        //
        // Generic plans: sqlx prepares every statement once per connection, but PostgreSQL
        // kept planning each execution of the change list again (a custom plan: 1.6-2.5 ms of
        // planning for 0.5 ms of execution, its visibility clauses over eight kinds) because
        // the generic plan's estimate, with its parameters unknown, looked dearer. Forcing the
        // generic plan, measured at 10,000 programs with 16 connections, cache off: `changes`
        // 620 -> 1,662 req/s (p99 60 -> 28 ms), the feed 532 -> 1,589 (p99 77 -> 22 ms), the
        // list (a) 181 -> 214; the others within noise (detail +4%, search +5%, compare +3%,
        // filtered programs -7%, timeline -4%). Our parameters are keys, cursors and the fixed
        // state names, whose values do not change the best plan.
        //
        // Random reads as cheap as they are: the planner's default (`random_page_cost` 4)
        // prices a probe by key as four sequential page reads, as on a spinning disk, so for a
        // page's 70 citations it hashed all 6,000 sources (a seq scan) rather than look 70 up
        // on the primary key: 1.1 ms against 0.28 ms, and the hashed table grows with the
        // data. A knowledge base's working set is in memory (or on SSD), where 1.1 is the
        // usual setting.
        .map_sqlx_postgres_opts(|pg| {
            pg.options([
                ("jit", "off"),
                ("plan_cache_mode", "force_generic_plan"),
                ("random_page_cost", "1.1"),
            ])
        });
    opts
}

pub async fn connect(
    url: &SecretString,
    max_connections: u32,
    acquire_timeout: Duration,
) -> Result<DatabaseConnection, DbErr> {
    let db = Database::connect(connect_options(url, max_connections, acquire_timeout)).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers and the writer work at once; the setting is kept in the file.
        db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
    }
    Ok(db)
}

/// Applies all pending migrations, in one transaction that writes ([`begin_write`]): replicas
/// starting at once take turns, and none leaves a half-migrated schema.
///
/// On SQLite the transaction also keeps every migration on one connection. Run over the pool,
/// a statement could go to a connection that had been idle since an earlier migration, whose
/// copy of the schema was stale: SQLite reads the schema again when a statement runs, but
/// checks `CREATE INDEX` names against its copy when preparing, so a migration that dropped a
/// table and created its index again failed, now and then, with "index ... already exists".
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    Migrator::up(&txn, None).await?;
    txn.commit().await
}

/// The lock every writing transaction holds on PostgreSQL (see [`begin_write`]).
const WRITE_LOCK: i64 = 0x7669_7361_7772; // "visawr"

/// Starts a transaction that will write, and waits for its turn: writers take turns, on
/// PostgreSQL as on SQLite.
///
/// The content version is the newest revision's id, and `changes(since:)` reads revisions by
/// their time. Both are taken when a revision is written, so they only follow the order in
/// which writes become visible if one writer commits before the next takes its id and time:
/// else a write that took id 10 and committed after one that took 11 would be in no answer
/// kept at version 11, and a reader who had seen 11's time would never be shown it. On
/// PostgreSQL every writing transaction (mutations, accounts, imports, migrations) first takes
/// one advisory lock, held until it ends; writes are short, and an import or a migration
/// already held the database to itself. On SQLite `BEGIN IMMEDIATE` takes the write lock at
/// `BEGIN`: a deferred transaction that read first could not upgrade to a writer once another
/// connection wrote, and would fail with "database is locked" instead of waiting its turn.
pub async fn begin_write(
    db: &sea_orm::DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
            .await?;
    }
    Ok(txn)
}

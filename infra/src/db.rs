//! Opening the database: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL, by URL, as
//! one [`Db`] handle that sends writes to the writer and counts the statements of a request.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::pool::PoolOptions;
use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::sqlx::{ConnectOptions as _, Connection, Database as SqlxDatabase};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction,
    DbBackend, DbErr, ExecResult, IsolationLevel, QueryResult, SqlxPostgresConnector,
    SqlxSqliteConnector, Statement, TransactionError, TransactionTrait,
};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("unsupported database URL {0}: use sqlite://PATH or postgres://USER@HOST/NAME")]
    UnsupportedScheme(String),
    #[error("invalid database URL {url}: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("cannot open database {url}: {reason}")]
    Unreachable { url: String, reason: String },
}

/// Which SQL dialect a connection speaks; a few statements (locks) differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }

    /// The dialect of an open connection; `connect` opens no other kind.
    pub fn of_connection(db: &impl ConnectionTrait) -> Self {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => Self::Postgres,
            _ => Self::Sqlite,
        }
    }
}

/// The database as the application uses it.
///
/// SQLite lets one writer in at a time, and a transaction that read before it writes is
/// refused at once (`database is locked`) when another wrote meanwhile, whatever the busy
/// timeout. So on SQLite every transaction and every write outside one goes through a writer
/// pool of one connection, where writers wait their turn in this process, while reads outside
/// transactions go to a pool of their own. On PostgreSQL both are one pool.
///
/// It is a [`ConnectionTrait`] and a [`TransactionTrait`]: a statement sent through it goes to
/// the reader when it is a `SELECT`, to the writer otherwise; a transaction is the writer's.
#[derive(Clone, Debug)]
pub struct Db {
    writer: DatabaseConnection,
    reader: DatabaseConnection,
    backend: Backend,
}

impl Db {
    /// Connects to the database `url` names, creating a SQLite file if it is missing.
    /// `max_connections` bounds the reader pool (and on PostgreSQL the one pool).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, ConnectError> {
        let shown = redact(url);
        match Backend::of(url) {
            Some(Backend::Sqlite) => {
                let writer = connect_sqlite(url, &shown, 1).await?;
                let reader = connect_sqlite(url, &shown, max_connections).await?;
                Ok(Self::new(writer, reader, Backend::Sqlite))
            }
            Some(Backend::Postgres) => {
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| ConnectError::InvalidUrl {
                        url: shown.clone(),
                        reason: e.to_string(),
                    })?
                    .disable_statement_logging();
                let pool = pool_options(max_connections)
                    .min_connections(1)
                    .connect_with(options)
                    .await
                    .map_err(|e| unreachable(&shown, &e))?;
                let pool = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
                Ok(Self::new(pool.clone(), pool, Backend::Postgres))
            }
            None => Err(ConnectError::UnsupportedScheme(shown)),
        }
    }

    fn new(
        mut writer: DatabaseConnection,
        mut reader: DatabaseConnection,
        backend: Backend,
    ) -> Self {
        writer.set_metric_callback(|_| statements::count_one());
        reader.set_metric_callback(|_| statements::count_one());
        Self {
            writer,
            reader,
            backend,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection writes and transactions go through (migrations, for one).
    pub fn writer(&self) -> &DatabaseConnection {
        &self.writer
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.reader.ping().await?;
        self.writer.ping().await
    }

    fn route(&self, stmt: &Statement) -> &DatabaseConnection {
        let sql = stmt.sql.trim_start();
        let reads = sql
            .get(..6)
            .is_some_and(|head| head.eq_ignore_ascii_case("select"));
        if reads {
            &self.reader
        } else {
            &self.writer
        }
    }
}

#[sea_orm::prelude::async_trait::async_trait]
impl ConnectionTrait for Db {
    fn get_database_backend(&self) -> DbBackend {
        self.writer.get_database_backend()
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.route(&stmt).execute(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.writer.execute_unprepared(sql).await
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.route(&stmt).query_one(stmt).await
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.route(&stmt).query_all(stmt).await
    }
}

#[sea_orm::prelude::async_trait::async_trait]
impl TransactionTrait for Db {
    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.writer.begin().await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<DatabaseTransaction, DbErr> {
        self.writer
            .begin_with_config(isolation_level, access_mode)
            .await
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.writer.transaction(callback).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.writer
            .transaction_with_config(callback, isolation_level, access_mode)
            .await
    }
}

/// Counting the statements one piece of work sends: a request's cost, as the statement-count
/// tests and the access log read it. Only statements sent from within [`statements::counted`]
/// count, so background work running beside a request never adds to its figure.
pub mod statements {
    use super::{Cell, Future};

    tokio::task_local! {
        static SENT: Cell<u32>;
    }

    /// Runs `work` and answers its output with the number of statements it sent.
    pub async fn counted<F: Future>(work: F) -> (F::Output, u32) {
        SENT.scope(Cell::new(0), async move {
            let output = work.await;
            (output, SENT.with(Cell::get))
        })
        .await
    }

    pub(super) fn count_one() {
        // Outside `counted` there is nobody to tell.
        let _ = SENT.try_with(|sent| sent.set(sent.get() + 1));
    }
}

/// A connection idle for longer than this is pinged before a request gets it.
const PING_AFTER_IDLE: Duration = Duration::from_secs(10);

/// The pool of either backend. sqlx pings every connection when it goes back to the pool; its
/// default of pinging it again when the next statement takes it would make a statement three
/// round trips instead of two (a read of a case, three statements, paid six pings). A
/// connection that has just been returned alive is pinged only after it sat idle, which is when
/// a restart of the database or a dropped link can have broken it; one broken under load fails
/// its statement (a 503) and is then dropped by the ping on its return.
fn pool_options<DB: SqlxDatabase>(max_connections: u32) -> PoolOptions<DB> {
    PoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .test_before_acquire(false)
        .before_acquire(|connection: &mut DB::Connection, meta| {
            Box::pin(async move {
                if meta.idle_for > PING_AFTER_IDLE {
                    connection.ping().await?;
                }
                Ok(true)
            })
        })
}

async fn connect_sqlite(
    url: &str,
    shown: &str,
    max_connections: u32,
) -> Result<DatabaseConnection, ConnectError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| ConnectError::InvalidUrl {
            url: shown.to_owned(),
            reason: e.to_string(),
        })?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // WAL makes NORMAL durable across application crashes; only power loss can drop the
        // last transactions, which is the usual trade for an embedded deployment.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = pool_options(max_connections)
        .connect_with(options)
        .await
        .map_err(|e| unreachable(shown, &e))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

fn unreachable(shown: &str, error: &impl std::fmt::Display) -> ConnectError {
    ConnectError::Unreachable {
        url: shown.to_owned(),
        reason: error.to_string(),
    }
}

/// The URL with any password replaced, fit for logs and error messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Only fails for URLs that cannot have a password, which this one has.
            let _ = parsed.set_password(Some("REDACTED"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Scratch databases for the tests of this crate's SQL.
#[cfg(test)]
pub(crate) mod testing {
    #![allow(clippy::unwrap_used)]

    use sea_orm::ConnectionTrait;
    use tempfile::TempDir;

    use super::Db;

    /// Fresh, empty databases: a SQLite file, and a PostgreSQL database as well when
    /// `LIAISON_TEST_DATABASE_URL` names a server. The directory holds the file.
    pub async fn scratch_databases() -> (TempDir, Vec<Db>) {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = format!("sqlite://{}/scratch.db", dir.path().display());
        let mut found = vec![Db::connect(&sqlite, 4).await.unwrap()];
        if let Ok(admin_url) = std::env::var("LIAISON_TEST_DATABASE_URL") {
            // Named like the end-to-end tests' databases, which scripts/test-services.sh drops.
            let name = format!("liaison_test_scratch_{}", uuid::Uuid::new_v4().simple());
            let admin = Db::connect(&admin_url, 1).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            let mut url = url::Url::parse(&admin_url).unwrap();
            url.set_path(&name);
            found.push(Db::connect(url.as_str(), 4).await.unwrap());
        }
        (dir, found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let shown = redact("postgres://liaison:s3cret@db:5432/liaison");
        assert!(!shown.contains("s3cret"));
        assert!(shown.contains("REDACTED"));
        assert_eq!(
            redact("sqlite://./data/liaison.db"),
            "sqlite://./data/liaison.db"
        );
    }

    #[tokio::test]
    async fn unknown_schemes_are_refused_with_a_clear_message() {
        let error = Db::connect("mysql://root:pw@localhost/x", 1)
            .await
            .unwrap_err();
        let text = error.to_string();
        assert!(text.contains("unsupported database URL"), "{text}");
        assert!(!text.contains(":pw@"), "{text}");
    }

    #[tokio::test]
    async fn sqlite_writers_wait_their_turn_and_statements_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/w.db", dir.path().display());
        let db = Db::connect(&url, 4).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (n INTEGER NOT NULL)")
            .await
            .unwrap();
        // Each task reads, then writes in the same transaction: without the single writer,
        // SQLite refuses all but the first at once.
        let tasks = (0..8).map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let txn = db.begin().await?;
                txn.query_one(Statement::from_string(
                    DbBackend::Sqlite,
                    "SELECT COUNT(*) FROM t",
                ))
                .await?;
                tokio::task::yield_now().await;
                txn.execute_unprepared("INSERT INTO t (n) VALUES (1)")
                    .await?;
                txn.commit().await
            })
        });
        for task in tasks.collect::<Vec<_>>() {
            task.await.unwrap().unwrap();
        }
        let select = Statement::from_string(DbBackend::Sqlite, "SELECT COUNT(*) AS n FROM t");
        let (row, sent) = statements::counted(db.query_one(select.clone())).await;
        let n: i64 = row.unwrap().unwrap().try_get("", "n").unwrap();
        assert_eq!(n, 8);
        assert_eq!(sent, 1);
        let (_, sent) = statements::counted(async {
            let txn = db.begin().await.unwrap();
            txn.query_one(select.clone()).await.unwrap();
            txn.execute(Statement::from_string(DbBackend::Sqlite, "DELETE FROM t"))
                .await
                .unwrap();
            txn.commit().await.unwrap();
        })
        .await;
        assert_eq!(sent, 2, "statements in a transaction count too");
    }

    #[tokio::test]
    async fn sqlite_files_are_created() {
        let dir = std::env::temp_dir().join(format!("liaison-db-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/t.db", dir.display());
        Db::connect(&url, 1).await.unwrap();
        assert!(dir.join("t.db").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

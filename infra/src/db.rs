//! Opening the database: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL, by URL.

use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr,
    SqlxSqliteConnector,
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

/// Connects to the database `url` names, creating a SQLite file if it is missing.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, ConnectError> {
    let shown = redact(url);
    match Backend::of(url) {
        Some(Backend::Sqlite) => connect_sqlite(url, &shown, max_connections).await,
        Some(Backend::Postgres) => {
            let mut options = ConnectOptions::new(url);
            options
                .max_connections(max_connections)
                .min_connections(1)
                .connect_timeout(Duration::from_secs(5))
                .acquire_timeout(Duration::from_secs(5))
                .sqlx_logging(false);
            Database::connect(options)
                .await
                .map_err(|e| unreachable(&shown, &e))
        }
        None => Err(ConnectError::UnsupportedScheme(shown)),
    }
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
    let pool = SqlitePoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|e| ConnectError::Unreachable {
            url: shown.to_owned(),
            reason: e.to_string(),
        })?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

fn unreachable(shown: &str, error: &DbErr) -> ConnectError {
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
        let error = connect("mysql://root:pw@localhost/x", 1).await.unwrap_err();
        let text = error.to_string();
        assert!(text.contains("unsupported database URL"), "{text}");
        assert!(!text.contains(":pw@"), "{text}");
    }

    #[tokio::test]
    async fn sqlite_files_are_created() {
        let dir = std::env::temp_dir().join(format!("liaison-db-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/t.db", dir.display());
        connect(&url, 1).await.unwrap();
        assert!(dir.join("t.db").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

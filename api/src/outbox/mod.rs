//! The transactional outbox: messages for channels outside the database, written in the
//! transaction that changes a case and delivered at least once by the dispatcher.

pub mod dead_letters;
pub mod dispatcher;
pub mod routes;

use sea_orm::DbErr;

pub use liaison_domain::delivery::Channel;
/// What a case step writes for a channel: the store's, since the store writes it.
pub use liaison_infra::store::outbox::NewMessage;

/// How an attempt that did not fail ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Not sent and never will be, for a reason that is nobody's fault (the resident has no
    /// grant left, the webhook was switched off).
    Skipped(String),
}

/// How an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Worth trying again later (timeouts, 5xx, WeChat busy).
    Retry(String),
    /// Trying again cannot help until someone fixes something (a bad template id): straight to
    /// the dead letters, where an admin can retry it after the fix.
    Final(String),
}

pub type Attempt = Result<Outcome, Failure>;

impl From<DbErr> for Failure {
    /// The database failed the attempt: worth trying again. The message keeps a plain word
    /// (admins read it), the log the cause.
    fn from(error: DbErr) -> Self {
        tracing::warn!(%error, "a delivery could not read or write the database");
        Self::Retry("database: unavailable".to_owned())
    }
}

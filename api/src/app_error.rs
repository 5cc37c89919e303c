//! What a use-case answers when it does not do what was asked.
//!
//! Use-cases, workers and the CLI speak `AppError`; each edge renders it its own way: the REST
//! edge as problem+json (`impl From<AppError> for ApiError`, the one mapping), the console as a
//! page or a form with the message beside the field. Control flow matches variants, never the
//! codes they render to.

use std::time::Duration;

use liaison_domain::case::{CaseError, CaseStatus};
use liaison_domain::Invalid;

/// The error of every use-case.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Fields that break their rules, each named.
    #[error("invalid fields: {0:?}")]
    Invalid(Invalid),
    /// No valid credential, or one that no longer holds.
    #[error("not authenticated: {0:?}")]
    Unauthenticated(Unauthenticated),
    /// Known, but this actor may not do this: the text says why.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// An admin reset this account's password: nothing but choosing a new one (or logging
    /// out) until it is changed.
    #[error("the password must be changed first")]
    PasswordChangeRequired,
    /// Absent, or present but hidden from this actor: the answer is the same.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// What exists (or happened meanwhile) stands in the way.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// The case machine refuses this step on this case now.
    #[error("a {status} case cannot be asked to {command}")]
    Refused {
        status: CaseStatus,
        command: &'static str,
    },
    /// Text the content check refused.
    #[error("content rejected")]
    ContentRejected,
    /// A file of a kind that is not accepted.
    #[error("unsupported file type")]
    UnsupportedFile,
    /// Too many attempts in a window; retry after the given time.
    #[error("rate limited for {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// A dependency is down: the caller may retry; the log keeps why.
    #[error("{dependency:?} unavailable")]
    Unavailable {
        dependency: Dependency,
        #[source]
        cause: anyhow::Error,
    },
    /// A bug or a broken invariant: nothing the caller can do.
    #[error(transparent)]
    Internal(anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

/// Why a credential does not authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unauthenticated {
    MissingToken,
    InvalidToken,
    TokenExpired,
    SessionEnded,
    AccountGone,
    /// The account was disabled: it may not log in until an admin enables it.
    AccountDisabled,
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshExpired,
    RefreshReused,
    InvalidCode,
}

/// What stands in the way of a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// A unique value already taken: the field and the code that names it.
    Taken {
        field: &'static str,
        code: &'static str,
    },
    /// Another request changed the case since it was read.
    CaseChanged,
    /// A visitor's case is claimed once, by one resident.
    Claimed,
    /// Only a dead delivery can be retried, and this one is not (or no longer) dead.
    DeliveryNotDead,
    /// A deputy group that shifts yet to end, or shifts of the group alone, still name.
    GroupInUse,
    /// A verified register entry stays as the admin vouched for it.
    RegisterEntryVerified,
    /// A register entry is verified once.
    RegisterEntryAlreadyVerified,
}

/// The outside services a use-case depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dependency {
    Database,
    Wechat,
    /// WeChat answers, but refuses this server's credentials.
    WechatConfiguration,
    /// The state the nodes share (Redis when configured).
    SharedState,
}

impl AppError {
    /// One invalid field, for checks only the server can make (an unknown id, say).
    pub fn invalid_field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        Invalid::one(field, code, message).into()
    }

    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self::Internal(cause.into())
    }

    /// A unique-constraint violation as the conflict naming its field, found by `needle` in
    /// the database's message (SQLite names `table.column`, PostgreSQL the index, and the
    /// needles are picked to match both); any other error maps as usual.
    pub fn on_unique(error: sea_orm::DbErr, fields: &[(&str, &'static str, &'static str)]) -> Self {
        let Some(sea_orm::SqlErr::UniqueConstraintViolation(message)) = error.sql_err() else {
            return error.into();
        };
        let (field, code) = fields
            .iter()
            .find(|(needle, _, _)| message.contains(needle))
            .map(|(_, field, code)| (*field, *code))
            .unwrap_or(("body", "conflict"));
        Self::Conflict(Conflict::Taken { field, code })
    }
}

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> Self {
        Self::Invalid(invalid)
    }
}

impl From<Unauthenticated> for AppError {
    fn from(why: Unauthenticated) -> Self {
        Self::Unauthenticated(why)
    }
}

impl From<Conflict> for AppError {
    fn from(conflict: Conflict) -> Self {
        Self::Conflict(conflict)
    }
}

impl From<CaseError> for AppError {
    fn from(error: CaseError) -> Self {
        match error {
            CaseError::Forbidden => Self::Forbidden("your role may not do this on this case"),
            CaseError::InvalidTransition { status, command } => Self::Refused { status, command },
            CaseError::Invalid(invalid) => invalid.into(),
        }
    }
}

impl From<liaison_infra::shared::SharedStateError> for AppError {
    fn from(error: liaison_infra::shared::SharedStateError) -> Self {
        Self::Unavailable {
            dependency: Dependency::SharedState,
            cause: error.into(),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        use sea_orm::DbErr;
        match error {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => Self::Unavailable {
                dependency: Dependency::Database,
                cause: error.into(),
            },
            other => Self::Internal(other.into()),
        }
    }
}

impl From<liaison_infra::wechat::WechatError> for AppError {
    fn from(error: liaison_infra::wechat::WechatError) -> Self {
        use liaison_infra::wechat::WechatError;
        match error {
            WechatError::InvalidCode => Self::Unauthenticated(Unauthenticated::InvalidCode),
            WechatError::RateLimited => Self::RateLimited {
                retry_after: Duration::from_secs(60),
            },
            WechatError::Blocked => Self::Forbidden("WeChat refuses this user for now"),
            WechatError::Misconfigured { .. } => Self::Unavailable {
                dependency: Dependency::WechatConfiguration,
                cause: error.into(),
            },
            other => Self::Unavailable {
                dependency: Dependency::Wechat,
                cause: other.into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use liaison_domain::case::Command;

    use super::*;

    #[test]
    fn a_refused_step_names_the_status_and_the_command() {
        let error = AppError::from(CaseError::InvalidTransition {
            status: CaseStatus::Closed,
            command: Command::Accept.name(),
        });
        assert!(matches!(
            error,
            AppError::Refused {
                status: CaseStatus::Closed,
                command: "accept"
            }
        ));
    }

    #[test]
    fn a_lost_connection_is_the_database_unavailable_and_anything_else_internal() {
        let lost = AppError::from(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::Internal(
            "gone".into(),
        )));
        assert!(matches!(
            lost,
            AppError::Unavailable {
                dependency: Dependency::Database,
                ..
            }
        ));
        let other = AppError::from(sea_orm::DbErr::Custom("odd".into()));
        assert!(matches!(other, AppError::Internal(_)));
    }
}

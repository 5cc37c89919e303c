//! The one error type at the HTTP edge, answered as `application/problem+json` (RFC 9457).
//!
//! Every failure becomes an `ApiError` with a status and a stable `code`; 5xx bodies say
//! nothing internal while the log keeps the whole cause chain.

use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use liaison_domain::{FieldError, Invalid};

use crate::app_error::{AppError, Conflict, Dependency, Unauthenticated};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem detail as clients receive it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:liaison:problem:{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, machine-readable: `auth.invalid_credentials`, `validation_failed`, ...
    pub code: String,
    /// For 422: one entry per rejected field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
#[error("{status} {code}: {detail}")]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    retry_after: Option<Duration>,
    #[source]
    cause: Option<anyhow::Error>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            cause: None,
        }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// Absent, or present but not visible to this caller: the answer is the same.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    pub fn too_many_requests(retry_after: Duration) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many attempts; retry later",
            )
        }
    }

    /// A dependency is down: the caller may retry; the log keeps why.
    pub fn unavailable(
        code: &'static str,
        detail: impl Into<String>,
        cause: impl Into<anyhow::Error>,
    ) -> Self {
        Self {
            retry_after: Some(Duration::from_secs(5)),
            cause: Some(cause.into()),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, code, detail)
        }
    }

    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self {
            cause: Some(cause.into()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "something went wrong on our side",
            )
        }
    }

    /// One invalid field, for checks that only the server can make (an unknown id, say).
    pub fn invalid_field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        Invalid::one(field, code, message).into()
    }

    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        AppError::from(invalid).into()
    }
}

/// The one rendering of a use-case's error for the REST edge.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Invalid(invalid) => Self {
                errors: invalid.0,
                ..Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    "some fields are invalid; see errors",
                )
            },
            AppError::Unauthenticated(why) => {
                let (code, detail) = unauthenticated(why);
                Self::unauthorized(code, detail)
            }
            AppError::Forbidden(why) => Self::forbidden(why),
            AppError::PasswordChangeRequired => Self::new(
                StatusCode::FORBIDDEN,
                "auth.password_change_required",
                "change your password first: POST /api/v1/me/password",
            ),
            AppError::NotFound(what) => Self::not_found(what),
            AppError::Conflict(conflict) => conflict_answer(conflict),
            AppError::Refused { status, command } => Self::conflict(
                "case.invalid_transition",
                format!("a {status} case cannot be asked to {command}"),
            ),
            AppError::ContentRejected => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "case.content_rejected",
                "the text cannot be accepted; please rephrase it",
            ),
            AppError::UnsupportedFile => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the file is not a JPEG, PNG or WebP image",
            ),
            AppError::RateLimited { retry_after } => Self::too_many_requests(retry_after),
            AppError::Unavailable { dependency, cause } => {
                let (code, detail) = match dependency {
                    Dependency::Database => ("database_unavailable", "the database is unavailable"),
                    Dependency::Wechat => {
                        ("wechat.unavailable", "WeChat is unavailable; retry shortly")
                    }
                    Dependency::WechatConfiguration => (
                        "wechat.misconfigured",
                        "WeChat is misconfigured on this server; the operators have been told",
                    ),
                    Dependency::SharedState => (
                        "shared_state_unavailable",
                        "the state the servers share is unavailable",
                    ),
                };
                Self::unavailable(code, detail, cause)
            }
            AppError::Internal(cause) => Self::internal(cause),
        }
    }
}

fn unauthenticated(why: Unauthenticated) -> (&'static str, &'static str) {
    use Unauthenticated::*;
    match why {
        MissingToken => (
            "auth.missing_token",
            "send an access token: Authorization: Bearer ...",
        ),
        InvalidToken => ("auth.invalid_token", "the access token is not valid"),
        TokenExpired => (
            "auth.token_expired",
            "the access token has expired; refresh it",
        ),
        SessionEnded => ("auth.session_ended", "this session has ended; log in again"),
        AccountGone => ("auth.invalid_token", "the account no longer exists"),
        AccountDisabled => ("auth.account_disabled", "this account is disabled"),
        InvalidCredentials => ("auth.invalid_credentials", "phone or password is wrong"),
        InvalidRefreshToken => (
            "auth.invalid_refresh_token",
            "the refresh token is not valid",
        ),
        RefreshExpired => (
            "auth.refresh_expired",
            "the refresh token has expired; log in again",
        ),
        RefreshReused => (
            "auth.refresh_reused",
            "this refresh token was already used; the session is ended",
        ),
        InvalidCode => (
            "auth.invalid_code",
            "the WeChat login code is invalid or was already used",
        ),
    }
}

fn conflict_answer(conflict: Conflict) -> ApiError {
    match conflict {
        Conflict::Taken { field, code } => ApiError {
            errors: vec![FieldError::new(
                field,
                "taken",
                format!("{field} is already taken"),
            )],
            ..ApiError::conflict(code, format!("{field} is already taken"))
        },
        Conflict::CaseChanged => ApiError::conflict(
            "case.conflict",
            "the case changed meanwhile; reload it and try again",
        ),
        Conflict::Claimed => ApiError::conflict(
            "case.claimed",
            "this receipt's case has been claimed already",
        ),
        Conflict::DeliveryNotDead => ApiError::conflict(
            "delivery.not_dead",
            "only dead deliveries are retried; this one is not dead (any more)",
        ),
        Conflict::GroupInUse => ApiError::conflict(
            "group.in_use",
            "shifts yet to end, or shifts of this group alone, name it; change them first",
        ),
        Conflict::RegisterEntryVerified => ApiError::conflict(
            "register_entry.verified",
            "this entry is verified and no longer changes",
        ),
        Conflict::RegisterEntryAlreadyVerified => ApiError::conflict(
            "register_entry.already_verified",
            "this entry is already verified",
        ),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            // `{:#}` prints anyhow's whole chain of causes on one line.
            let cause = self.cause.as_ref().map(|c| format!("{c:#}"));
            tracing::error!(
                status = self.status.as_u16(),
                code = self.code,
                cause,
                "request failed"
            );
        }
        let problem = Problem {
            kind: format!("urn:liaison:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            errors: self
                .errors
                .iter()
                .map(|e| ProblemField {
                    field: e.field.clone(),
                    code: e.code.to_owned(),
                    message: e.message.clone(),
                })
                .collect(),
        };
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750: say which scheme, and whether a token was sent but refused.
            let challenge = if self.code == "auth.missing_token" {
                "Bearer"
            } else {
                "Bearer error=\"invalid_token\""
            };
            response.insert_header((header::WWW_AUTHENTICATE, challenge));
        }
        if let Some(after) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, after.as_secs().max(1).to_string()));
        }
        response.body(serde_json::to_string(&problem).unwrap_or_default())
    }
}

/// The error answers as the OpenAPI document lists them: one type per status, named in a
/// path's `responses(...)` beside its success answer.
// The types are never built; they exist to describe answers, so their field is never read.
#[allow(dead_code)]
pub mod responses {
    use utoipa::IntoResponses;

    use super::Problem;

    #[derive(IntoResponses)]
    #[response(
        status = 400,
        description = "Malformed request: bad JSON, path or query",
        content_type = "application/problem+json"
    )]
    pub struct BadRequest(Problem);

    #[derive(IntoResponses)]
    #[response(
        status = 401,
        description = "No valid access token",
        content_type = "application/problem+json"
    )]
    pub struct Unauthorized(Problem);

    #[derive(IntoResponses)]
    #[response(
        status = 403,
        description = "Authenticated, but this role or scope may not do this",
        content_type = "application/problem+json"
    )]
    pub struct Forbidden(Problem);

    #[derive(IntoResponses)]
    #[response(
        status = 404,
        description = "Absent, or not visible to the caller",
        content_type = "application/problem+json"
    )]
    pub struct NotFound(Problem);

    #[derive(IntoResponses)]
    #[response(
        status = 409,
        description = "Conflicts with what exists: `errors` names the field",
        content_type = "application/problem+json"
    )]
    pub struct Conflict(Problem);

    #[derive(IntoResponses)]
    #[response(
        status = 413,
        description = "The body is larger than accepted",
        content_type = "application/problem+json"
    )]
    pub struct TooLarge(Problem);

    #[derive(IntoResponses)]
    #[response(
        status = 415,
        description = "The body is not application/json",
        content_type = "application/problem+json"
    )]
    pub struct UnsupportedMediaType(Problem);

    #[derive(IntoResponses)]
    #[response(
        status = 422,
        description = "Invalid fields: `errors` names each",
        content_type = "application/problem+json"
    )]
    pub struct Unprocessable(Problem);

    #[derive(IntoResponses)]
    #[response(
        status = 429,
        description = "Too many attempts; see Retry-After",
        content_type = "application/problem+json"
    )]
    pub struct TooManyRequests(Problem);

    #[derive(IntoResponses)]
    #[response(
        status = 503,
        description = "A dependency is unavailable; see Retry-After",
        content_type = "application/problem+json"
    )]
    pub struct Unavailable(Problem);
}

//! The console's one rendering of failure: a page that says what happened in the reader's
//! language, or the way back to the login page. A use-case's `AppError` maps here once.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::messages::Messages;
use super::pages::html;
use super::session;
use crate::app_error::AppError;

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// No session, or one that no longer holds: to the login page, then back to `next`.
    #[error("login required")]
    LoginRequired {
        next: Option<String>,
        reason: LoginReason,
    },
    /// A form came without the token of this session: nothing was done.
    #[error("CSRF check failed")]
    Csrf,
    /// The font the poster PNG is drawn in is not there: an operator must install it or name
    /// another in `setting` (which the page shows, with its value).
    #[error("the poster font is not installed: {setting}")]
    PosterFont { setting: String },
    /// An admin reset the password: to the password page until it is changed.
    #[error("the password must be changed first")]
    PasswordChangeRequired,
    #[error(transparent)]
    App(#[from] AppError),
}

/// Why the login page is shown, for the line it says first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginReason {
    Required,
    Expired,
}

impl LoginReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginReason::Required => "required",
            LoginReason::Expired => "expired",
        }
    }
}

pub type ConsoleResult<T> = Result<T, ConsoleError>;

#[derive(Template)]
#[template(path = "console/error.html")]
struct ErrorPage {
    m: &'static Messages,
    status: u16,
    message: &'static str,
    /// What an operator needs to put it right, when the reader can do nothing about it.
    detail: Option<String>,
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            ConsoleError::LoginRequired { .. } | ConsoleError::PasswordChangeRequired => {
                StatusCode::SEE_OTHER
            }
            ConsoleError::Csrf => StatusCode::FORBIDDEN,
            ConsoleError::PosterFont { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ConsoleError::App(error) => app_status(error),
        }
    }

    fn error_response(&self) -> HttpResponse {
        let m = Messages::current();
        let status = self.status_code();
        let mut detail = None;
        let message = match self {
            ConsoleError::LoginRequired { next, reason } => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, login_url(next.as_deref(), *reason)))
                    .cookie(session::removal())
                    .finish();
            }
            ConsoleError::PasswordChangeRequired => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, "/console/password"))
                    .finish();
            }
            ConsoleError::Csrf => {
                tracing::warn!("console form refused: CSRF token missing or wrong");
                m.error_csrf
            }
            ConsoleError::PosterFont { setting } => {
                detail = Some(setting.clone());
                m.poster_font_missing
            }
            ConsoleError::App(error) => {
                if status.is_server_error() {
                    // `{:#}` prints the whole chain of causes on one line.
                    tracing::error!(status = status.as_u16(), cause = %format!("{error:#}"), "console page failed");
                }
                m.error_for(status)
            }
        };
        let page = ErrorPage {
            m,
            status: status.as_u16(),
            message,
            detail,
        };
        let mut response = html(status, &page);
        let retry_after = match self {
            ConsoleError::App(AppError::RateLimited { retry_after }) => {
                Some(retry_after.as_secs().max(1))
            }
            ConsoleError::App(AppError::Unavailable { .. }) => Some(5),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

/// The status a use-case's error shows as a page.
fn app_status(error: &AppError) -> StatusCode {
    match error {
        AppError::Invalid(_) | AppError::ContentRejected => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) | AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) | AppError::Refused { .. } => StatusCode::CONFLICT,
        AppError::UnsupportedFile => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The login page, saying why, with the page to come back to (only ever a console page: the
/// login never sends anyone elsewhere).
pub fn login_url(next: Option<&str>, reason: LoginReason) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("reason", reason.as_str());
    if let Some(next) = next.filter(|next| is_console_path(next)) {
        query.append_pair("next", next);
    }
    format!("/console/login?{}", query.finish())
}

/// A path of this console, and nothing that a browser would read as another site.
pub fn is_console_path(path: &str) -> bool {
    (path == "/console" || path.starts_with("/console/") || path.starts_with("/console?"))
        && !path.contains("//")
        && !path.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_console_paths_are_come_back_to() {
        assert!(is_console_path("/console"));
        assert!(is_console_path("/console/cases/7"));
        assert!(is_console_path("/console/cases?status=submitted"));
        assert!(!is_console_path("//evil.example/console"));
        assert!(!is_console_path("https://evil.example/console"));
        assert!(!is_console_path("/console//evil.example"));
        assert!(!is_console_path("/consolex"));
        assert!(!is_console_path("/console/\\evil"));
        assert_eq!(
            login_url(Some("https://evil.example"), LoginReason::Required),
            "/console/login?reason=required"
        );
        assert_eq!(
            login_url(Some("/console/cases?q=a b"), LoginReason::Expired),
            "/console/login?reason=expired&next=%2Fconsole%2Fcases%3Fq%3Da+b"
        );
    }
}

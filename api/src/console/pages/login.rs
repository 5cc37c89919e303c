//! `/console/login` and `/console/logout`: the staff's password login into a cookie session,
//! through the API's own `password_login` (its rate limits and account checks), and its end.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use liaison_domain::actor::Role;
use serde::Deserialize;

use crate::app_error::{AppError, Unauthenticated};
use crate::auth::service::{logout, password_login};
use crate::client_ip;
use crate::console::csrf::{self, LOGIN_COOKIE};
use crate::console::error::{is_console_path, ConsoleError, ConsoleResult};
use crate::console::messages::Messages;
use crate::console::pages::{error_on, html};
use crate::console::session::{self, Staff};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    m: &'static Messages,
    csrf: String,
    next: String,
    phone: String,
    /// A line above the form: why it is shown, or why the last try failed.
    notice: Option<&'static str>,
    /// The message beside the phone field.
    phone_error: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
}

/// The login form's token, and the cookie it fits when the browser has none yet.
fn login_token(
    state: &AppState,
    req: &HttpRequest,
) -> (String, Option<actix_web::cookie::Cookie<'static>>) {
    match req.cookie(LOGIN_COOKIE) {
        Some(cookie) if !cookie.value().is_empty() => {
            (csrf::for_login(state, cookie.value()), None)
        }
        _ => {
            let value = csrf::new_login_value();
            let token = csrf::for_login(state, &value);
            (token, Some(session::build(state, LOGIN_COOKIE, value)))
        }
    }
}

fn render(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    page: LoginPage,
) -> ConsoleResult<HttpResponse> {
    let (token, cookie) = login_token(state, req);
    let mut response = html(
        status,
        &LoginPage {
            csrf: token,
            ..page
        },
    );
    if let Some(cookie) = cookie {
        response.add_cookie(&cookie).map_err(AppError::internal)?;
    }
    Ok(response)
}

fn kept_next(next: &str) -> String {
    if is_console_path(next) {
        next.to_owned()
    } else {
        "/console".to_owned()
    }
}

pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<LoginQuery>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let notice = match query.reason.as_str() {
        "expired" => Some(m.login_expired),
        "logged_out" => Some(m.login_logged_out),
        "required" => Some(m.login_required),
        _ => None,
    };
    let page = LoginPage {
        m,
        csrf: String::new(),
        next: kept_next(&query.next),
        phone: String::new(),
        notice,
        phone_error: None,
    };
    render(&state, &req, StatusCode::OK, page)
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> ConsoleResult<HttpResponse> {
    let form = form.into_inner();
    let value = req
        .cookie(LOGIN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if !csrf::matches_login(&state, &value, &form.csrf) {
        return Err(ConsoleError::Csrf);
    }
    let m = Messages::current();
    let next = kept_next(&form.next);
    let again = |notice, phone_error| LoginPage {
        m,
        csrf: String::new(),
        next: next.clone(),
        phone: form.phone.clone(),
        notice,
        phone_error,
    };
    let ip = client_ip::of_request(&req, &state.trusted_proxies);
    let pair = match password_login(&state.logins(), &form.phone, &form.password, &ip).await {
        Ok(pair) => pair,
        Err(AppError::Invalid(invalid)) => {
            let phone_error = error_on(&invalid.0, "phone", m);
            let page = again(None, phone_error);
            return render(&state, &req, StatusCode::UNPROCESSABLE_ENTITY, page);
        }
        Err(AppError::Unauthenticated(Unauthenticated::InvalidCredentials)) => {
            let page = again(Some(m.login_wrong), None);
            return render(&state, &req, StatusCode::UNAUTHORIZED, page);
        }
        Err(AppError::Unauthenticated(Unauthenticated::AccountDisabled)) => {
            let page = again(Some(m.login_disabled), None);
            return render(&state, &req, StatusCode::UNAUTHORIZED, page);
        }
        Err(AppError::RateLimited { retry_after }) => {
            let page = again(Some(m.error_rate_limited), None);
            let mut response = render(&state, &req, StatusCode::TOO_MANY_REQUESTS, page)?;
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(retry_after.as_secs().max(1)),
            );
            return Ok(response);
        }
        Err(other) => return Err(other.into()),
    };
    // The session is read from the pair, not from its token, which a short lifetime may have
    // run out by now.
    if pair.user.role == Role::Resident {
        // Right credentials, wrong door: the session just opened is ended at once.
        logout(&state.sessions(), &pair.session).await?;
        let page = again(Some(m.login_resident), None);
        return render(&state, &req, StatusCode::FORBIDDEN, page);
    }
    let cookie = session::opened(&state, &pair.session, pair.user.id, pair.access_token)?;
    let mut response = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .finish();
    response.add_cookie(&cookie).map_err(AppError::internal)?;
    Ok(response)
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub async fn leave(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<LogoutForm>,
) -> ConsoleResult<HttpResponse> {
    staff.check_csrf(&state, &form.csrf)?;
    logout(&state.sessions(), &staff.session).await?;
    tracing::info!(user_id = staff.actor.user_id, "console session ended");
    let mut response = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/console/login?reason=logged_out"))
        .finish();
    response
        .add_cookie(&session::removal())
        .map_err(AppError::internal)?;
    Ok(response)
}

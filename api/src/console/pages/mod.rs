//! The console's pages: each gathers what its use-cases answer into a template's struct.

pub mod case;
pub mod home;
pub mod live;
pub mod login;
pub mod poster;
pub mod queue;
pub mod roster;
pub mod stations;

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use askama::Template;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};

use super::error::{ConsoleError, ConsoleResult};
use super::messages::Messages;
use super::session::Staff;

/// What the frame around every signed-in page shows: who is in, the logout form, where we are.
pub struct Layout {
    pub name: String,
    pub role: &'static str,
    pub csrf: String,
    /// The navigation entry of this page: `home` or `queue`.
    pub nav: &'static str,
}

impl Layout {
    pub fn of(staff: &Staff, m: &Messages, nav: &'static str) -> Self {
        Self {
            name: staff.name.clone(),
            role: m.role(staff.actor.role.as_str()),
            csrf: staff.csrf.clone(),
            nav,
        }
    }
}

/// A page rendered with `status`, never cached: every console page holds what only its reader
/// may see.
pub fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(error) => {
            tracing::error!(%error, "a console page did not render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("internal error")
        }
    }
}

/// The id in a page's path, where anything but a number is a `what` that does not exist.
pub fn id_of(raw: &str, what: &'static str) -> ConsoleResult<i64> {
    raw.parse()
        .map_err(|_| ConsoleError::App(crate::app_error::AppError::NotFound(what)))
}

pub fn ok(page: &impl Template) -> HttpResponse {
    html(StatusCode::OK, page)
}

/// The county's clock: Beijing time (UTC+8, no daylight saving).
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("UTC+8 is a valid offset"))
}

/// A time as people at the county read it.
pub fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&beijing())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The instant a day and time on the county's clock mean.
pub fn from_local(day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    (day.and_time(time) - chrono::Duration::hours(8)).and_utc()
}

/// The message of the first error on `field`, in the reader's language.
pub fn error_on(
    errors: &[liaison_domain::FieldError],
    field: &str,
    m: &Messages,
) -> Option<&'static str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| m.field_error(e.code))
}

/// A choice of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The choices of a `<select>`: first an empty one labelled `none` (no filter, or nothing
/// chosen yet), then `values`, with `chosen` selected.
pub fn choices(
    values: impl IntoIterator<Item = (String, String)>,
    chosen: &str,
    none: &str,
) -> Vec<Choice> {
    std::iter::once((String::new(), none.to_owned()))
        .chain(values)
        .map(|(value, label)| Choice {
            selected: value == chosen,
            value,
            label,
        })
        .collect()
}

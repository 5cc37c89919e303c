//! The console's pages: each gathers what its use-cases answer into a template's struct.

pub mod account;
pub mod account_list;
pub mod accounts;
pub mod appraisal;
pub mod audit;
pub mod case;
pub mod cockpit;
pub mod departments;
pub mod deputies;
pub mod deputy_code;
pub mod groups;
pub mod home;
pub mod live;
pub mod login;
pub mod password;
pub mod performance;
pub mod poster;
pub mod queue;
pub mod reception_days;
pub mod receptions;
pub mod record;
pub mod regions;
pub mod registers;
pub mod reply_templates;
pub mod roster;
pub mod stations;
pub mod upkeep;
// County admin: webhooks, dead letters, outbox
pub mod deliveries;
pub mod webhook_secret;
pub mod webhooks;

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use askama::Template;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};

use super::error::{ConsoleError, ConsoleResult};
use super::messages::Messages;
use super::session::Staff;
use crate::app_error::AppResult;
use crate::departments::service::administered_county;
use crate::pagination::{Page, PageQuery, Paged, MAX_LIMIT};

/// What the frame around every signed-in page shows: who is in, the logout form, where we are.
pub struct Layout {
    pub name: String,
    pub role: &'static str,
    pub csrf: String,
    /// The navigation entry of this page: `home`, `queue`, `stations`...
    pub nav: &'static str,
    /// Whether the navigation offers the organisation's pages that only admins work on.
    pub admin: bool,
    /// Whether the navigation offers recording a visitor's case.
    pub records: bool,
    /// Whether the navigation offers the receptions: to the staff who record them.
    pub receptions: bool,
    /// Whether the county admin's entries are in the navigation: by the rule their pages'
    /// use-cases apply, so a link is offered exactly where the page would answer.
    pub county_admin: bool,
    /// Whether the navigation offers the cockpit (驾驶舱).
    pub cockpit: bool,
    /// A deputy's own five registers (五簿), linked from their navigation.
    pub own_registers: Option<i64>,
}

impl Layout {
    pub fn of(staff: &Staff, m: &Messages, nav: &'static str) -> Self {
        Self {
            name: staff.name.clone(),
            role: m.role(staff.actor.role.as_str()),
            csrf: staff.csrf.clone(),
            nav,
            admin: staff.actor.role.is_admin(),
            records: liaison_domain::policy::may_record_cases(staff.actor.role),
            receptions: liaison_domain::policy::may_write(
                staff.actor.role,
                liaison_domain::policy::Writes::Reception,
            ),
            county_admin: administered_county(&staff.actor).is_ok(),
            cockpit: liaison_domain::policy::may_view_cockpit(&staff.actor),
            own_registers: staff
                .actor
                .deputy_id
                .filter(|_| staff.actor.role == liaison_domain::actor::Role::Deputy),
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

/// The link to the next page of a list at `path`: the cursor the list gave, as a query.
pub fn next_page(path: &str, cursor: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("cursor", cursor)
        .finish();
    format!("{path}?{query}")
}

/// The county's clock: Beijing time (UTC+8, no daylight saving).
pub fn beijing() -> FixedOffset {
    liaison_domain::clock::beijing()
}

/// A time as people at the county read it.
pub use liaison_domain::clock::local_time as local;

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
    listed(
        std::iter::once((String::new(), none.to_owned())).chain(values),
        &[chosen],
    )
}

/// The choices of a row of checkboxes: `values`, those in `chosen` ticked.
pub fn listed(values: impl IntoIterator<Item = (String, String)>, chosen: &[&str]) -> Vec<Choice> {
    values
        .into_iter()
        .map(|(value, label)| Choice {
            selected: chosen.contains(&value.as_str()),
            value,
            label,
        })
        .collect()
}

/// The query of a page a form sends back to once it worked (`?done=1`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

impl Done {
    /// The notice that what was sent is saved, when the page comes after a form.
    pub fn saved(&self) -> Option<&'static str> {
        (!self.done.is_empty()).then_some(Messages::current().org.saved)
    }
}

/// After a form did its work: to `to`, by GET, so that a reload does not post it again.
pub fn see_other(to: impl Into<String>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.into()))
        .finish()
}

/// Every item of a list use-case, page after page: for the choices of a form, which must
/// offer all of them.
pub async fn every<T, Fut>(mut fetch: impl FnMut(Page) -> Fut) -> AppResult<Vec<T>>
where
    T: utoipa::ToSchema,
    Fut: std::future::Future<Output = AppResult<Paged<T>>>,
{
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = PageQuery {
            limit: Some(MAX_LIMIT),
            cursor,
        }
        .page()?;
        let paged = fetch(page).await?;
        all.extend(paged.items);
        match paged.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}

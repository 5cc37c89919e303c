//! A station's reception days in the console: shown on its roster page with a form for its
//! admins, one day a line (`周二 08:00-12:00` every Tuesday, `2026-12-08 09:00-11:30` once).
//! A refused form comes back on a page of its own, as typed, with the message.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use liaison_domain::reception_day::Weekday;
use liaison_domain::FieldError;

use crate::console::error::ConsoleResult;
use crate::console::form::{checked, refused, Form, FormPage, Input, Posted};
use crate::console::messages::Messages;
use crate::console::pages::{beijing, html, id_of, see_other};
use crate::console::session::Staff;
use crate::state::AppState;
use crate::stations::dto::{ReceptionDayIn, ReceptionDays, ReceptionDaysWrite};
use crate::stations::reception_days;

/// The schedule as the form's lines.
pub fn text(days: &ReceptionDays, m: &Messages) -> String {
    days.days
        .iter()
        .map(|d| {
            let when = match (&d.date, &d.weekday) {
                (Some(date), _) => date.format("%Y-%m-%d").to_string(),
                (None, Some(weekday)) => Weekday::parse(weekday)
                    .map(|w| m.weekdays[Weekday::ALL.iter().position(|x| *x == w).unwrap_or(0)])
                    .unwrap_or_default()
                    .to_owned(),
                (None, None) => String::new(),
            };
            format!("{when} {}-{}", d.starts, d.ends)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The next reception day as people at the county read it.
pub fn next(days: &ReceptionDays) -> Option<String> {
    days.next.map(|o| {
        format!(
            "{}–{}",
            o.starts_at
                .with_timezone(&beijing())
                .format("%Y-%m-%d %H:%M"),
            o.ends_at.with_timezone(&beijing()).format("%H:%M")
        )
    })
}

pub fn form(station_id: i64, value: String, m: &'static Messages) -> Form {
    Form::new(
        "reception-days",
        format!("/console/stations/{station_id}/reception-days"),
        m.roster_save,
    )
    .field("days", m.reception_days_label, Input::Textarea, |f| {
        f.value(value).hint(m.reception_days_hint)
    })
}

/// The lines typed, as entries; a line that is not one is the field's error.
fn entries(text: &str, m: &Messages) -> Result<Vec<ReceptionDayIn>, FieldError> {
    let unreadable = || FieldError::new("days", "invalid_time", "not a reception day");
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (when, hours) = line
                .split_once(char::is_whitespace)
                .ok_or_else(unreadable)?;
            let (starts, ends) = hours.trim().split_once('-').ok_or_else(unreadable)?;
            let (date, weekday) = match NaiveDate::parse_from_str(when, "%Y-%m-%d") {
                Ok(date) => (Some(date), None),
                Err(_) => {
                    let index = m
                        .weekdays
                        .iter()
                        .position(|w| *w == when)
                        .ok_or_else(unreadable)?;
                    (None, Some(Weekday::ALL[index].as_str().to_owned()))
                }
            };
            Ok(ReceptionDayIn {
                date,
                weekday,
                starts: starts.trim().to_owned(),
                ends: ends.trim().to_owned(),
            })
        })
        .collect()
}

pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    posted: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let station_id = id_of(&id, "station")?;
    let sent = checked(&state, &staff, posted)?;
    let errors = match entries(sent.one("days"), m) {
        Err(error) => vec![error],
        Ok(days) => {
            let write = ReceptionDaysWrite { days };
            match reception_days::replace(&state.db, &staff.actor, station_id, write).await {
                Ok(_) => {
                    return Ok(see_other(format!(
                        "/console/stations/{station_id}/roster?done=1"
                    )))
                }
                // Every entry's error is the one field's.
                Err(error) => refused(error)?
                    .into_iter()
                    .map(|e| FieldError::new("days", e.code, e.message))
                    .collect(),
            }
        }
    };
    again(&staff, station_id, &sent, errors)
}

fn again(
    staff: &Staff,
    station_id: i64,
    sent: &Posted,
    errors: Vec<FieldError>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let form = form(station_id, String::new(), m).again(sent, &errors, m);
    let back: &'static str = "/console/stations";
    let page = FormPage::of(
        staff,
        "stations",
        m.reception_days_label,
        (back, m.org.stations_back),
        form,
    );
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

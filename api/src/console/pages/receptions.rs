//! `/console/receptions`: the receptions (接待活动) at the stations the reader runs or sits at,
//! a form to record one (`/new`) and each one's form to change it (`/{id}`). The same
//! use-cases as the API: another station's reception is the 404 page, a handler's the 403.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, NaiveTime};
use liaison_domain::policy::{self, Writes};
use liaison_domain::reception::ReceptionKind;
use liaison_domain::FieldError;

use crate::app_error::AppError;

use crate::console::error::ConsoleResult;
use crate::console::form::{checked, refused, Form, FormPage, Input, Posted};
use crate::console::messages::Messages;
use crate::console::once::{once, outcome, Outcome};
use crate::console::pages::{
    beijing, choices, from_local, html, id_of, listed, local, next_page, ok, see_other, Done,
    Layout,
};
use crate::console::session::Staff;
use crate::deputies::service as deputies;
use crate::pagination::PageQuery;
use crate::receptions::dto::{
    NewReception, Official, Reception, ReceptionDetail, ReceptionFilter, ReceptionPatch,
};
use crate::receptions::service as receptions;
use crate::state::AppState;
use crate::stations::service as stations;

const LIST: &str = "/console/receptions";

/// A row of the list, as people read it.
pub struct Row {
    pub id: i64,
    pub held_at: String,
    pub station: String,
    pub kind: &'static str,
    pub deputies: usize,
    pub visitors: i64,
}

#[derive(Template)]
#[template(path = "console/receptions.html")]
struct ListPage {
    m: &'static Messages,
    layout: Layout,
    rows: Vec<Row>,
    next: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(flatten)]
    done: Done,
}

/// The stations the reader records receptions at, by id and name.
async fn stations_in_reach(state: &AppState, staff: &Staff) -> ConsoleResult<Vec<(i64, String)>> {
    Ok(stations::with_rosters(&state.db, &staff.actor)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<ListQuery>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let filter = ReceptionFilter {
        station_id: None,
        kind: None,
        from: None,
        to: None,
    };
    let page = PageQuery {
        limit: Some(50),
        cursor: query.cursor.clone(),
    }
    .page()
    .map_err(AppError::Invalid)?;
    let paged = receptions::list(&state.db, &staff.actor, &filter, page).await?;
    let names = stations_in_reach(&state, &staff).await?;
    let rows = paged
        .items
        .into_iter()
        .map(|r| Row {
            id: r.id,
            held_at: local(r.held_at),
            station: names
                .iter()
                .find(|(id, _)| *id == r.station_id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default(),
            kind: m.reception_kind(&r.kind),
            deputies: r.deputy_ids.len(),
            visitors: r.visitors,
        })
        .collect();
    let page = ListPage {
        m,
        layout: Layout::of(&staff, m, "receptions"),
        rows,
        next: paged.next_cursor.map(|c| next_page(LIST, &c)),
        notice: query.done.saved(),
    };
    Ok(html(StatusCode::OK, &page))
}

/// The officials as a textarea holds them: one a line, the name, a space, the body.
fn officials_text(officials: &[Official]) -> String {
    officials
        .iter()
        .map(|o| format!("{} {}", o.name, o.body))
        .collect::<Vec<_>>()
        .join("\n")
}

fn officials_of(text: &str) -> Vec<Official> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (name, body) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            Official {
                name: name.to_owned(),
                body: body.trim().to_owned(),
            }
        })
        .collect()
}

/// The reception's form: new when `reception` is `None`.
async fn reception_form(
    state: &AppState,
    staff: &Staff,
    reception: Option<&Reception>,
) -> ConsoleResult<Form> {
    let m = Messages::current();
    let places = stations_in_reach(state, staff).await?;
    let mut people: Vec<(String, String)> = Vec::new();
    for (station_id, _) in &places {
        for deputy in deputies::at(&state.db, *station_id).await? {
            let id = deputy.id.to_string();
            if !people.iter().any(|(known, _)| *known == id) {
                people.push((id, deputy.name));
            }
        }
    }
    let form = match reception {
        Some(r) => Form::new("reception", format!("{LIST}/{}", r.id), m.roster_save),
        None => Form::new("reception", format!("{LIST}/new"), m.reception_record).creating(),
    };
    let kinds = ReceptionKind::ALL.iter().map(|k| {
        (
            k.as_str().to_owned(),
            m.reception_kind(k.as_str()).to_owned(),
        )
    });
    let held = reception.map(|r| r.held_at.with_timezone(&beijing()));
    let ticked: Vec<String> = reception
        .map(|r| r.deputy_ids.iter().map(i64::to_string).collect())
        .unwrap_or_default();
    let ticked: Vec<&str> = ticked.iter().map(String::as_str).collect();
    let form = if reception.is_none() {
        let station_choices = places
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()));
        form.field("station_id", m.reception_station, Input::Select, |f| {
            f.required().options(choices(station_choices, "", m.choose))
        })
    } else {
        form
    };
    Ok(form
        .field("kind", m.reception_kind_label, Input::Select, |f| {
            f.required().options(choices(
                kinds,
                reception.map_or("", |r| r.kind.as_str()),
                m.choose,
            ))
        })
        .field("day", m.reception_day, Input::Date, |f| {
            f.required().value(
                held.map(|h| h.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            )
        })
        .field("time", m.reception_time, Input::Text, |f| {
            f.required().hint(m.reception_time_hint).value(
                held.map(|h| h.format("%H:%M").to_string())
                    .unwrap_or_default(),
            )
        })
        .field("visitors", m.reception_visitors, Input::Number, |f| {
            f.value(reception.map_or_else(|| "0".to_owned(), |r| r.visitors.to_string()))
        })
        .field("deputy_ids", m.reception_deputies, Input::Checks, |f| {
            f.options(listed(people, &ticked))
        })
        .field("officials", m.reception_officials, Input::Textarea, |f| {
            f.hint(m.reception_officials_hint).value(
                reception
                    .map(|r| officials_text(&r.officials))
                    .unwrap_or_default(),
            )
        }))
}

/// The form's day and time as an instant, or the fields' errors.
fn held_at(sent: &Posted) -> Result<chrono::DateTime<chrono::Utc>, Vec<FieldError>> {
    let day = NaiveDate::parse_from_str(sent.one("day").trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new("day", "invalid_date", "not a day"));
    let time = NaiveTime::parse_from_str(sent.one("time").trim(), "%H:%M")
        .map_err(|_| FieldError::new("time", "invalid_time", "not a time of day"));
    match (day, time) {
        (Ok(day), Ok(time)) => Ok(from_local(day, time)),
        (day, time) => Err([day.err(), time.err()].into_iter().flatten().collect()),
    }
}

/// The use-case's errors by the form's fields: an official's line is the officials' field.
fn on_fields(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|mut e| {
            if e.field.starts_with("officials") {
                e.field = "officials".to_owned();
            }
            e
        })
        .collect()
}

fn form_page(staff: &Staff, title: &'static str, form: Form) -> FormPage {
    let back = (LIST, Messages::current().reception_back);
    FormPage::of(staff, "receptions", title, back, form)
}

async fn again(
    state: &AppState,
    staff: &Staff,
    reception: Option<&Reception>,
    sent: &Posted,
    errors: Vec<FieldError>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let title = if reception.is_some() {
        m.reception_edit
    } else {
        m.reception_new
    };
    let form = reception_form(state, staff, reception)
        .await?
        .again(sent, &on_fields(errors), m);
    Ok(html(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(staff, title, form),
    ))
}

pub async fn new(state: web::Data<AppState>, staff: Staff) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    if !policy::may_write(staff.actor.role, Writes::Reception) {
        return Err(AppError::Forbidden("receptions are their stations' staff's").into());
    }
    let form = reception_form(&state, &staff, None).await?;
    Ok(ok(&form_page(&staff, m.reception_new, form)))
}

pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let work = async {
        let (station_id, held_at) = match (sent.id("station_id"), held_at(&sent)) {
            (Ok(station_id), Ok(held_at)) => (station_id, held_at),
            (station, held) => {
                let mut errors: Vec<FieldError> = station.err().into_iter().collect();
                errors.extend(held.err().unwrap_or_default());
                return Ok(Outcome::Refused(errors));
            }
        };
        let (visitors, deputy_ids) = match (sent.number("visitors"), sent.ids("deputy_ids")) {
            (Ok(v), Ok(d)) => (v, d),
            (v, d) => {
                return Ok(Outcome::Refused(
                    [v.err(), d.err()].into_iter().flatten().collect(),
                ))
            }
        };
        let new = NewReception {
            station_id,
            kind: sent.one("kind").to_owned(),
            held_at,
            visitors,
            officials: officials_of(sent.one("officials")),
            deputy_ids,
        };
        outcome(receptions::create(&state.db, &staff.actor, new).await)
    };
    match once(&state, &staff, sent.once(), work).await? {
        Outcome::Done => Ok(see_other(format!("{LIST}?done=1"))),
        Outcome::Refused(errors) => again(&state, &staff, None, &sent, errors).await,
    }
}

async fn visible(state: &AppState, staff: &Staff, raw: &str) -> ConsoleResult<ReceptionDetail> {
    let id = id_of(raw, "reception")?;
    Ok(receptions::get(&state.db, &staff.actor, id).await?)
}

#[derive(Template)]
#[template(path = "console/reception.html")]
struct EditPage {
    m: &'static Messages,
    layout: Layout,
    form: Form,
    id: i64,
    /// The cases raised in it: number, title, link.
    cases: Vec<(i64, String, String)>,
}

pub async fn edit(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let detail = visible(&state, &staff, &id).await?;
    let form = reception_form(&state, &staff, Some(&detail.reception)).await?;
    let page = EditPage {
        m,
        layout: Layout::of(&staff, m, "receptions"),
        form,
        id: detail.reception.id,
        cases: detail
            .cases
            .into_iter()
            .map(|c| (c.id, c.number, c.title))
            .collect(),
    };
    Ok(html(StatusCode::OK, &page))
}

pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let detail = visible(&state, &staff, &id).await?;
    let reception = detail.reception;
    let parsed = (
        held_at(&sent),
        sent.number("visitors"),
        sent.ids("deputy_ids"),
    );
    let errors = match parsed {
        (Ok(held_at), Ok(visitors), Ok(deputy_ids)) => {
            let patch = ReceptionPatch {
                kind: Some(sent.one("kind").to_owned()),
                held_at: Some(held_at),
                visitors: Some(visitors),
                officials: Some(officials_of(sent.one("officials"))),
                deputy_ids: Some(deputy_ids),
            };
            match receptions::update(&state.db, &staff.actor, reception.id, patch).await {
                Ok(_) => return Ok(see_other(format!("{LIST}?done=1"))),
                Err(error) => refused(error)?,
            }
        }
        (held, visitors, deputies) => {
            let mut errors = held.err().unwrap_or_default();
            errors.extend(visitors.err());
            errors.extend(deputies.err());
            errors
        }
    };
    again(&state, &staff, Some(&reception), &sent, errors).await
}

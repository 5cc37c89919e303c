//! `/console/deputies`: the county's deputies (their public fields, the stations they sit at),
//! filtered by station; admins add deputies and edit those in their scope, whose stations
//! they choose among the county's.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use liaison_domain::actor::Actor;
use liaison_domain::deputy::{DeputyLevel, DeputyStatus};
use liaison_domain::{policy, FieldError};
use liaison_infra::store::reference::Kind;
use serde::Deserialize;

use crate::app_error::{AppError, AppResult};
use crate::console::error::ConsoleResult;
use crate::console::form::{checked, refused, Form, FormPage, Input, Posted};
use crate::console::messages::Messages;
use crate::console::once::{once, outcome, Outcome};
use crate::console::pages::{choices, every, html, id_of, listed, ok, see_other, Choice, Layout};
use crate::console::session::Staff;
use crate::deputies::dto::{Deputy, DeputyFilter, DeputyPatch, NewDeputy};
use crate::deputies::service as deputies;
use crate::pagination::PageQuery;
use crate::state::AppState;
use crate::stations::dto::StationFilter;
use crate::stations::service as stations;

#[derive(Debug, Default, Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    station: String,
    cursor: Option<String>,
    #[serde(default)]
    done: String,
}

/// A deputy as a row of the directory.
pub struct Row {
    pub deputy: Deputy,
    pub level: &'static str,
    pub stations: String,
    /// Whether the reader may edit this deputy (without moving them to other stations).
    pub editable: bool,
    /// Whether the reader may print the deputy's own code (`policy::may_read_deputy_code`).
    pub code: bool,
    /// Whether the reader may open the deputy's performance record.
    pub record: bool,
    /// Whether the reader keeps the deputy's five registers (`policy::may_keep_registers`).
    pub registers: bool,
}

#[derive(Template)]
#[template(path = "console/deputies.html")]
struct DirectoryPage {
    m: &'static Messages,
    layout: Layout,
    rows: Vec<Row>,
    stations: Vec<Choice>,
    next: Option<String>,
    creates: bool,
    /// Whether the reader ranks deputies, and reads the scoring schemes.
    ranks: bool,
    schemes: bool,
    notice: Option<&'static str>,
}

fn county_of(actor: &Actor) -> AppResult<i64> {
    actor.county_id.ok_or(AppError::Forbidden("no county"))
}

/// The county's stations by id, named.
async fn station_names(state: &AppState, county_id: i64) -> AppResult<BTreeMap<i64, String>> {
    let filter = StationFilter {
        county_id: Some(county_id),
        region_id: None,
        kind: None,
    };
    let all = every(|page| stations::list(&state.db, &filter, page)).await?;
    Ok(all.into_iter().map(|s| (s.id, s.name)).collect())
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<DirectoryQuery>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let county_id = county_of(&staff.actor)?;
    let names = station_names(&state, county_id).await?;
    let station_id = query.station.trim().parse::<i64>().ok();
    let filter = DeputyFilter {
        county_id: Some(county_id),
        station_id,
        level: None,
    };
    let page = PageQuery {
        limit: Some(50),
        cursor: query.cursor.clone(),
    }
    .page()
    .map_err(AppError::from)?;
    let listed_page = deputies::list(&state.db, &filter, page).await?;
    let next = listed_page.next_cursor.map(|cursor| {
        let mut link = url::form_urlencoded::Serializer::new(String::new());
        link.append_pair("station", &query.station);
        link.append_pair("cursor", &cursor);
        format!("/console/deputies?{}", link.finish())
    });
    let rows = listed_page
        .items
        .into_iter()
        .map(|deputy| Row {
            level: m.deputy_level(&deputy.level),
            stations: deputy
                .station_ids
                .iter()
                .filter_map(|id| names.get(id).cloned())
                .collect::<Vec<_>>()
                .join("、"),
            editable: policy::may_edit_deputy(
                &staff.actor,
                deputy.county_id,
                &deputy.station_ids,
                &deputy.station_ids,
            ),
            code: policy::may_read_deputy_code(
                &staff.actor,
                deputy.county_id,
                deputy.id,
                &deputy.station_ids,
            ),
            record: policy::may_read_performance(
                &staff.actor,
                deputy.county_id,
                deputy.id,
                &deputy.station_ids,
            ),
            registers: policy::may_keep_registers(
                &staff.actor,
                deputy.county_id,
                deputy.id,
                &deputy.station_ids,
            ),
            deputy,
        })
        .collect();
    let options = names.into_iter().map(|(id, name)| (id.to_string(), name));
    let page = DirectoryPage {
        m,
        layout: Layout::of(&staff, m, "deputies"),
        rows,
        stations: choices(options, &query.station, m.filter_any),
        next,
        creates: policy::may_write(staff.actor.role, policy::Writes::Deputy),
        ranks: policy::may_rank_performance(&staff.actor),
        schemes: policy::may_read_scoring_schemes(&staff.actor),
        notice: (!query.done.is_empty()).then_some(m.org.saved),
    };
    Ok(ok(&page))
}

/// A deputy's form, empty or holding `deputy`'s fields; stations are the county's.
async fn deputy_form(
    state: &AppState,
    actor: &Actor,
    deputy: Option<&Deputy>,
) -> ConsoleResult<Form> {
    let m = Messages::current();
    let o = m.org;
    let county_id = match deputy {
        Some(d) => d.county_id,
        None => county_of(actor)?,
    };
    let names = station_names(state, county_id).await?;
    let value = |pick: fn(&Deputy) -> Option<String>| deputy.and_then(pick).unwrap_or_default();
    let level = value(|d| Some(d.level.clone()));
    let seats: Vec<String> = deputy
        .map(|d| d.station_ids.iter().map(i64::to_string).collect())
        .unwrap_or_default();
    let seats: Vec<&str> = seats.iter().map(String::as_str).collect();
    let (action, submit) = match deputy {
        Some(d) => (format!("/console/deputies/{}", d.id), o.save),
        None => ("/console/deputies/new".to_owned(), o.create),
    };
    let form = Form::new("deputy", action, submit);
    let form = if deputy.is_none() {
        form.creating()
    } else {
        form
    };
    let form = form
        .field("name", o.deputy_name, Input::Text, |f| {
            f.required().value(value(|d| Some(d.name.clone())))
        })
        .field("level", o.deputy_level, Input::Select, |f| {
            let levels = o.labelled(|l: DeputyLevel| o.deputy_level(l));
            f.required().options(choices(levels, &level, m.choose))
        })
        .field("station_ids", o.deputy_stations, Input::Checks, |f| {
            let all = names.into_iter().map(|(id, name)| (id.to_string(), name));
            f.options(listed(all, &seats))
        })
        .field("office_hours", o.deputy_office_hours, Input::Text, |f| {
            f.value(value(|d| d.office_hours.clone()))
        })
        .field(
            "public_contact",
            o.deputy_public_contact,
            Input::Text,
            |f| {
                f.value(value(|d| d.public_contact.clone()))
                    .hint(o.deputy_public_contact_hint)
            },
        )
        .field("photo_url", o.deputy_photo_url, Input::Text, |f| {
            f.value(value(|d| d.photo_url.clone()))
        });
    if deputy.is_none() {
        return Ok(form);
    }
    // A deputy's term, constituency and status are kept once the deputy is entered.
    let status = value(|d| Some(d.status.clone()));
    Ok(form
        .field("term", o.deputy_term, Input::Text, |f| {
            f.value(value(|d| d.term.clone()))
        })
        .field("constituency", o.deputy_constituency, Input::Text, |f| {
            f.value(value(|d| d.constituency.clone()))
        })
        .field("status", o.deputy_status, Input::Select, |f| {
            let statuses = o.labelled(|s: DeputyStatus| o.deputy_status(s));
            f.required().options(choices(statuses, &status, m.choose))
        })
        .field("status_reason", o.deputy_status_reason, Input::Text, |f| {
            f.value(value(|d| d.status_reason.clone()))
                .hint(o.deputy_status_reason_hint)
        })
        .field("status_since", o.deputy_status_since, Input::Date, |f| {
            f.value(value(|d| d.status_since.map(|at| at.to_string())))
        }))
}

fn form_page(staff: &Staff, title: &'static str, form: Form) -> FormPage {
    let back = ("/console/deputies", Messages::current().org.deputies_back);
    FormPage::of(staff, "deputies", title, back, form)
}

async fn again(
    state: &AppState,
    staff: &Staff,
    deputy: Option<&Deputy>,
    sent: &Posted,
    errors: Vec<FieldError>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let title = if deputy.is_some() {
        m.org.deputy_edit
    } else {
        m.org.deputy_new
    };
    let form = deputy_form(state, &staff.actor, deputy)
        .await?
        .again(sent, &errors, m);
    Ok(html(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(staff, title, form),
    ))
}

pub async fn new(state: web::Data<AppState>, staff: Staff) -> ConsoleResult<HttpResponse> {
    if !policy::may_write(staff.actor.role, policy::Writes::Deputy) {
        return Err(AppError::Forbidden("only admins enter deputies").into());
    }
    let form = deputy_form(&state, &staff.actor, None).await?;
    Ok(ok(&form_page(
        &staff,
        Messages::current().org.deputy_new,
        form,
    )))
}

pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let work = async {
        let station_ids = match sent.ids("station_ids") {
            Ok(ids) => ids,
            Err(error) => return Ok(Outcome::Refused(vec![error])),
        };
        let new = NewDeputy {
            name: sent.one("name").to_owned(),
            level: sent.one("level").to_owned(),
            station_ids,
            photo_url: sent.optional("photo_url"),
            office_hours: sent.optional("office_hours"),
            public_contact: sent.optional("public_contact"),
        };
        let created = deputies::create(&state.db, &staff.actor, new).await;
        if created.is_ok() {
            state.reference.changed(Kind::Organisation).await;
        }
        outcome(created)
    };
    match once(&state, &staff, sent.once(), work).await? {
        Outcome::Done => Ok(see_other("/console/deputies?done=1")),
        Outcome::Refused(errors) => again(&state, &staff, None, &sent, errors).await,
    }
}

/// The deputy `raw` names, if the actor may edit them.
async fn editable(state: &AppState, staff: &Staff, raw: &str) -> ConsoleResult<Deputy> {
    let deputy = deputies::get(&state.db, id_of(raw, "deputy")?).await?;
    let seats = &deputy.station_ids;
    if policy::may_edit_deputy(&staff.actor, deputy.county_id, seats, seats) {
        Ok(deputy)
    } else {
        Err(AppError::Forbidden("this deputy is outside your scope").into())
    }
}

pub async fn edit(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let deputy = editable(&state, &staff, &id).await?;
    let form = deputy_form(&state, &staff.actor, Some(&deputy)).await?;
    let page = form_page(&staff, Messages::current().org.deputy_edit, form);
    Ok(ok(&page))
}

pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let deputy = editable(&state, &staff, &id).await?;
    let since = match sent.optional("status_since") {
        None => Ok(None),
        Some(text) => text.parse::<NaiveDate>().map(Some).map_err(|_| {
            FieldError::new(
                "status_since",
                "invalid_date",
                "status_since must be a date",
            )
        }),
    };
    let errors = match (sent.ids("station_ids"), since) {
        (Err(error), _) | (_, Err(error)) => vec![error],
        (Ok(station_ids), Ok(status_since)) => {
            // Every field is on the form: one left empty is cleared.
            let patch = DeputyPatch {
                name: Some(sent.one("name").to_owned()),
                level: Some(sent.one("level").to_owned()),
                station_ids: Some(station_ids),
                photo_url: Some(sent.optional("photo_url")),
                office_hours: Some(sent.optional("office_hours")),
                public_contact: Some(sent.optional("public_contact")),
                term: Some(sent.optional("term")),
                constituency: Some(sent.optional("constituency")),
                status: sent.optional("status"),
                status_reason: sent.optional("status_reason"),
                status_since,
            };
            let (cases, actor) = (state.cases(), &staff.actor);
            match deputies::update(&cases, &state.revocations, actor, deputy.id, patch).await {
                Ok(_) => {
                    state.reference.changed(Kind::Organisation).await;
                    return Ok(see_other("/console/deputies?done=1"));
                }
                Err(error) => refused(error)?,
            }
        }
    };
    again(&state, &staff, Some(&deputy), &sent, errors).await
}

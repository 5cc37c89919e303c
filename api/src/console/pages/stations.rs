//! `/console/stations`: the stations the actor administers (each with its roster, its poster
//! and a form to edit it), or for a deputy those they sit at (each with its roster to read);
//! county admins create stations here too.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use liaison_domain::actor::Actor;
use liaison_domain::region::{township_of, RegionLevel};
use liaison_domain::station::StationKind;
use liaison_domain::{policy, FieldError};
use liaison_infra::store::reference::Kind;

use super::regions::{indented, tree, Node};
use crate::app_error::AppError;
use crate::console::error::ConsoleResult;
use crate::console::form::{checked, refused, Form, FormPage, Input, Posted};
use crate::console::messages::Messages;
use crate::console::once::{once, outcome, Outcome};
use crate::console::pages::{choices, html, id_of, ok, see_other, Done, Layout};
use crate::console::session::Staff;
use crate::state::AppState;
use crate::stations::dto::{NewStation, Station, StationPatch};
use crate::stations::service as stations;

#[derive(Template)]
#[template(path = "console/stations.html")]
struct StationsPage {
    m: &'static Messages,
    layout: Layout,
    /// Each station the actor reads the roster of, and whether the actor runs it (edits it).
    stations: Vec<(Station, bool)>,
    /// Whether the actor may create stations (a county admin).
    creates: bool,
    notice: Option<&'static str>,
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<Done>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let stations = stations::with_rosters(&state.db, &staff.actor)
        .await?
        .into_iter()
        .map(|s| {
            let runs = policy::may_administer_station(&staff.actor, s.county_id, s.id);
            (s, runs)
        })
        .collect();
    let page = StationsPage {
        m,
        layout: Layout::of(&staff, m, "stations"),
        stations,
        creates: policy::may_place_stations(&staff.actor),
        notice: query.saved(),
    };
    Ok(ok(&page))
}

/// A station's form, empty or holding `station`'s fields.
async fn station_form(
    state: &AppState,
    actor: &Actor,
    station: Option<&Station>,
) -> ConsoleResult<Form> {
    let m = Messages::current();
    let o = m.org;
    let county_id = station
        .map(|s| s.county_id)
        .or(actor.county_id)
        .ok_or(AppError::Forbidden("no county"))?;
    let regions = tree(&state.db, county_id).await?;
    let value = |pick: fn(&Station) -> String| station.map(pick).unwrap_or_default();
    let kind = value(|s| s.kind.clone());
    let region = value(|s| s.region_id.to_string());
    let (action, submit) = match station {
        Some(s) => (format!("/console/stations/{}/edit", s.id), o.save),
        None => ("/console/stations/new".to_owned(), o.create),
    };
    let form = Form::new("station", action, submit);
    let form = if station.is_none() {
        form.creating()
    } else {
        form
    };
    Ok(form
        .field("name", o.station_name, Input::Text, |f| {
            f.required().value(value(|s| s.name.clone()))
        })
        .field("kind", o.station_kind, Input::Select, |f| {
            let kinds = o.labelled(|k: StationKind| o.station_kind(k));
            f.required().options(choices(kinds, &kind, m.choose))
        })
        .field("region_id", o.station_region, Input::Select, |f| {
            // The regions this admin may place the station in (or move it to).
            let now_in = station.and_then(|s| regions.iter().find(|n| n.region.id == s.region_id));
            let places = regions
                .iter()
                .filter(|n| match now_in {
                    Some(from) => {
                        policy::may_move_station(actor, county_id, township(from), township(n))
                    }
                    None => policy::may_administer_region(actor, county_id, township(n)),
                })
                .map(|n| (n.region.id.to_string(), indented(n)));
            f.required().options(choices(places, &region, m.choose))
        })
        .field("address", o.station_address, Input::Text, |f| {
            f.required().value(value(|s| s.address.clone()))
        })
        .field("opening_hours", o.station_opening_hours, Input::Text, |f| {
            f.value(value(|s| s.opening_hours.clone().unwrap_or_default()))
                .hint(o.station_opening_hours_hint)
        }))
}

/// The township a region of the tree lies in.
fn township(node: &Node) -> Option<i64> {
    RegionLevel::parse(&node.region.level)
        .ok()
        .and_then(|level| township_of(level, node.region.id, node.region.parent_id))
}

fn form_page(staff: &Staff, title: &'static str, form: Form) -> FormPage {
    let back = ("/console/stations", Messages::current().org.stations_back);
    FormPage::of(staff, "stations", title, back, form)
}

/// The form again with what was sent and why it was refused.
async fn again(
    state: &AppState,
    staff: &Staff,
    station: Option<&Station>,
    sent: &Posted,
    errors: Vec<FieldError>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let title = if station.is_some() {
        m.org.station_edit
    } else {
        m.org.station_new
    };
    let form = station_form(state, &staff.actor, station)
        .await?
        .again(sent, &errors, m);
    let page = form_page(staff, title, form);
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

pub async fn new(state: web::Data<AppState>, staff: Staff) -> ConsoleResult<HttpResponse> {
    if !policy::may_place_stations(&staff.actor) {
        return Err(AppError::Forbidden("you do not place stations").into());
    }
    let form = station_form(&state, &staff.actor, None).await?;
    Ok(ok(&form_page(
        &staff,
        Messages::current().org.station_new,
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
        let region_id = match sent.id("region_id") {
            Ok(id) => id,
            Err(error) => return Ok(Outcome::Refused(vec![error])),
        };
        let new = NewStation {
            name: sent.one("name").to_owned(),
            kind: sent.one("kind").to_owned(),
            region_id,
            address: sent.one("address").to_owned(),
            opening_hours: sent.optional("opening_hours"),
            location: None,
        };
        let created = stations::create(&state.db, &state.revocations, &staff.actor, new).await;
        if created.is_ok() {
            state.reference.changed(Kind::Organisation).await;
        }
        outcome(created)
    };
    match once(&state, &staff, sent.once(), work).await? {
        Outcome::Done => Ok(see_other("/console/stations?done=1")),
        Outcome::Refused(errors) => again(&state, &staff, None, &sent, errors).await,
    }
}

/// The station `raw` names, if the actor administers it.
async fn administered(state: &AppState, staff: &Staff, raw: &str) -> ConsoleResult<Station> {
    let id = id_of(raw, "station")?;
    Ok(stations::find_administered(&state.db, &staff.actor, id)
        .await?
        .into())
}

pub async fn edit(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let station = administered(&state, &staff, &id).await?;
    let form = station_form(&state, &staff.actor, Some(&station)).await?;
    let page = form_page(&staff, Messages::current().org.station_edit, form);
    Ok(ok(&page))
}

pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let station = administered(&state, &staff, &id).await?;
    let errors = match sent.id("region_id") {
        Err(error) => vec![error],
        Ok(region_id) => {
            let patch = StationPatch {
                name: Some(sent.one("name").to_owned()),
                kind: Some(sent.one("kind").to_owned()),
                region_id: Some(region_id),
                address: Some(sent.one("address").to_owned()),
                // Left empty, the hours are removed.
                opening_hours: Some(sent.optional("opening_hours")),
                location: None,
            };
            match stations::update(
                &state.db,
                &state.revocations,
                &staff.actor,
                station.id,
                patch,
            )
            .await
            {
                Ok(_) => {
                    state.reference.changed(Kind::Organisation).await;
                    return Ok(see_other("/console/stations?done=1"));
                }
                Err(error) => refused(error)?,
            }
        }
    };
    again(&state, &staff, Some(&station), &sent, errors).await
}

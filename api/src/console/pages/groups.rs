//! `/console/stations/{id}/groups`: a station's deputy groups (代表小组), each a form to rename
//! it and tick its members, with a button that deletes it, and a form to create one. The
//! station's admins only; anyone else gets the 403 page, an unknown station the 404 page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use liaison_domain::FieldError;
use liaison_infra::store::reference::Kind;

use crate::app_error::{AppError, Conflict};
use crate::console::error::ConsoleResult;
use crate::console::form::{checked, refused, Form, Input, Posted};
use crate::console::messages::Messages;
use crate::console::once::{once, outcome, Outcome};
use crate::console::pages::{html, id_of, listed, see_other, Done, Layout};
use crate::console::session::Staff;
use crate::deputies::service as deputies;
use crate::groups::dto::{GroupPatch, NewGroup};
use crate::groups::service as groups;
use crate::state::AppState;
use crate::stations::service as stations;

#[derive(Template)]
#[template(path = "console/groups.html")]
struct GroupsPage {
    m: &'static Messages,
    layout: Layout,
    station_id: i64,
    station: String,
    /// Each group's form, with the id its delete button posts to.
    groups: Vec<(i64, Form)>,
    /// The form that creates a group (named `form` for the shared form template).
    form: Form,
    notice: Option<&'static str>,
}

/// Which form the last post was, for the page shown again with its values and errors.
enum Sent<'a> {
    Create(&'a Posted, Vec<FieldError>),
    Change(i64, &'a Posted, Vec<FieldError>),
}

fn group_form(
    m: &'static Messages,
    id: &'static str,
    action: String,
    submit: &'static str,
    name: &str,
    members: &[(String, String)],
    ticked: &[i64],
) -> Form {
    let ticked: Vec<String> = ticked.iter().map(i64::to_string).collect();
    let ticked: Vec<&str> = ticked.iter().map(String::as_str).collect();
    Form::new(id, action, submit)
        .field("name", m.group_name, Input::Text, |f| {
            f.required().value(name)
        })
        .field("deputy_ids", m.group_members, Input::Checks, |f| {
            f.options(listed(members.iter().cloned(), &ticked))
        })
}

async fn render(
    state: &AppState,
    staff: &Staff,
    station_id: i64,
    sent: Option<Sent<'_>>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let station = stations::find(&state.db, station_id).await?;
    let list = groups::list(&state.db, &staff.actor, station.id).await?;
    let members: Vec<(String, String)> = deputies::at(&state.db, station.id)
        .await?
        .into_iter()
        .map(|d| (d.id.to_string(), d.name))
        .collect();
    let forms = list
        .into_iter()
        .map(|group| {
            // Each group's fields are named apart by the form id: one page, many forms.
            let form = group_form(
                m,
                "group",
                format!("/console/groups/{}", group.id),
                m.roster_save,
                &group.name,
                &members,
                &group.deputy_ids,
            );
            let form = Form {
                fields: form
                    .fields
                    .into_iter()
                    .map(|mut f| {
                        f.id = format!("group-{}-{}", group.id, f.name);
                        f
                    })
                    .collect(),
                ..form
            };
            let form = match &sent {
                Some(Sent::Change(id, posted, errors)) if *id == group.id => {
                    form.again(posted, errors, m)
                }
                _ => form,
            };
            (group.id, form)
        })
        .collect();
    let create = group_form(
        m,
        "new-group",
        format!("/console/stations/{station_id}/groups"),
        m.group_create,
        "",
        &members,
        &[],
    )
    .creating();
    let create = match &sent {
        Some(Sent::Create(posted, errors)) => create.again(posted, errors, m),
        _ => create,
    };
    let page = GroupsPage {
        m,
        layout: Layout::of(staff, m, "stations"),
        station_id: station.id,
        station: station.name,
        groups: forms,
        form: create,
        notice,
    };
    Ok(html(status, &page))
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<Done>,
) -> ConsoleResult<HttpResponse> {
    let station_id = id_of(&id, "station")?;
    render(
        &state,
        &staff,
        station_id,
        None,
        query.saved(),
        StatusCode::OK,
    )
    .await
}

fn ids(sent: &Posted) -> Result<Vec<i64>, FieldError> {
    sent.ids("deputy_ids")
}

pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let station_id = id_of(&id, "station")?;
    let sent = checked(&state, &staff, form)?;
    let work = async {
        let deputy_ids = match ids(&sent) {
            Ok(ids) => ids,
            Err(error) => return Ok(Outcome::Refused(vec![error])),
        };
        let new = NewGroup {
            name: sent.one("name").to_owned(),
            deputy_ids,
        };
        outcome(groups::create(&state.db, &staff.actor, station_id, new).await)
    };
    match once(&state, &staff, sent.once(), work).await? {
        Outcome::Done => Ok(see_other(format!(
            "/console/stations/{station_id}/groups?done=1"
        ))),
        Outcome::Refused(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let sent = Some(Sent::Create(&sent, errors));
            render(&state, &staff, station_id, sent, None, status).await
        }
    }
}

/// The station a group belongs to, for the page to go back to; hidden groups are not found.
async fn station_of(state: &AppState, staff: &Staff, group_id: i64) -> ConsoleResult<i64> {
    Ok(groups::station_of(&state.db, &staff.actor, group_id).await?)
}

pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let group_id = id_of(&id, "group")?;
    let sent = checked(&state, &staff, form)?;
    let station_id = station_of(&state, &staff, group_id).await?;
    let errors = match ids(&sent) {
        Err(error) => vec![error],
        Ok(deputy_ids) => {
            let patch = GroupPatch {
                name: Some(sent.one("name").to_owned()),
                deputy_ids: Some(deputy_ids),
            };
            match groups::update(&state.db, &staff.actor, group_id, patch).await {
                Ok(_) => {
                    state.reference.changed(Kind::Rosters).await;
                    return Ok(see_other(format!(
                        "/console/stations/{station_id}/groups?done=1"
                    )));
                }
                Err(error) => refused(error)?,
            }
        }
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let sent = Some(Sent::Change(group_id, &sent, errors));
    render(&state, &staff, station_id, sent, None, status).await
}

pub async fn delete(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let group_id = id_of(&id, "group")?;
    checked(&state, &staff, form)?;
    let station_id = station_of(&state, &staff, group_id).await?;
    match groups::delete(&state.db, &staff.actor, group_id).await {
        Ok(()) => {
            state.reference.changed(Kind::Rosters).await;
            Ok(see_other(format!(
                "/console/stations/{station_id}/groups?done=1"
            )))
        }
        Err(AppError::Conflict(Conflict::GroupInUse)) => {
            let m = Messages::current();
            let notice = Some(m.group_in_use);
            render(
                &state,
                &staff,
                station_id,
                None,
                notice,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

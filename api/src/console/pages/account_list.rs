//! `/console/accounts`: the staff accounts an admin oversees (the same use-case and reach as
//! `GET /api/v1/users`), filtered by role, station, status and words, paged by links.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use askama::Template;
use liaison_domain::account::AccountStatus;
use liaison_domain::actor::Role;
use serde::Deserialize;

use crate::app_error::AppError;
use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::{choices, local, ok, Choice, Layout};
use crate::console::session::Staff;
use crate::pagination::PageQuery;
use crate::state::AppState;
use crate::stations::service as stations;
use crate::users::directory::{self, UserFilter};
use crate::users::service::User;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    role: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    cursor: Option<String>,
}

pub struct Row {
    pub user: User,
    pub role: &'static str,
    pub stations: String,
    pub disabled: bool,
    pub last_login: Option<String>,
}

#[derive(Template)]
#[template(path = "console/accounts.html")]
struct ListPage {
    m: &'static Messages,
    layout: Layout,
    rows: Vec<Row>,
    roles: Vec<Choice>,
    stations: Vec<Choice>,
    statuses: Vec<Choice>,
    q: String,
    next: Option<String>,
    creates: bool,
}

fn blank_to_none(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<ListQuery>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    // Asked first: who oversees nothing gets the 403 page, not an empty list.
    directory::reach_of(&staff.actor)?;
    let filter = UserFilter {
        role: blank_to_none(&query.role),
        station_id: query.station.trim().parse().ok(),
        department_id: None,
        status: blank_to_none(&query.status),
        q: blank_to_none(&query.q),
    };
    let page = PageQuery {
        limit: Some(50),
        cursor: query.cursor.clone(),
    }
    .page()
    .map_err(AppError::from)?;
    let listed = directory::list(&state.db, &staff.actor, &filter, page).await?;
    let own_stations = stations::administered(&state.db, &staff.actor).await?;
    let names: BTreeMap<i64, String> = own_stations
        .iter()
        .map(|s| (s.id, s.name.clone()))
        .collect();
    let next = listed.next_cursor.map(|cursor| {
        let mut link = url::form_urlencoded::Serializer::new(String::new());
        link.append_pair("role", &query.role)
            .append_pair("station", &query.station)
            .append_pair("status", &query.status)
            .append_pair("q", &query.q)
            .append_pair("cursor", &cursor);
        format!("/console/accounts?{}", link.finish())
    });
    let rows = listed
        .items
        .into_iter()
        .map(|user| Row {
            role: m.role(&user.role),
            stations: user
                .station_ids
                .iter()
                .filter_map(|id| names.get(id).cloned())
                .collect::<Vec<_>>()
                .join("、"),
            disabled: user.status == AccountStatus::Disabled.as_str(),
            last_login: user.last_login_at.map(local),
            user,
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .filter(|r| r.is_staff())
        .map(|r| (r.as_str().to_owned(), m.role(r.as_str()).to_owned()));
    let statuses = [
        (AccountStatus::Active, m.org.account_active),
        (AccountStatus::Disabled, m.org.account_disabled),
    ]
    .map(|(s, label)| (s.as_str().to_owned(), label.to_owned()));
    let station_choices = own_stations.into_iter().map(|s| (s.id.to_string(), s.name));
    let page = ListPage {
        m,
        layout: Layout::of(&staff, m, "account_list"),
        rows,
        roles: choices(roles, &query.role, m.filter_any),
        stations: choices(station_choices, &query.station, m.filter_any),
        statuses: choices(statuses, &query.status, m.filter_any),
        q: query.q.clone(),
        next,
        creates: liaison_domain::policy::may_create_accounts(&staff.actor),
    };
    Ok(ok(&page))
}

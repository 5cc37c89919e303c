//! `/console/accounts/new`: an admin opens a staff account. The roles offered are those the
//! domain lets this admin create within their own stations; the stations, departments and
//! deputies offered are those in the admin's reach, and the use-case checks each again.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use liaison_domain::actor::{Actor, Role};
use liaison_domain::policy::{self, AccountScope};
use liaison_domain::region::RegionLevel;
use liaison_infra::store::reference::Kind;

use crate::app_error::{AppError, AppResult};
use crate::console::error::ConsoleResult;
use crate::console::form::{checked, id_field, optional, Field, Form, FormPage, Input};
use crate::console::messages::Messages;
use crate::console::once::{once, outcome, Outcome};
use crate::console::pages::{choices, every, html, listed, ok, see_other, Done};
use crate::console::session::Staff;
use crate::departments::service::{self as departments, DepartmentFilter};
use crate::deputies::dto::DeputyFilter;
use crate::deputies::service as deputies;
use crate::regions::dto::RegionFilter;
use crate::regions::service as regions;
use crate::state::AppState;
use crate::stations::service as stations;
use crate::users::service::{self as users, NewUser};

/// The staff roles `actor` may open an account of, asked of the domain for an account that
/// reaches no further than the actor's own stations.
fn creatable(actor: &Actor, county_id: i64) -> Vec<Role> {
    let own = actor.station_ids.as_slice();
    Role::ALL
        .iter()
        .copied()
        .filter(|role| {
            if *role == Role::Resident {
                return false;
            }
            let scope = AccountScope::of(*role, own);
            policy::may_create_account(actor, county_id, &scope)
        })
        .collect()
}

/// The form, with the choices in the actor's reach.
async fn account_form(state: &AppState, actor: &Actor) -> ConsoleResult<Form> {
    let m = Messages::current();
    let o = m.org;
    if !policy::may_create_accounts(actor) {
        return Err(AppError::Forbidden("only admins create accounts").into());
    }
    let county_id = actor.county_id.ok_or(AppError::Forbidden("no county"))?;
    let roles = creatable(actor, county_id);
    let stations = stations::administered(&state.db, actor).await?;
    let departments = if roles.contains(&Role::Handler) {
        let filter = DepartmentFilter {
            county_id: Some(county_id),
            include_inactive: false,
        };
        every(|page| departments::list(&state.db, &filter, page)).await?
    } else {
        Vec::new()
    };
    let townships = if roles.contains(&Role::TownshipAdmin) {
        let filter = RegionFilter {
            county_id: Some(county_id),
            parent_id: None,
            level: Some(RegionLevel::Township.as_str().to_owned()),
        };
        every(|page| regions::list(&state.db, &filter, page)).await?
    } else {
        Vec::new()
    };
    let deputies = deputies_in_reach(state, actor, county_id).await?;
    let roles = roles
        .iter()
        .map(|r| (r.as_str().to_owned(), m.role(r.as_str()).to_owned()));
    let mut form = Form::new("account", "/console/accounts/new", o.create)
        .creating()
        .field("role", o.account_role, Input::Select, |f| {
            f.required().options(choices(roles, "", m.choose))
        })
        .field("name", o.account_name, Input::Text, Field::required)
        .field("phone", o.account_phone, Input::Tel, Field::required)
        .field("password", o.account_password, Input::Password, |f| {
            f.required().hint(o.account_password_hint)
        })
        .field("station_ids", o.account_stations, Input::Checks, |f| {
            let all = stations.into_iter().map(|s| (s.id.to_string(), s.name));
            f.options(listed(all, &[])).hint(o.account_stations_hint)
        })
        .field("deputy_id", o.account_deputy, Input::Select, |f| {
            let all = deputies
                .into_iter()
                .map(|(id, name)| (id.to_string(), name));
            f.options(choices(all, "", m.choose))
        });
    if !townships.is_empty() {
        form = form.field("region_id", o.account_township, Input::Select, |f| {
            let all = townships.into_iter().map(|r| (r.id.to_string(), r.name));
            f.options(choices(all, "", m.choose))
        });
    }
    if !departments.is_empty() {
        form = form.field("department_id", o.account_department, Input::Select, |f| {
            let all = departments.into_iter().map(|d| (d.id.to_string(), d.name));
            f.options(choices(all, "", m.choose))
        });
    }
    Ok(form)
}

/// The deputies an account may be opened for: the county's for a county admin, those
/// sitting at the actor's stations for anyone else.
async fn deputies_in_reach(
    state: &AppState,
    actor: &Actor,
    county_id: i64,
) -> AppResult<Vec<(i64, String)>> {
    let filter = |station_id| DeputyFilter {
        county_id: Some(county_id),
        station_id,
        level: None,
    };
    let mut found = Vec::new();
    if policy::may_administer_county(actor, county_id) {
        let all = filter(None);
        found = every(|page| deputies::list(&state.db, &all, page)).await?;
    } else {
        for station_id in &actor.station_ids {
            found.extend(deputies::at(&state.db, *station_id).await?);
        }
    }
    let mut named: Vec<(i64, String)> = found.into_iter().map(|d| (d.id, d.name)).collect();
    named.sort();
    named.dedup();
    Ok(named)
}

fn form_page(staff: &Staff, form: Form) -> FormPage {
    let m = Messages::current();
    let page = FormPage::of(
        staff,
        "accounts",
        m.org.account_new,
        ("/console", m.error_back),
        form,
    );
    FormPage {
        intro: Some(m.org.account_intro),
        ..page
    }
}

pub async fn new(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<Done>,
) -> ConsoleResult<HttpResponse> {
    let form = account_form(&state, &staff.actor).await?;
    let mut page = form_page(&staff, form);
    if query.saved().is_some() {
        page.intro = Some(Messages::current().org.account_created);
    }
    Ok(ok(&page))
}

pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let work = async {
        let ids = |name| {
            optional(sent.one(name))
                .map(|v| id_field(name, &v))
                .transpose()
        };
        let fields = (
            sent.ids("station_ids"),
            ids("department_id"),
            ids("deputy_id"),
            ids("region_id"),
        );
        let (station_ids, department_id, deputy_id, region_id) = match fields {
            (Ok(s), Ok(d), Ok(p), Ok(r)) => (s, d, p, r),
            (s, d, p, r) => {
                let errors = [s.err(), d.err(), p.err(), r.err()]
                    .into_iter()
                    .flatten()
                    .collect();
                return Ok(Outcome::Refused(errors));
            }
        };
        let new = NewUser {
            role: sent.one("role").to_owned(),
            name: sent.one("name").to_owned(),
            phone: sent.one("phone").trim().to_owned(),
            password: sent.one("password").to_owned(),
            station_ids,
            department_id,
            deputy_id,
            region_id,
        };
        let created = users::create(&state.db, &state.reference, &staff.actor, new).await;
        if created.is_ok() {
            state.reference.changed(Kind::Accounts).await;
        }
        outcome(created)
    };
    let errors = match once(&state, &staff, sent.once(), work).await? {
        Outcome::Done => return Ok(see_other("/console/accounts/new?done=1")),
        Outcome::Refused(errors) => errors,
    };
    let m = Messages::current();
    let form = account_form(&state, &staff.actor)
        .await?
        .again(&sent, &errors, m);
    Ok(html(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(&staff, form),
    ))
}

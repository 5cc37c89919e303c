//! `/console/accounts/{id}`: one account an admin oversees. Its form changes the name, the
//! phone and a station admin's stations (`PATCH /api/v1/users/{id}`); disabling, enabling and
//! resetting the password each ask for confirmation first, and a reset shows the one-time
//! password on the answer to the confirmation, once (the page is never cached).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use liaison_domain::account::AccountStatus;
use liaison_domain::actor::Role;
use liaison_domain::FieldError;
use liaison_infra::store::reference::Kind;

use crate::console::error::ConsoleResult;
use crate::console::form::{checked, refused, Form, Input, Posted};
use crate::console::messages::Messages;
use crate::console::pages::{html, id_of, listed, local, ok, see_other, Done, Layout};
use crate::console::session::Staff;
use crate::state::AppState;
use crate::stations::service as stations;
use crate::users::change::{self, UserPatch};
use crate::users::service::User;
use crate::users::{directory, passwords, standing};

#[derive(Template)]
#[template(path = "console/account.html")]
struct AccountPage {
    m: &'static Messages,
    layout: Layout,
    user: User,
    role: &'static str,
    disabled: bool,
    last_login: Option<String>,
    notice: Option<&'static str>,
    form: Form,
}

/// What a confirmation is about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Disable,
    Enable,
    Reset,
}

impl Step {
    fn of(raw: &str) -> ConsoleResult<Step> {
        match raw {
            "disable" => Ok(Step::Disable),
            "enable" => Ok(Step::Enable),
            "reset-password" => Ok(Step::Reset),
            _ => Err(crate::app_error::AppError::NotFound("page").into()),
        }
    }

    fn path(self) -> &'static str {
        match self {
            Step::Disable => "disable",
            Step::Enable => "enable",
            Step::Reset => "reset-password",
        }
    }
}

#[derive(Template)]
#[template(path = "console/account_confirm.html")]
struct ConfirmPage {
    m: &'static Messages,
    layout: Layout,
    user: User,
    title: &'static str,
    warning: &'static str,
    step: &'static str,
    /// The one-time password, on the answer to a confirmed reset only.
    password: Option<String>,
}

async fn account_form(state: &AppState, staff: &Staff, user: &User) -> ConsoleResult<Form> {
    let m = Messages::current();
    let o = m.org;
    let form = Form::new(
        "account-edit",
        format!("/console/accounts/{}", user.id),
        o.save,
    )
    .field("name", o.account_name, Input::Text, |f| {
        f.required().value(user.name.clone())
    })
    .field("phone", o.account_phone, Input::Tel, |f| f);
    if user.role != Role::StationAdmin.as_str() {
        return Ok(form);
    }
    let runs = stations::administered(&state.db, &staff.actor).await?;
    let ticked: Vec<String> = user.station_ids.iter().map(i64::to_string).collect();
    let ticked: Vec<&str> = ticked.iter().map(String::as_str).collect();
    Ok(
        form.field("station_ids", o.account_stations, Input::Checks, |f| {
            let all = runs.into_iter().map(|s| (s.id.to_string(), s.name));
            f.options(listed(all, &ticked))
        }),
    )
}

fn page(staff: &Staff, user: User, form: Form, notice: Option<&'static str>) -> AccountPage {
    let m = Messages::current();
    AccountPage {
        m,
        layout: Layout::of(staff, m, "account_list"),
        role: m.role(&user.role),
        disabled: user.status == AccountStatus::Disabled.as_str(),
        last_login: user.last_login_at.map(local),
        notice,
        form,
        user,
    }
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<Done>,
) -> ConsoleResult<HttpResponse> {
    let user = directory::get(&state.db, &staff.actor, id_of(&id, "account")?).await?;
    let form = account_form(&state, &staff, &user).await?;
    Ok(ok(&page(&staff, user, form, query.saved())))
}

pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let id = id_of(&id, "account")?;
    let user = directory::get(&state.db, &staff.actor, id).await?;
    let errors = match patch_of(&sent, &user) {
        Err(error) => vec![error],
        Ok(patch) => {
            let (db, reference) = (&state.db, &state.reference);
            match change::change(db, reference, &state.revocations, &staff.actor, id, patch).await {
                Ok(_) => {
                    state.reference.changed(Kind::Accounts).await;
                    return Ok(see_other(format!("/console/accounts/{id}?done=1")));
                }
                Err(error) => refused(error)?,
            }
        }
    };
    let m = Messages::current();
    let form = account_form(&state, &staff, &user)
        .await?
        .again(&sent, &errors, m);
    Ok(html(
        StatusCode::UNPROCESSABLE_ENTITY,
        &page(&staff, user, form, None),
    ))
}

/// The change the form asks for: the phone only when one was typed (the page shows it masked).
fn patch_of(sent: &Posted, user: &User) -> Result<UserPatch, FieldError> {
    let station_ids = if user.role == Role::StationAdmin.as_str() {
        Some(sent.ids("station_ids")?)
    } else {
        None
    };
    Ok(UserPatch {
        name: Some(sent.one("name").to_owned()),
        phone: sent.optional("phone"),
        station_ids,
        department_id: None,
    })
}

fn confirm_page(staff: &Staff, user: User, step: Step, password: Option<String>) -> ConfirmPage {
    let m = Messages::current();
    let o = m.org;
    let (title, warning) = match step {
        Step::Disable => (o.account_disable, o.account_disable_confirm),
        Step::Enable => (o.account_enable, o.account_enable_confirm),
        Step::Reset => (o.account_reset, o.account_reset_confirm),
    };
    ConfirmPage {
        m,
        layout: Layout::of(staff, m, "account_list"),
        user,
        title,
        warning,
        step: step.path(),
        password,
    }
}

pub async fn confirm(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
) -> ConsoleResult<HttpResponse> {
    let (raw, step) = path.into_inner();
    let step = Step::of(&step)?;
    let user = directory::get(&state.db, &staff.actor, id_of(&raw, "account")?).await?;
    Ok(ok(&confirm_page(&staff, user, step, None)))
}

pub async fn act(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    checked(&state, &staff, form)?;
    let (raw, step) = path.into_inner();
    let step = Step::of(&step)?;
    let id = id_of(&raw, "account")?;
    let actor = &staff.actor;
    match step {
        Step::Disable => {
            standing::disable(&state.cases(), &state.revocations, actor, id).await?;
        }
        Step::Enable => {
            standing::enable(&state.db, actor, id).await?;
        }
        Step::Reset => {
            let one_time = passwords::reset(&state.db, &state.revocations, actor, id).await?;
            let user = directory::get(&state.db, actor, id).await?;
            let shown = confirm_page(&staff, user, step, Some(one_time.password));
            return Ok(ok(&shown));
        }
    }
    state.reference.changed(Kind::Accounts).await;
    Ok(see_other(format!("/console/accounts/{id}?done=1")))
}

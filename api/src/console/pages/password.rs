//! `/console/password`: anyone changes their own password. After an admin's reset every other
//! console page leads here until it is changed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::console::error::ConsoleResult;
use crate::console::form::{checked, refused, Form, FormPage, Input};
use crate::console::messages::Messages;
use crate::console::pages::{html, ok, see_other, Done};
use crate::console::session::Staff;
use crate::state::AppState;
use crate::users::passwords::{self, PasswordChange};

pub const PATH: &str = "/console/password";

fn password_page(staff: &Staff, notice: Option<&'static str>) -> FormPage {
    let m = Messages::current();
    let o = m.org;
    let form = Form::new("password", PATH, o.save)
        .field("current", o.password_current, Input::Password, |f| {
            f.required()
        })
        .field("new", o.password_new, Input::Password, |f| {
            f.required().hint(o.password_new_hint)
        });
    let page = FormPage::of(
        staff,
        "password",
        o.password_title,
        ("/console", m.error_back),
        form,
    );
    let intro = if staff.password_change_required {
        Some(o.password_forced)
    } else {
        notice
    };
    FormPage { intro, ..page }
}

pub async fn show(staff: Staff, query: web::Query<Done>) -> ConsoleResult<HttpResponse> {
    let notice = query
        .saved()
        .map(|_| Messages::current().org.password_changed);
    Ok(ok(&password_page(&staff, notice)))
}

pub async fn submit(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let change = PasswordChange {
        current: sent.one("current").to_owned(),
        new: sent.one("new").to_owned(),
    };
    let errors =
        match passwords::change_own(&state.db, &state.revocations, &staff.actor, change).await {
            Ok(()) => return Ok(see_other(format!("{PATH}?done=1"))),
            Err(error) => refused(error)?,
        };
    let m = Messages::current();
    let mut page = password_page(&staff, None);
    page.form = page.form.again(&sent, &errors, m);
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

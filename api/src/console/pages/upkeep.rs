//! `/console/departments/{id}` and `/console/categories/{id}`: a county admin renames a
//! department or a category, deactivates or reactivates it, and changes a category's limits
//! (for the cases raised from then on), through the same use-cases as the API's PATCH.
//! Anyone else gets the 403 page, another county's the 404 page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use liaison_domain::FieldError;
use liaison_infra::store::reference::Kind;

use crate::app_error::AppResult;
use crate::categories::service::{self as categories, Category, CategoryPatch};
use crate::console::error::ConsoleResult;
use crate::console::form::{checked, refused, Form, FormPage, Input, Posted};
use crate::console::messages::Messages;
use crate::console::pages::{html, id_of, listed, ok, see_other};
use crate::console::session::Staff;
use crate::departments::service::{self as departments, Department, DepartmentPatch};
use crate::state::AppState;

const BACK: &str = "/console/departments";

/// The `active` field: a choice of on or off, posted as `true` or `false`.
fn state_field(form: Form, active: bool) -> Form {
    let o = Messages::current().org;
    form.field("active", o.catalogue_state, Input::Select, |f| {
        let states = [
            ("true".to_owned(), o.catalogue_on.to_owned()),
            ("false".to_owned(), o.catalogue_off.to_owned()),
        ];
        let chosen = if active { "true" } else { "false" };
        f.required()
            .options(listed(states, &[chosen]))
            .hint(o.catalogue_off_hint)
    })
}

/// What the `active` field posted: anything but `false` keeps it on.
fn posted_active(sent: &Posted) -> bool {
    sent.one("active") != "false"
}

fn page(staff: &Staff, title: &'static str, form: Form) -> FormPage {
    let back = (BACK, Messages::current().org.departments_back);
    FormPage::of(staff, "departments", title, back, form)
}

fn department_form(department: &Department) -> Form {
    let o = Messages::current().org;
    let action = format!("/console/departments/{}", department.id);
    let form = Form::new("department", action, o.save).field(
        "name",
        o.department_name,
        Input::Text,
        |f| f.required().value(department.name.clone()),
    );
    state_field(form, department.active)
}

fn category_form(category: &Category) -> Form {
    let o = Messages::current().org;
    let action = format!("/console/categories/{}", category.id);
    let form = Form::new("category", action, o.save)
        .field("name", o.category_name, Input::Text, |f| {
            f.required().value(category.name.clone())
        })
        .field(
            "respond_within_hours",
            o.category_respond,
            Input::Number,
            |f| {
                f.required()
                    .value(category.respond_within_hours.to_string())
                    .hint(o.category_respond_hint)
            },
        )
        .field(
            "resolve_within_days",
            o.category_resolve,
            Input::Number,
            |f| {
                f.required()
                    .value(category.resolve_within_days.to_string())
                    .hint(o.category_limits_hint)
            },
        );
    state_field(form, category.active)
}

/// The form again, as posted, with each error by its field.
fn again(
    staff: &Staff,
    title: &'static str,
    form: Form,
    sent: &Posted,
    errors: &[FieldError],
) -> HttpResponse {
    let form = form.again(sent, errors, Messages::current());
    html(StatusCode::UNPROCESSABLE_ENTITY, &page(staff, title, form))
}

pub async fn edit_department(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let id = id_of(&id, "department")?;
    let department = departments::find_administered(&state.db, &staff.actor, id).await?;
    let title = Messages::current().org.department_edit;
    Ok(ok(&page(&staff, title, department_form(&department))))
}

pub async fn update_department(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let id = id_of(&id, "department")?;
    let department = departments::find_administered(&state.db, &staff.actor, id).await?;
    let patch = DepartmentPatch {
        name: Some(sent.one("name").to_owned()),
        active: Some(posted_active(&sent)),
    };
    match departments::update(&state.db, &staff.actor, id, patch).await {
        Ok(_) => Ok(see_other(format!("{BACK}?done=1"))),
        Err(error) => {
            let errors = refused(error)?;
            let title = Messages::current().org.department_edit;
            Ok(again(
                &staff,
                title,
                department_form(&department),
                &sent,
                &errors,
            ))
        }
    }
}

pub async fn edit_category(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let id = id_of(&id, "category")?;
    let category = categories::find_administered(&state.db, &staff.actor, id).await?;
    let title = Messages::current().org.category_edit;
    Ok(ok(&page(&staff, title, category_form(&category))))
}

pub async fn update_category(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let id = id_of(&id, "category")?;
    let category = categories::find_administered(&state.db, &staff.actor, id).await?;
    let errors = match save_category(&state, &staff, id, &sent).await? {
        Ok(()) => return Ok(see_other(format!("{BACK}?done=1"))),
        Err(errors) => errors,
    };
    let title = Messages::current().org.category_edit;
    Ok(again(
        &staff,
        title,
        category_form(&category),
        &sent,
        &errors,
    ))
}

/// Saves what the category's form posted, or answers what was wrong with it.
async fn save_category(
    state: &AppState,
    staff: &Staff,
    id: i64,
    sent: &Posted,
) -> AppResult<Result<(), Vec<FieldError>>> {
    let (respond, resolve) = match (
        sent.number("respond_within_hours"),
        sent.number("resolve_within_days"),
    ) {
        (Ok(respond), Ok(resolve)) => (respond, resolve),
        (respond, resolve) => {
            return Ok(Err([respond.err(), resolve.err()]
                .into_iter()
                .flatten()
                .collect()))
        }
    };
    let patch = CategoryPatch {
        name: Some(sent.one("name").to_owned()),
        active: Some(posted_active(sent)),
        respond_within_hours: Some(respond),
        resolve_within_days: Some(resolve),
    };
    match categories::update(&state.db, &staff.actor, id, patch).await {
        Ok(_) => {
            // Submit reads categories from every node's cache: each must forget this one.
            state.reference.changed(Kind::Organisation).await;
            Ok(Ok(()))
        }
        Err(error) => refused(error).map(Err),
    }
}

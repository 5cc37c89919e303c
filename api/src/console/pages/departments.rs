//! `/console/departments`: the county's departments and its categories of cases with their
//! limits (hours to a first answer, days to a resolution); county admins add either here.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use liaison_domain::FieldError;
use liaison_infra::store::reference::Kind;

use crate::app_error::{AppError, AppResult};
use crate::categories::service::{self as categories, Category, CategoryFilter, NewCategory};
use crate::console::error::ConsoleResult;
use crate::console::form::{checked, Field, Form, Input, Posted};
use crate::console::messages::Messages;
use crate::console::once::{once, outcome, Outcome};
use crate::console::pages::{choices, every, html, see_other, Done, Layout};
use crate::console::session::Staff;
use crate::departments::appraisal::appraiser_county;
use crate::departments::service::{
    self as departments, administered_county, Department, DepartmentFilter, NewDepartment,
};
use crate::state::AppState;

/// A category as a row, its department named.
pub struct CategoryRow {
    pub category: Category,
    pub department: String,
}

#[derive(Template)]
#[template(path = "console/departments.html")]
struct DepartmentsPage {
    m: &'static Messages,
    layout: Layout,
    departments: Vec<Department>,
    categories: Vec<CategoryRow>,
    /// The forms to add a department and a category, for county admins.
    department_form: Option<Form>,
    category_form: Option<Form>,
    /// County admins keep each department and category up: a link to its form.
    keeps: bool,
    /// County and township admins read the appraisal: a link to it.
    appraises: bool,
    notice: Option<&'static str>,
}

/// Which form was posted, and what was wrong with it.
enum Posting<'a> {
    Department(&'a Posted, Vec<FieldError>),
    Category(&'a Posted, Vec<FieldError>),
}

async fn render(
    state: &AppState,
    staff: &Staff,
    posting: Option<Posting<'_>>,
    notice: Option<&'static str>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let o = m.org;
    let county_id = staff
        .actor
        .county_id
        .ok_or(AppError::Forbidden("no county"))?;
    let (departments, categories) = listed(state, county_id).await?;
    let names: BTreeMap<i64, &str> = departments
        .iter()
        .map(|d| (d.id, d.name.as_str()))
        .collect();
    let offered = departments
        .iter()
        .filter(|d| d.active)
        .map(|d| (d.id.to_string(), d.name.clone()))
        .collect::<Vec<_>>();
    let adds = administered_county(&staff.actor).is_ok();
    let mut department_form = adds.then(|| {
        Form::new("department", "/console/departments", o.department_add)
            .creating()
            .field("name", o.department_name, Input::Text, Field::required)
    });
    let mut category_form = adds.then(|| {
        Form::new("category", "/console/categories", o.category_add)
            .creating()
            .field("name", o.category_name, Input::Text, Field::required)
            .field("department_id", o.category_department, Input::Select, |f| {
                f.required().options(choices(offered, "", m.choose))
            })
            .field(
                "respond_within_hours",
                o.category_respond,
                Input::Number,
                |f| f.required().value("24").hint(o.category_respond_hint),
            )
            .field(
                "resolve_within_days",
                o.category_resolve,
                Input::Number,
                |f| f.required().value("15").hint(o.category_resolve_hint),
            )
    });
    let status = match posting {
        None => StatusCode::OK,
        Some(Posting::Department(sent, errors)) => {
            department_form = department_form.map(|f| f.again(sent, &errors, m));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(Posting::Category(sent, errors)) => {
            category_form = category_form.map(|f| f.again(sent, &errors, m));
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    let categories = categories
        .into_iter()
        .map(|category| CategoryRow {
            department: names
                .get(&category.department_id)
                .map_or_else(String::new, |name| (*name).to_owned()),
            category,
        })
        .collect();
    let page = DepartmentsPage {
        m,
        layout: Layout::of(staff, m, "departments"),
        departments,
        categories,
        department_form,
        category_form,
        keeps: adds,
        appraises: appraiser_county(&staff.actor).is_ok(),
        notice,
    };
    Ok(html(status, &page))
}

/// The county's departments, and its categories, inactive ones included.
async fn listed(state: &AppState, county_id: i64) -> AppResult<(Vec<Department>, Vec<Category>)> {
    let departments = every(|page| {
        let filter = DepartmentFilter {
            county_id: Some(county_id),
            include_inactive: true,
        };
        async move { departments::list(&state.db, &filter, page).await }
    })
    .await?;
    let categories = every(|page| {
        let filter = CategoryFilter {
            county_id: Some(county_id),
            include_inactive: true,
        };
        async move { categories::list(&state.db, &filter, page).await }
    })
    .await?;
    Ok((departments, categories))
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<Done>,
) -> ConsoleResult<HttpResponse> {
    render(&state, &staff, None, query.saved()).await
}

pub async fn create_department(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let work = async {
        let new = NewDepartment {
            name: sent.one("name").to_owned(),
        };
        outcome(departments::create(&state.db, &staff.actor, new).await)
    };
    match once(&state, &staff, sent.once(), work).await? {
        Outcome::Done => Ok(see_other("/console/departments?done=1")),
        Outcome::Refused(errors) => {
            let posting = Posting::Department(&sent, errors);
            render(&state, &staff, Some(posting), None).await
        }
    }
}

pub async fn create_category(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let work = async {
        let fields = (
            sent.id("department_id"),
            sent.number("respond_within_hours"),
            sent.number("resolve_within_days"),
        );
        let (department_id, respond_within_hours, resolve_within_days) = match fields {
            (Ok(d), Ok(r), Ok(s)) => (d, r, s),
            (d, r, s) => {
                let errors = [d.err(), r.err(), s.err()].into_iter().flatten().collect();
                return Ok(Outcome::Refused(errors));
            }
        };
        let new = NewCategory {
            name: sent.one("name").to_owned(),
            department_id,
            respond_within_hours,
            resolve_within_days,
        };
        let created = categories::create(&state.db, &staff.actor, new).await;
        if created.is_ok() {
            state.reference.changed(Kind::Organisation).await;
        }
        outcome(created)
    };
    match once(&state, &staff, sent.once(), work).await? {
        Outcome::Done => Ok(see_other("/console/departments?done=1")),
        Outcome::Refused(errors) => {
            let posting = Posting::Category(&sent, errors);
            render(&state, &staff, Some(posting), None).await
        }
    }
}

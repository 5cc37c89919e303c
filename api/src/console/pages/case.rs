//! `/console/cases/{id}`: a case as the actor may see it (the API's view decides what, the
//! masked phone included), its timeline, and a form for each step the domain allows the actor
//! on it now. A step posts to `/console/cases/{id}/{step}`; a refusal shows the page again with
//! the message beside the field and what was typed kept.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use liaison_domain::case::{CaseStatus, Command, Outcome, Rating};
use liaison_domain::FieldError;
use serde::Deserialize;

use crate::app_error::{AppError, Conflict};
use crate::attachments::service as attachments;
use crate::cases::dto::CaseDetail;
use crate::cases::dto::ReassignBody;
use crate::cases::routes::reassign_to;
use crate::cases::view::{self, names};
use crate::cases::{access, actions, appraisal};
use crate::console::error::{ConsoleError, ConsoleResult};
use crate::console::form::{id_field, optional, Field, Input};
use crate::console::messages::Messages;
use crate::console::pages::{
    choices, error_on, from_local, html, id_of, listed, local, Choice, Layout,
};
use crate::console::session::Staff;
use crate::departments::service::{self as departments, DepartmentFilter};
use crate::deputies::service as deputies;
use crate::pagination::{Page, MAX_LIMIT};
use crate::reply_templates::service as reply_templates;
use crate::state::AppState;

/// The console's step for the deputy's rating of the department: not a command of the case's
/// machine, since it leaves the case as it is and names nobody on its timeline.
const RATE_DEPARTMENT: &str = "rate_department";

/// What a step's form sends; every field a string, kept as typed for the page again.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    resolve_by: String,
    #[serde(default)]
    deputy_id: String,
    #[serde(default)]
    instructions: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    planned_on: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

impl StepForm {
    fn value(&self, field: &str) -> &str {
        match field {
            "reason" => &self.reason,
            "content" => &self.content,
            "note" => &self.note,
            "summary" => &self.summary,
            "department_id" => &self.department_id,
            "resolve_by" => &self.resolve_by,
            "deputy_id" => &self.deputy_id,
            "instructions" => &self.instructions,
            "outcome" => &self.outcome,
            "planned_on" => &self.planned_on,
            "rating" => &self.rating,
            "comment" => &self.comment,
            _ => "",
        }
    }
}

/// A step the actor may take, as a form.
pub struct Step {
    pub name: &'static str,
    pub label: &'static str,
    pub fields: Vec<Field>,
    /// Errors on no field of this form: said above its button, never dropped.
    pub errors: Vec<&'static str>,
}

/// Where the case lies: what the choices of its forms depend on.
#[derive(Clone, Copy)]
struct Place {
    county_id: i64,
    station_id: i64,
}

pub struct EventRow {
    pub kind: String,
    pub label: &'static str,
    pub actor: String,
    pub role: &'static str,
    pub text: Option<String>,
    /// On a resolution: what it amounts to, with its date or reason, as the resident reads it.
    pub outcome: Option<String>,
    /// The round of work, said from the second on.
    pub round: Option<i32>,
    pub internal: bool,
    pub at: String,
}

#[derive(Template)]
#[template(path = "console/case.html")]
struct CasePage {
    m: &'static Messages,
    layout: Layout,
    id: i64,
    number: String,
    title: String,
    status: String,
    status_label: &'static str,
    station: String,
    category: String,
    created: String,
    respond_by: String,
    resolve_by: String,
    overdue: bool,
    flagged: bool,
    escalated: bool,
    content: String,
    location: Option<String>,
    resident: Option<String>,
    anonymous: bool,
    contact_phone: Option<String>,
    channel: &'static str,
    visitor_name: Option<String>,
    claimed: bool,
    has_receipt: bool,
    rating_recorded_by_staff: bool,
    rating: Option<&'static str>,
    rating_comment: Option<String>,
    photos: Vec<i64>,
    events: Vec<EventRow>,
    steps: Vec<Step>,
    /// The saved replies the reply form offers, the one chosen selected.
    reply_templates: Vec<Choice>,
    /// A line above the page: a step saved, or why it was not.
    notice: Option<&'static str>,
    notice_kind: &'static str,
}

/// What one step posted last, to show again: its name, its values, the errors on them.
struct Posted<'a> {
    step: &'a str,
    form: &'a StepForm,
    errors: &'a [FieldError],
}

/// The fields of each step: the names the domain checks them by, so its errors find them. A
/// case in the re-assignment queue (`queued`) goes to a deputy or a department.
fn fields_of(step: &str, queued: bool) -> &'static [(&'static str, bool)] {
    match step {
        "decline" => &[("reason", true)],
        "reply" | "note" | "handle" => &[("content", true)],
        "urge" => &[("note", true)],
        "resolve" => &[
            ("summary", true),
            ("outcome", true),
            ("planned_on", false),
            ("reason", false),
        ],
        "reassign" if queued => &[
            ("department_id", false),
            ("resolve_by", false),
            ("deputy_id", false),
            ("instructions", false),
        ],
        RATE_DEPARTMENT => &[("rating", true)],
        "assign" => &[
            ("department_id", true),
            ("resolve_by", false),
            ("note", false),
        ],
        "reassign" => &[("deputy_id", true)],
        // A visitor's rating given by phone (回访), which staff record.
        "rate" => &[("rating", true), ("comment", false)],
        _ => &[],
    }
}

/// Renders the case for `staff`, with the last posted step's values and errors if any, or
/// with the reply form holding the saved reply `template` chosen (how the form fills from a
/// saved reply without a script).
async fn render(
    state: &AppState,
    staff: &Staff,
    id: i64,
    posted: Option<Posted<'_>>,
    template: Option<i64>,
    notice: Option<(&'static str, &'static str)>,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let cases = state.cases();
    let (case, resident) = access::find_visible_with_resident(&state.db, &staff.actor, id).await?;
    let mut allowed = view::steps(&cases, &staff.actor, &case).await?;
    if appraisal::may_rate(&cases, &staff.actor, &case).await? {
        allowed.push(RATE_DEPARTMENT);
    }
    let queued = *case.status == CaseStatus::Reopened;
    let place = Place {
        county_id: case.county_id,
        station_id: case.station_id,
    };
    let offered = if allowed.contains(&"reply") {
        reply_templates::offered(&state.db, &staff.actor, place.county_id, place.station_id).await?
    } else {
        Vec::new()
    };
    let chosen = match template {
        Some(template) => Some(
            offered
                .iter()
                .find(|t| t.id == template)
                .ok_or(AppError::NotFound("reply_template"))?,
        ),
        None => None,
    };
    let detail = view::detail(&cases, &staff.actor, case, resident).await?;
    let names = names(&cases, &[&detail.summary]).await?;
    let mut steps = Vec::new();
    for name in allowed {
        let posted = posted.as_ref().filter(|p| p.step == name);
        let mut fields = Vec::new();
        for (field, required) in fields_of(name, queued) {
            let (value, error) = match (posted, chosen) {
                (Some(p), _) => (p.form.value(field).to_owned(), error_on(p.errors, field, m)),
                (None, Some(t)) if name == "reply" => (t.body.clone(), None),
                (None, _) => (String::new(), None),
            };
            let field = field_view(state, m, name, (field, *required), value, error, place).await?;
            fields.push(field);
        }
        let errors = posted.map_or_else(Vec::new, |p| {
            p.errors
                .iter()
                .filter(|e| !fields_of(name, queued).iter().any(|(f, _)| *f == e.field))
                .map(|e| m.field_error(e.code))
                .collect()
        });
        steps.push(Step {
            name,
            label: m.step(name),
            fields,
            errors,
        });
    }
    let chosen_id = chosen.map(|t| t.id.to_string()).unwrap_or_default();
    let choices = offered.into_iter().map(|t| (t.id.to_string(), t.title));
    let mut page = page_of(
        m,
        Layout::of(staff, m, "queue"),
        detail,
        &names,
        steps,
        notice,
    );
    page.reply_templates = listed(choices, &[chosen_id.as_str()]);
    Ok(html(status, &page))
}

async fn field_view(
    state: &AppState,
    m: &'static Messages,
    step: &str,
    (name, required): (&'static str, bool),
    value: String,
    error: Option<&'static str>,
    place: Place,
) -> ConsoleResult<Field> {
    let (label, input, hint, options) = match name {
        "content" => (m.field_content, Input::Textarea, None, Vec::new()),
        "note" => (m.field_note, Input::Textarea, None, Vec::new()),
        "summary" => (m.field_summary, Input::Textarea, None, Vec::new()),
        "instructions" => (m.field_instructions, Input::Textarea, None, Vec::new()),
        "reason" if step == "resolve" => {
            (m.field_outcome_reason, Input::Textarea, None, Vec::new())
        }
        "reason" => (m.field_reason, Input::Textarea, None, Vec::new()),
        "planned_on" => (
            m.field_planned_on,
            Input::Date,
            Some(m.field_resolve_by_hint),
            Vec::new(),
        ),
        "outcome" => {
            let options = Outcome::ALL
                .iter()
                .map(|o| (o.as_str().to_owned(), m.outcome(o.as_str()).to_owned()));
            (
                m.field_outcome,
                Input::Select,
                None,
                choices(options, &value, m.choose),
            )
        }
        "comment" => (m.field_comment, Input::Textarea, None, Vec::new()),
        "rating" => {
            let options = Rating::ALL
                .iter()
                .map(|r| (r.as_str().to_owned(), m.rating(r.as_str()).to_owned()));
            // The visitor's rating staff record, or the deputy's of the department.
            let label = match step {
                "rate" => m.field_rating,
                _ => m.field_department_rating,
            };
            (
                label,
                Input::Select,
                None,
                choices(options, &value, m.choose),
            )
        }
        "resolve_by" => (
            m.field_resolve_by,
            Input::Date,
            Some(m.field_resolve_by_hint),
            Vec::new(),
        ),
        "department_id" => {
            let filter = DepartmentFilter {
                county_id: Some(place.county_id),
                include_inactive: false,
            };
            let listed = departments::list(
                &state.db,
                &filter,
                Page {
                    limit: MAX_LIMIT,
                    after: None,
                },
            )
            .await?;
            let options = listed.items.into_iter().map(|d| (d.id.to_string(), d.name));
            (
                m.field_department,
                Input::Select,
                None,
                choices(options, &value, m.choose),
            )
        }
        "deputy_id" => {
            let sitting = deputies::at(&state.db, place.station_id).await?;
            let options = sitting.into_iter().map(|d| (d.id.to_string(), d.name));
            (
                m.field_deputy,
                Input::Select,
                None,
                choices(options, &value, m.choose),
            )
        }
        _ => (m.field_content, Input::Textarea, None, Vec::new()),
    };
    let mut field = Field::new(step, name, label, input)
        .value(value)
        .options(options);
    field.required = required;
    field.hint = hint;
    field.error = error;
    Ok(field)
}

fn page_of(
    m: &'static Messages,
    layout: Layout,
    detail: CaseDetail,
    names: &view::Names,
    steps: Vec<Step>,
    notice: Option<(&'static str, &'static str)>,
) -> CasePage {
    let summary = detail.summary;
    CasePage {
        m,
        layout,
        id: summary.id,
        number: summary.number,
        title: summary.title,
        status_label: m.status(&summary.status),
        status: summary.status,
        station: names.station(summary.station_id).to_owned(),
        category: names.category(summary.category_id).to_owned(),
        created: local(summary.created_at),
        respond_by: local(summary.respond_by),
        resolve_by: local(summary.resolve_by),
        overdue: summary.overdue,
        flagged: summary.flagged,
        escalated: summary.escalated,
        content: detail.content,
        location: summary.location,
        resident: detail.resident.map(|p| p.name),
        anonymous: summary.anonymous,
        contact_phone: detail.contact_phone,
        channel: m.case_channel(&summary.channel),
        visitor_name: detail.visitor_name,
        claimed: detail.claimed_at.is_some(),
        has_receipt: detail.receipt.is_some(),
        rating_recorded_by_staff: detail.rating_recorded_by_staff,
        rating: summary.rating.as_deref().map(|r| m.rating(r)),
        rating_comment: detail.rating_comment,
        photos: detail.attachments.iter().map(|a| a.id).collect(),
        events: detail
            .events
            .into_iter()
            .map(|e| EventRow {
                label: m.event(&e.kind),
                role: m.role(&e.actor_role),
                kind: e.kind,
                actor: e.actor_name,
                text: e.text,
                outcome: e
                    .outcome
                    .as_deref()
                    .map(|o| m.outcome_line(o, e.planned_on, e.outcome_reason.as_deref())),
                round: (e.round > 1).then_some(e.round),
                internal: e.internal,
                at: local(e.created_at),
            })
            .collect(),
        steps,
        reply_templates: Vec::new(),
        notice: notice.map(|(text, _)| text),
        notice_kind: notice.map_or("", |(_, kind)| kind),
    }
}

#[derive(Debug, Deserialize)]
pub struct CaseQuery {
    #[serde(default)]
    done: String,
    /// A saved reply to fill the reply form with.
    #[serde(default)]
    template: String,
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<CaseQuery>,
) -> ConsoleResult<HttpResponse> {
    let id = id_of(&id, "case")?;
    let m = Messages::current();
    let notice = (!query.done.is_empty()).then_some((m.case_done, "ok"));
    let template = optional(&query.template)
        .map(|raw| id_of(&raw, "reply_template"))
        .transpose()?;
    render(&state, &staff, id, None, template, notice, StatusCode::OK).await
}

/// The end of day `date` in Beijing, the deadline a date picked in the county means.
fn end_of_day(date: &str) -> Result<DateTime<Utc>, FieldError> {
    let last_second = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default();
    Ok(from_local(day("resolve_by", date)?, last_second))
}

/// A date typed in `field` as `2026-12-31`.
fn day(field: &str, date: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "invalid_date", format!("{field} must be a date")))
}

/// The id chosen in `field`, if any.
fn optional_id(field: &'static str, value: &str) -> Result<Option<i64>, FieldError> {
    optional(value).map(|v| id_field(field, &v)).transpose()
}

/// The command a step's form asks for, or the fields that cannot make one.
fn command_of(step: &str, form: &StepForm) -> ConsoleResult<Result<Command, Vec<FieldError>>> {
    let command = match step {
        "accept" => Command::Accept,
        "decline" => Command::Decline {
            reason: form.reason.clone(),
        },
        "reply" => Command::Reply {
            content: form.content.clone(),
        },
        "note" => Command::Note {
            content: form.content.clone(),
        },
        "handle" => Command::Handle {
            content: form.content.clone(),
        },
        "urge" => Command::Urge {
            note: form.note.clone(),
        },
        "resolve" => {
            let outcome = Outcome::parse(form.outcome.trim()).map_err(|i| i.0);
            let planned_on = optional(&form.planned_on)
                .map(|d| day("planned_on", &d))
                .transpose();
            match (outcome, planned_on) {
                (Ok(outcome), Ok(planned_on)) => Command::Resolve {
                    summary: form.summary.clone(),
                    outcome,
                    planned_on,
                    reason: optional(&form.reason),
                },
                (outcome, planned_on) => {
                    return Ok(Err(outcome
                        .err()
                        .into_iter()
                        .flatten()
                        .chain(planned_on.err())
                        .collect()));
                }
            }
        }
        "assign" => {
            let department = id_field("department_id", &form.department_id);
            let resolve_by = optional(&form.resolve_by)
                .map(|d| end_of_day(&d))
                .transpose();
            match (department, resolve_by) {
                (Ok(department_id), Ok(resolve_by)) => Command::Assign {
                    department_id,
                    resolve_by,
                    note: optional(&form.note),
                },
                (department, resolve_by) => {
                    return Ok(Err(department
                        .err()
                        .into_iter()
                        .chain(resolve_by.err())
                        .collect()));
                }
            }
        }
        "rate" => match Rating::parse(form.rating.trim()) {
            Ok(rating) => Command::Rate {
                rating,
                comment: optional(&form.comment),
            },
            Err(invalid) => return Ok(Err(invalid.0)),
        },
        "reassign" => {
            let deputy_id = optional_id("deputy_id", &form.deputy_id);
            let department_id = optional_id("department_id", &form.department_id);
            let resolve_by = optional(&form.resolve_by)
                .map(|d| end_of_day(&d))
                .transpose();
            let (deputy_id, department_id, resolve_by) =
                match (deputy_id, department_id, resolve_by) {
                    (Ok(a), Ok(b), Ok(c)) => (a, b, c),
                    (a, b, c) => {
                        return Ok(Err(a
                            .err()
                            .into_iter()
                            .chain(b.err())
                            .chain(c.err())
                            .collect()));
                    }
                };
            let body = ReassignBody {
                deputy_id,
                instructions: optional(&form.instructions),
                department_id,
                resolve_by,
            };
            match reassign_to(body) {
                Ok(to) => Command::Reassign { to },
                Err(invalid) => return Ok(Err(invalid.0)),
            }
        }
        _ => return Err(ConsoleError::App(AppError::NotFound("step"))),
    };
    Ok(Ok(command))
}

/// A step's form refused: the page again, with what was typed and why not.
struct Again<'a> {
    state: &'a AppState,
    staff: &'a Staff,
    id: i64,
    step: &'a str,
    form: &'a StepForm,
    errors: Vec<FieldError>,
}

impl Again<'_> {
    async fn show(self) -> ConsoleResult<HttpResponse> {
        let posted = Posted {
            step: self.step,
            form: self.form,
            errors: &self.errors,
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        render(
            self.state,
            self.staff,
            self.id,
            Some(posted),
            None,
            None,
            status,
        )
        .await
    }
}

pub async fn act(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
    form: web::Form<StepForm>,
) -> ConsoleResult<HttpResponse> {
    let (id, step) = path.into_inner();
    let id = id_of(&id, "case")?;
    let form = form.into_inner();
    staff.check_csrf(&state, &form.csrf)?;
    let m = Messages::current();
    let again = |errors: Vec<FieldError>| Again {
        state: &state,
        staff: &staff,
        id,
        step: &step,
        form: &form,
        errors,
    };
    let cases = state.cases();
    let done = if step == RATE_DEPARTMENT {
        match Rating::parse(form.rating.trim()) {
            Ok(rating) => appraisal::rate_department(&cases, &staff.actor, id, rating).await,
            Err(invalid) => return again(invalid.0).show().await,
        }
    } else {
        match command_of(&step, &form)? {
            Ok(command) => actions::act(&cases, &staff.actor, &staff.name, id, command).await,
            Err(errors) => return again(errors).show().await,
        }
    };
    match done {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/console/cases/{id}?done=1")))
            .finish()),
        Err(AppError::Invalid(invalid)) => again(invalid.0).show().await,
        Err(AppError::ContentRejected) => {
            let field = fields_of(&step, false)
                .first()
                .map_or("content", |(f, _)| *f);
            again(vec![FieldError::new(field, "content_rejected", "rejected")])
                .show()
                .await
        }
        // Someone acted first: the page as it is now, saying so; nothing was done twice.
        Err(AppError::Conflict(Conflict::CaseChanged)) => {
            render(
                &state,
                &staff,
                id,
                None,
                None,
                Some((m.case_changed, "warn")),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(AppError::Refused { .. } | AppError::Conflict(Conflict::Taken { .. })) => {
            render(
                &state,
                &staff,
                id,
                None,
                None,
                Some((m.case_refused, "warn")),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// A photo of a case, for whoever may see the case: the API's own rule, through the session.
pub async fn photo(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let id = id_of(&id, "attachment")?;
    let (bytes, content_type) =
        attachments::download(&state.attachments(), &staff.actor, id).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .body(bytes))
}

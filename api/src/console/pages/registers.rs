//! `/console/deputies/{id}/registers`: a deputy's five registers (五簿) for a year, each with
//! its entries (automatic ones linked to their source), a form to add an entry per register,
//! edit and verify for those who may, the XLSX download, and a printable page. Who may is the
//! registers' use-cases' rule; a form with bad input comes back with the message beside the
//! field and the values as typed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use liaison_domain::case::Rating;
use liaison_domain::register::{ActivityKind, EntrySource, ProposalKind};
use liaison_domain::vocabulary::Vocabulary;
use liaison_domain::{FieldError, Invalid};
use serde::Deserialize;

use crate::app_error::{AppError, Conflict};
use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::{html, id_of, see_other, Layout};
use crate::console::session::Staff;
use crate::registers::dto::{NewRegisterEntry, RegisterEntry, RegisterEntryPatch, Registers};
use crate::registers::export::{activity_words, origin, proposal_words, rating_words};
use crate::registers::{self as service, attendance_words, routes::workbook_download};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct YearForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    done: String,
}

/// An entry's form as typed: every field text, so a bad value comes back as it was.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub activity_kind: String,
    #[serde(default)]
    pub proposal_kind: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub answered_on: String,
    #[serde(default)]
    pub satisfaction: String,
    #[serde(default)]
    pub attendees: String,
    #[serde(default)]
    pub score: String,
}

fn given(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

fn day(field: &'static str, text: &str) -> Result<Option<NaiveDate>, FieldError> {
    given(text)
        .map(|t| t.parse())
        .transpose()
        .map_err(|_| FieldError::new(field, "invalid_date", "a date as 2026-12-31"))
}

fn count(field: &'static str, text: &str) -> Result<Option<u32>, FieldError> {
    given(text)
        .map(|t| t.parse())
        .transpose()
        .map_err(|_| FieldError::new(field, "not_a_number", "a whole number"))
}

impl EntryForm {
    /// The form as a change: the dates and numbers read, every field given, a blank one
    /// cleared.
    fn patch(&self) -> Result<RegisterEntryPatch, Invalid> {
        let date = day("date", &self.date);
        let answered_on = day("answered_on", &self.answered_on);
        let attendees = count("attendees", &self.attendees);
        let score = count("score", &self.score);
        match (date, answered_on, attendees, score) {
            (Ok(date), Ok(answered_on), Ok(attendees), Ok(score)) => Ok(RegisterEntryPatch {
                date,
                title: Some(self.title.clone()),
                detail: Some(given(&self.detail)),
                activity_kind: Some(given(&self.activity_kind)),
                proposal_kind: Some(given(&self.proposal_kind)),
                answer: Some(given(&self.answer)),
                answered_on: Some(answered_on),
                satisfaction: Some(given(&self.satisfaction)),
                attendees: Some(attendees),
                score: Some(score),
            }),
            (a, b, c, d) => Err(Invalid(
                [a.err(), b.err(), c.err(), d.err()]
                    .into_iter()
                    .flatten()
                    .collect(),
            )),
        }
    }

    fn new_entry(&self) -> Result<NewRegisterEntry, Invalid> {
        let patch = self.patch()?;
        let Some(date) = patch.date else {
            return Err(Invalid::one("date", "required", "the day"));
        };
        Ok(NewRegisterEntry {
            kind: self.kind.clone(),
            date,
            title: patch.title.unwrap_or_default(),
            detail: patch.detail.flatten(),
            activity_kind: patch.activity_kind.flatten(),
            proposal_kind: patch.proposal_kind.flatten(),
            answer: patch.answer.flatten(),
            answered_on: patch.answered_on.flatten(),
            satisfaction: patch.satisfaction.flatten(),
            attendees: patch.attendees.flatten(),
            score: patch.score.flatten(),
        })
    }

    /// A stored entry as its edit form.
    fn of(entry: &RegisterEntry) -> Self {
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        Self {
            kind: entry.kind.as_str().to_owned(),
            date: entry.date.to_string(),
            title: entry.title.clone(),
            detail: text(&entry.detail),
            activity_kind: entry
                .activity_kind
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
            proposal_kind: entry
                .proposal_kind
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
            answer: text(&entry.answer),
            answered_on: entry.answered_on.map(|d| d.to_string()).unwrap_or_default(),
            satisfaction: entry
                .satisfaction
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            attendees: number(entry.attendees),
            score: number(entry.score),
            ..Self::default()
        }
    }
}

/// A form on the page: where it posts, its values, and the messages beside its fields.
pub struct FormView {
    /// Unique on the page, for the fields' ids: `add-activity`, `edit-12`.
    pub prefix: String,
    pub action: String,
    pub kind: &'static str,
    pub values: EntryForm,
    pub errors: Vec<(String, &'static str)>,
}

impl FormView {
    pub fn error(&self, field: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| *m)
    }
}

/// A closed set's choices as (word, words shown).
pub type Choices = Vec<(&'static str, &'static str)>;

fn choices<T: Vocabulary>(words: fn(T) -> &'static str) -> Choices {
    T::ALL.iter().map(|w| (w.as_str(), words(*w))).collect()
}

/// An entry as a row of the page.
pub struct Row {
    pub id: Option<i64>,
    pub auto: bool,
    pub date: String,
    pub title: String,
    pub detail: String,
    pub origin: String,
    /// Where the source is shown in the console, for an automatic entry.
    pub link: Option<String>,
    pub particulars: String,
    pub verified: bool,
    /// The edit form, for an entry the reader may still edit.
    pub edit: Option<FormView>,
}

pub struct Section {
    pub kind: &'static str,
    pub name: String,
    pub rows: Vec<Row>,
    pub add: FormView,
}

#[derive(Template)]
#[template(path = "console/registers.html")]
struct RegistersPage {
    m: &'static Messages,
    layout: Layout,
    deputy_id: i64,
    deputy_name: String,
    year: String,
    may_verify: bool,
    sections: Vec<Section>,
    activity_kinds: Choices,
    proposal_kinds: Choices,
    ratings: Choices,
    errors: Vec<(String, &'static str)>,
    notice: Option<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "console/registers_print.html")]
struct PrintPage {
    m: &'static Messages,
    deputy_id: i64,
    deputy_name: String,
    year: i32,
    sections: Vec<Section>,
}

fn particulars(entry: &RegisterEntry) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(entry.activity_kind.map(|k| activity_words(k).to_owned()));
    parts.extend(entry.proposal_kind.map(|k| proposal_words(k).to_owned()));
    parts.extend(entry.attendance.map(|a| attendance_words(a).to_owned()));
    if let Some(answer) = &entry.answer {
        let on = entry.answered_on.map(|d| d.to_string()).unwrap_or_default();
        parts.push(format!("答复（{on}）：{answer}"));
    }
    parts.extend(
        entry
            .satisfaction
            .map(|r| format!("满意度：{}", rating_words(r))),
    );
    parts.extend(entry.attendees.map(|n| format!("参加 {n} 人")));
    parts.extend(entry.score.map(|n| format!("得分 {n}")));
    parts.join("；")
}

fn link(entry: &RegisterEntry) -> Option<String> {
    entry
        .case_id
        .map(|id| format!("/console/cases/{id}"))
        .or(entry
            .reception_id
            .map(|id| format!("/console/receptions/{id}")))
}

/// What a refusal says beside each field.
fn messages(m: &Messages, invalid: Invalid) -> Vec<(String, &'static str)> {
    invalid
        .0
        .into_iter()
        .map(|e| (e.field, m.field_error(e.code)))
        .collect()
}

/// A form that failed: which one (the kind added to, or the entry edited) and how.
enum Failed {
    Add(EntryForm, Invalid),
    Edit(i64, EntryForm, Invalid),
}

fn sections(
    registers: Registers,
    year: &str,
    failed: Option<&Failed>,
    m: &Messages,
) -> Vec<Section> {
    let deputy_id = registers.deputy_id;
    registers
        .registers
        .into_iter()
        .map(|register| {
            let kind = register.kind.as_str();
            let rows = register
                .entries
                .iter()
                .map(|e| {
                    let edit = (e.source == EntrySource::Manual && !e.verified)
                        .then_some(e.id)
                        .flatten()
                        .map(|id| {
                            let (values, errors) = match failed {
                                Some(Failed::Edit(at, form, invalid)) if *at == id => {
                                    (form.clone(), messages(m, invalid.clone()))
                                }
                                _ => (EntryForm::of(e), Vec::new()),
                            };
                            FormView {
                                prefix: format!("edit-{id}"),
                                action: format!("/console/register-entries/{id}?year={year}"),
                                kind,
                                values,
                                errors,
                            }
                        });
                    Row {
                        id: e.id,
                        auto: e.source == EntrySource::Auto,
                        date: e.date.to_string(),
                        title: e.title.clone(),
                        detail: e.detail.clone().unwrap_or_default(),
                        origin: origin(e),
                        link: link(e),
                        particulars: particulars(e),
                        verified: e.verified,
                        edit,
                    }
                })
                .collect();
            let (values, errors) = match failed {
                Some(Failed::Add(form, invalid)) if form.kind == kind => {
                    (form.clone(), messages(m, invalid.clone()))
                }
                _ => (EntryForm::default(), Vec::new()),
            };
            Section {
                kind,
                name: register.name,
                rows,
                add: FormView {
                    prefix: format!("add-{kind}"),
                    action: format!("/console/deputies/{deputy_id}/registers?year={year}"),
                    kind,
                    values,
                    errors,
                },
            }
        })
        .collect()
}

async fn render(
    state: &AppState,
    staff: &Staff,
    deputy_id: i64,
    asked_year: &str,
    failed: Option<Failed>,
    notice: Option<(&'static str, &'static str)>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let kept = service::keeping(&state.db, &staff.actor, deputy_id).await?;
    let (status, year, errors) = match service::year_of(Some(asked_year)) {
        Ok(year) => (StatusCode::OK, year, Vec::new()),
        Err(AppError::Invalid(invalid)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            service::year_of(None)?,
            messages(m, invalid),
        ),
        Err(other) => return Err(other.into()),
    };
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    let registers = service::read(&state.db, &staff.actor, &kept, year).await?;
    let year = year.to_string();
    let page = RegistersPage {
        m,
        layout: Layout::of(staff, m, "deputies"),
        deputy_id,
        deputy_name: registers.deputy_name.clone(),
        may_verify: registers.may_verify,
        sections: sections(registers, &year, failed.as_ref(), m),
        year,
        activity_kinds: choices::<ActivityKind>(activity_words),
        proposal_kinds: choices::<ProposalKind>(proposal_words),
        ratings: choices::<Rating>(rating_words),
        errors,
        notice,
    };
    Ok(html(status, &page))
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<YearForm>,
) -> ConsoleResult<HttpResponse> {
    let deputy_id = id_of(&id, "deputy")?;
    let r = Messages::current().registers;
    let notice = match query.done.as_str() {
        "added" => Some(("ok", r.added)),
        "edited" => Some(("ok", r.edited)),
        "verified" => Some(("ok", r.verified_notice)),
        _ => None,
    };
    render(&state, &staff, deputy_id, &query.year, None, notice).await
}

fn done(deputy_id: i64, year: &str, what: &str) -> HttpResponse {
    let year = url::form_urlencoded::byte_serialize(year.as_bytes()).collect::<String>();
    see_other(format!(
        "/console/deputies/{deputy_id}/registers?year={year}&done={what}"
    ))
}

pub async fn add(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<YearForm>,
    form: web::Form<EntryForm>,
) -> ConsoleResult<HttpResponse> {
    let deputy_id = id_of(&id, "deputy")?;
    staff.check_csrf(&state, &form.csrf)?;
    let kept = service::keeping(&state.db, &staff.actor, deputy_id).await?;
    let form = form.into_inner();
    let added = match form.new_entry() {
        Ok(new) => service::add(&state.db, &staff.actor, &kept, new).await,
        Err(invalid) => Err(AppError::Invalid(invalid)),
    };
    match added {
        Ok(entry) => Ok(done(
            deputy_id,
            &entry.date.format("%Y").to_string(),
            "added",
        )),
        Err(AppError::Invalid(invalid)) => {
            let failed = Failed::Add(form, invalid);
            render(&state, &staff, deputy_id, &query.year, Some(failed), None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// After a 409: the page again, saying why.
async fn conflicted(
    state: &AppState,
    staff: &Staff,
    deputy_id: i64,
    year: &str,
    conflict: Conflict,
) -> ConsoleResult<HttpResponse> {
    let r = Messages::current().registers;
    let says = match conflict {
        Conflict::RegisterEntryAlreadyVerified => r.already_verified,
        _ => r.locked,
    };
    let page = render(state, staff, deputy_id, year, None, Some(("warn", says))).await?;
    let mut page = page;
    *page.status_mut() = StatusCode::CONFLICT;
    Ok(page)
}

pub async fn edit(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<YearForm>,
    form: web::Form<EntryForm>,
) -> ConsoleResult<HttpResponse> {
    let entry_id = id_of(&id, "register entry")?;
    staff.check_csrf(&state, &form.csrf)?;
    let (stored, _) = service::entry(&state.db, &staff.actor, entry_id).await?;
    let deputy_id = stored.deputy_id;
    let form = form.into_inner();
    let edited = match form.patch() {
        Ok(patch) => service::edit(&state.db, &staff.actor, stored, patch).await,
        Err(invalid) => Err(AppError::Invalid(invalid)),
    };
    match edited {
        Ok(entry) => Ok(done(
            deputy_id,
            &entry.date.format("%Y").to_string(),
            "edited",
        )),
        Err(AppError::Invalid(invalid)) => {
            let failed = Failed::Edit(entry_id, form, invalid);
            render(&state, &staff, deputy_id, &query.year, Some(failed), None).await
        }
        Err(AppError::Conflict(conflict)) => {
            conflicted(&state, &staff, deputy_id, &query.year, conflict).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn verify(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<YearForm>,
    form: web::Form<EntryForm>,
) -> ConsoleResult<HttpResponse> {
    let entry_id = id_of(&id, "register entry")?;
    staff.check_csrf(&state, &form.csrf)?;
    let (stored, kept) = service::entry(&state.db, &staff.actor, entry_id).await?;
    let deputy_id = stored.deputy_id;
    match service::verify(&state.db, &staff.actor, stored, &kept).await {
        Ok(_) => Ok(done(deputy_id, &query.year, "verified")),
        Err(AppError::Conflict(conflict)) => {
            conflicted(&state, &staff, deputy_id, &query.year, conflict).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The deputy `id` names, if the reader keeps their registers, and the year asked for: who
/// may first, then the year.
async fn year_kept(
    state: &AppState,
    staff: &Staff,
    id: &str,
    query: &YearForm,
) -> ConsoleResult<(service::Kept, i32)> {
    let deputy_id = id_of(id, "deputy")?;
    let kept = service::keeping(&state.db, &staff.actor, deputy_id).await?;
    Ok((kept, service::year_of(Some(&query.year))?))
}

pub async fn xlsx(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<YearForm>,
) -> ConsoleResult<HttpResponse> {
    let (kept, year) = year_kept(&state, &staff, &id, &query).await?;
    let (registers, bytes) = service::export(&state.db, &staff.actor, &kept, year).await?;
    Ok(workbook_download(&registers, bytes))
}

pub async fn print(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<YearForm>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let (kept, year) = year_kept(&state, &staff, &id, &query).await?;
    let deputy_id = kept.deputy_id();
    let registers = service::read(&state.db, &staff.actor, &kept, year).await?;
    let page = PrintPage {
        m,
        deputy_id,
        deputy_name: registers.deputy_name.clone(),
        year,
        sections: sections(registers, &year.to_string(), None, m),
    };
    Ok(html(StatusCode::OK, &page))
}

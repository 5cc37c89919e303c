//! `/console/webhooks`: the county's webhooks, created, changed and deleted through the same
//! use-cases as the API. Those use-cases let county admins only, so for anyone else every one
//! of these URLs is the 403 page. A refused form comes back with what was typed kept and the
//! message by its field; a new webhook's secret is shown once (`webhook_secret`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use liaison_domain::case::EventKind;
use liaison_domain::FieldError;
use liaison_infra::store::reference::Kind;
use serde::Deserialize;

use super::webhook_secret::{self, Shown};
use crate::app_error::AppError;
use crate::console::error::ConsoleResult;
use crate::console::form::{checked, Posted};
use crate::console::messages::Messages;
use crate::console::once::{self, Outcome};
use crate::console::pages::{html, id_of, next_page, ok, see_other, Layout};
use crate::console::session::Staff;
use crate::pagination::{PageQuery, MAX_LIMIT};
use crate::state::AppState;
use crate::webhooks::dto::{NewWebhook, Webhook, WebhookPatch};
use crate::webhooks::service;

/// The list, and where the create form posts.
pub const PATH: &str = "/console/webhooks";

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    /// `saved` or `deleted`: what the form that led here did.
    #[serde(default)]
    done: String,
}

/// What a webhook's form sends, as typed: a ticked box sends its name once per box, and an
/// unticked one sends nothing.
struct WebhookForm {
    url: String,
    events: Vec<String>,
    active: bool,
}

impl WebhookForm {
    fn of(sent: &Posted) -> Self {
        Self {
            url: sent.one("url").to_owned(),
            events: sent.all("events").into_iter().map(str::to_owned).collect(),
            active: !sent.one("active").is_empty(),
        }
    }
}

/// A box of the events field.
pub struct EventBox {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// A webhook's form as shown: its values and the messages by its fields.
pub struct WebhookFields {
    pub action: String,
    /// What its button says.
    pub submit: &'static str,
    pub url: String,
    pub events: Vec<EventBox>,
    pub active: bool,
    pub url_error: Option<&'static str>,
    pub events_error: Option<&'static str>,
    /// Errors on no field of the form: said above its button, never dropped.
    pub errors: Vec<&'static str>,
    /// For the create form: the value that makes a second post of it do nothing.
    pub once: Option<String>,
}

/// The events of an error's field: the use-case names a wrong kind by its place, `events[2]`.
fn on_events(field: &str) -> bool {
    field == "events" || field.starts_with("events[")
}

/// The form posting to `action` with the button `submit`, holding `url`, `events`, `active`.
fn fields(
    m: &Messages,
    (action, submit): (String, &'static str),
    (url, events, active): (String, &[String], bool),
    errors: &[FieldError],
) -> WebhookFields {
    WebhookFields {
        // The create form posts to the list; an edit form to its webhook.
        once: (action == PATH).then(once::fresh),
        action,
        submit,
        url,
        events: EventKind::ALL
            .iter()
            .map(|kind| EventBox {
                value: kind.as_str(),
                label: m.event(kind.as_str()),
                checked: events.iter().any(|e| e == kind.as_str()),
            })
            .collect(),
        active,
        url_error: errors
            .iter()
            .find(|e| e.field == "url")
            .map(|e| m.webhook_error("url", e.code)),
        events_error: errors
            .iter()
            .find(|e| on_events(&e.field))
            .map(|e| m.webhook_error("events", e.code)),
        errors: errors
            .iter()
            .filter(|e| e.field != "url" && !on_events(&e.field))
            .map(|e| m.webhook_error(&e.field, e.code))
            .collect(),
    }
}

pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "console/webhooks.html")]
struct WebhooksPage {
    m: &'static Messages,
    layout: Layout,
    webhooks: Vec<WebhookRow>,
    next: Option<String>,
    form: WebhookFields,
    created: Option<Shown>,
    notice: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "console/webhook.html")]
struct WebhookPage {
    m: &'static Messages,
    layout: Layout,
    id: i64,
    form: WebhookFields,
}

#[derive(Template)]
#[template(path = "console/webhook_delete.html")]
struct DeletePage {
    m: &'static Messages,
    layout: Layout,
    webhook: WebhookRow,
}

fn row(m: &Messages, webhook: Webhook) -> WebhookRow {
    let events: Vec<&str> = webhook.events.iter().map(|e| m.event(e)).collect();
    WebhookRow {
        id: webhook.id,
        url: webhook.url,
        events: events.join("、"),
        active: webhook.active,
    }
}

/// The list with the create form (blank, or as posted with its errors).
async fn render_list(
    state: &AppState,
    staff: &Staff,
    cursor: Option<String>,
    form: WebhookFields,
    created: Option<Shown>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let page = PageQuery {
        limit: Some(MAX_LIMIT),
        cursor,
    };
    let listed = service::list(&state.db, &staff.actor, &page).await?;
    let page = WebhooksPage {
        m,
        layout: Layout::of(staff, m, "webhooks"),
        webhooks: listed.items.into_iter().map(|w| row(m, w)).collect(),
        next: listed.next_cursor.map(|c| next_page(PATH, &c)),
        form,
        created,
        notice,
    };
    Ok(html(status, &page))
}

/// The create form, posting to the list's own path.
fn create_target(m: &Messages) -> (String, &'static str) {
    (PATH.to_owned(), m.webhook_create)
}

fn blank(m: &Messages) -> WebhookFields {
    fields(m, create_target(m), (String::new(), &[], true), &[])
}

pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    req: HttpRequest,
    query: web::Query<ListQuery>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let query = query.into_inner();
    let created = webhook_secret::take(&state, &staff, &req);
    let notice = match query.done.as_str() {
        "saved" => Some(m.webhook_saved),
        "deleted" => Some(m.webhook_deleted),
        _ => created.as_ref().map(|_| m.webhook_created),
    };
    let mut response = render_list(
        &state,
        &staff,
        query.cursor,
        blank(m),
        created,
        notice,
        StatusCode::OK,
    )
    .await?;
    if webhook_secret::sent(&req) {
        response
            .add_cookie(&webhook_secret::removal(&state))
            .map_err(AppError::internal)?;
    }
    Ok(response)
}

pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let form = WebhookForm::of(&sent);
    let mut sealed = None;
    let work = async {
        let new = NewWebhook {
            url: form.url.clone(),
            events: form.events.clone(),
            active: Some(form.active),
        };
        let created =
            service::create(&state.db, &state.webhooks, &state.sealer, &staff.actor, new).await;
        match created {
            Ok(created) => {
                state.reference.changed(Kind::Webhooks).await;
                let secret = webhook_secret::seal(&state, &staff, &created)?;
                // Posted again, the form shows this secret, not a second webhook's.
                once::remember(&state, &staff, sent.once(), &secret).await?;
                sealed = Some(secret);
                Ok(Outcome::Done)
            }
            Err(AppError::Invalid(invalid)) => Ok(Outcome::Refused(invalid.0)),
            Err(other) => Err(other.into()),
        }
    };
    match once::once(&state, &staff, sent.once(), work).await? {
        Outcome::Done => {
            let sealed = match sealed {
                Some(sealed) => Some(sealed),
                None => once::remembered(&state, &staff, sent.once()).await?,
            };
            let mut response = see_other(PATH);
            if let Some(sealed) = sealed {
                let cookie = webhook_secret::carry(&state, sealed);
                response.add_cookie(&cookie).map_err(AppError::internal)?;
            }
            Ok(response)
        }
        Outcome::Refused(errors) => {
            let m = Messages::current();
            let values = (form.url, form.events.as_slice(), form.active);
            let form = fields(m, create_target(m), values, &errors);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_list(&state, &staff, None, form, None, None, status).await
        }
    }
}

/// The edit form of webhook `id`.
fn edit_target(m: &Messages, id: i64) -> (String, &'static str) {
    (format!("{PATH}/{id}"), m.webhook_save)
}

fn edit_page(staff: &Staff, id: i64, form: WebhookFields, status: StatusCode) -> HttpResponse {
    let m = Messages::current();
    let page = WebhookPage {
        m,
        layout: Layout::of(staff, m, "webhooks"),
        id,
        form,
    };
    html(status, &page)
}

pub async fn edit(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let id = id_of(&id, "webhook")?;
    let webhook = service::find(&state.db, &staff.actor, id).await?;
    let m = Messages::current();
    let values = (webhook.url, webhook.events.as_slice(), webhook.active);
    let form = fields(m, edit_target(m, id), values, &[]);
    Ok(edit_page(&staff, id, form, StatusCode::OK))
}

/// Changes what the API's PATCH changes: the URL, the events, whether it is active.
pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let id = id_of(&id, "webhook")?;
    let sent = checked(&state, &staff, form)?;
    let form = WebhookForm::of(&sent);
    let patch = WebhookPatch {
        url: Some(form.url.clone()),
        events: Some(form.events.clone()),
        active: Some(form.active),
    };
    match service::update(&state.db, &state.webhooks, &staff.actor, id, patch).await {
        Ok(_) => {
            state.reference.changed(Kind::Webhooks).await;
            Ok(see_other(format!("{PATH}?done=saved")))
        }
        Err(AppError::Invalid(invalid)) => {
            let m = Messages::current();
            let values = (form.url, form.events.as_slice(), form.active);
            let form = fields(m, edit_target(m, id), values, &invalid.0);
            Ok(edit_page(
                &staff,
                id,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// The confirmation a delete asks for first: a page, so that it needs no script.
pub async fn confirm_delete(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let id = id_of(&id, "webhook")?;
    let webhook = service::find(&state.db, &staff.actor, id).await?;
    let m = Messages::current();
    let page = DeletePage {
        m,
        layout: Layout::of(&staff, m, "webhooks"),
        webhook: row(m, webhook),
    };
    Ok(ok(&page))
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
}

/// Deletes the webhook with its deliveries; a second delete finds nothing (the 404 page).
pub async fn delete(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<DeleteForm>,
) -> ConsoleResult<HttpResponse> {
    let id = id_of(&id, "webhook")?;
    staff.check_csrf(&state, &form.csrf)?;
    service::delete(&state.db, &staff.actor, id).await?;
    state.reference.changed(Kind::Webhooks).await;
    Ok(see_other(format!("{PATH}?done=deleted")))
}

//! `/console/cases/new`: staff record a visitor's case (来访, 赶集日, 走访, 电话, 座谈, 来信) at a
//! station in their reach, and `/console/cases/{id}/receipt`: the receipt (回执) to print for
//! the visitor, whose QR code holds the claim code they scan in the mini-program.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{Duration, Utc};
use liaison_domain::case::Channel;
use liaison_domain::policy::{self, Writes};
use liaison_domain::FieldError;
use liaison_infra::qr;
use serde::Deserialize;

use crate::app_error::AppError;
use crate::cases::dto::NewCase;
use crate::cases::{access, submit, view};
use crate::categories::service::{self as categories, CategoryFilter};
use crate::console::error::{ConsoleError, ConsoleResult};
use crate::console::form::{checked, refused, Form, FormPage, Input, Posted};
use crate::console::messages::Messages;
use crate::console::pages::{choices, every, html, id_of, listed, local, ok, see_other};
use crate::console::session::Staff;
use crate::receptions::dto::ReceptionFilter;
use crate::receptions::service as receptions;
use crate::state::AppState;
use crate::stations::service as stations;

/// A reception to record a case in, as the reception's page links here with it.
#[derive(Debug, Deserialize)]
pub struct Preset {
    reception_id: Option<String>,
}

/// How far back the form offers receptions: the cases said at one are recorded in the days
/// after it, rarely later.
const RECENT_RECEPTIONS: Duration = Duration::days(30);

/// The form, with the stations this staff member records at, their county's categories and
/// the recent receptions at those stations; `reception`, if one of them, comes chosen with its
/// station.
async fn record_form(
    state: &AppState,
    staff: &Staff,
    reception: Option<i64>,
) -> ConsoleResult<Form> {
    let m = Messages::current();
    let actor = &staff.actor;
    if !policy::may_record_cases(actor.role) {
        return Err(AppError::Forbidden("only deputies and admins record visitors' cases").into());
    }
    // A deputy's own stations (the use-case asks whether they are on duty there), or those an
    // admin runs.
    let places = stations::with_rosters(&state.db, actor).await?;
    let filter = CategoryFilter {
        county_id: actor.county_id,
        include_inactive: false,
    };
    let kinds = every(|page| categories::list(&state.db, &filter, page)).await?;
    let recent = ReceptionFilter {
        station_id: None,
        kind: None,
        from: Some(Utc::now() - RECENT_RECEPTIONS),
        to: None,
    };
    // A deputy who does not record receptions still records cases; they choose none.
    let sittings = match policy::may_write(actor.role, Writes::Reception) {
        true => every(|page| receptions::list(&state.db, actor, &recent, page)).await?,
        false => Vec::new(),
    };
    let chosen = reception.and_then(|id| sittings.iter().find(|r| r.id == id));
    let station_chosen = chosen.map(|r| r.station_id.to_string()).unwrap_or_default();
    let reception_chosen = chosen.map(|r| r.id.to_string()).unwrap_or_default();
    let station_name = |id: i64| {
        places
            .iter()
            .find(|s| s.id == id)
            .map_or("", |s| s.name.as_str())
            .to_owned()
    };
    let sittings: Vec<(String, String)> = sittings
        .iter()
        .rev()
        .map(|r| {
            let label = format!(
                "{} {} · {}",
                local(r.held_at),
                m.reception_kind(&r.kind),
                station_name(r.station_id)
            );
            (r.id.to_string(), label)
        })
        .collect();
    let channels = Channel::ALL
        .iter()
        .filter(|c| c.recorded_by_staff())
        .map(|c| (c.as_str().to_owned(), m.case_channel(c.as_str()).to_owned()));
    Ok(Form::new("record", "/console/cases/new", m.record_submit)
        .creating()
        .field("channel", m.case_channel, Input::Select, |f| {
            f.required().options(choices(channels, "walk_in", m.choose))
        })
        .field("station_id", m.col_station, Input::Select, |f| {
            let all = places.iter().map(|s| (s.id.to_string(), s.name.clone()));
            f.required()
                .options(choices(all, &station_chosen, m.choose))
        })
        .field("category_id", m.col_category, Input::Select, |f| {
            let all = kinds.into_iter().map(|c| (c.id.to_string(), c.name));
            f.required().options(choices(all, "", m.choose))
        })
        .field("title", m.record_title_field, Input::Text, |f| f.required())
        .field("content", m.case_content, Input::Textarea, |f| f.required())
        .field("location", m.case_location, Input::Text, |f| f)
        .field("visitor_name", m.case_visitor, Input::Text, |f| {
            f.hint(m.record_visitor_hint)
        })
        .field("visitor_phone", m.case_contact, Input::Tel, |f| f)
        .field("reception_id", m.record_reception, Input::Select, |f| {
            f.hint(m.record_reception_hint).options(choices(
                sittings,
                &reception_chosen,
                m.record_no_reception,
            ))
        })
        .field("publishable", m.record_publishable, Input::Checks, |f| {
            f.options(listed(
                [(AGREED.to_owned(), m.record_publishable_agreed.to_owned())],
                &[],
            ))
        }))
}

/// The value of the ticked box: the visitor agreed that the result be published.
const AGREED: &str = "true";

fn form_page(staff: &Staff, form: Form) -> FormPage {
    let m = Messages::current();
    let page = FormPage::of(
        staff,
        "record",
        m.record_title,
        ("/console/cases", m.nav_queue),
        form,
    );
    FormPage {
        intro: Some(m.record_intro),
        ..page
    }
}

pub async fn new(
    state: web::Data<AppState>,
    staff: Staff,
    preset: web::Query<Preset>,
) -> ConsoleResult<HttpResponse> {
    // A link with a reception that is not one to choose opens the form without it.
    let reception = preset
        .reception_id
        .as_deref()
        .and_then(|id| id.parse().ok());
    let form = record_form(&state, &staff, reception).await?;
    Ok(ok(&form_page(&staff, form)))
}

pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let ids = (
        sent.id("station_id"),
        sent.id("category_id"),
        sent.optional_id("reception_id"),
    );
    let errors = match ids {
        (Ok(station_id), Ok(category_id), Ok(reception_id)) => {
            let new = NewCase {
                scene: None,
                station_id: Some(station_id),
                category_id,
                title: sent.one("title").to_owned(),
                content: sent.one("content").to_owned(),
                location: sent.optional("location"),
                attachment_ids: Vec::new(),
                anonymous: false,
                contact_phone: None,
                channel: Some(sent.one("channel").to_owned()),
                visitor_name: sent.optional("visitor_name"),
                visitor_phone: sent.optional("visitor_phone").map(|p| p.trim().to_owned()),
                reception_id,
                publishable: sent.all("publishable").contains(&AGREED),
            };
            // The form's one-time value is the request's idempotency key: posted twice, the
            // second answers the first case, and its receipt.
            let key = Some(sent.once()).filter(|k| !k.is_empty());
            let raised = submit::submit(&state.cases(), &staff.actor, &staff.name, new, key).await;
            match raised {
                Ok(outcome) => {
                    let id = outcome.submitted.id;
                    return Ok(see_other(format!("/console/cases/{id}/receipt")));
                }
                Err(error) => refused(error)?,
            }
        }
        (station, category, reception) => [station.err(), category.err(), reception.err()]
            .into_iter()
            .flatten()
            .collect::<Vec<FieldError>>(),
    };
    again(&state, &staff, &sent, &errors).await
}

async fn again(
    state: &AppState,
    staff: &Staff,
    sent: &Posted,
    errors: &[FieldError],
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let form = record_form(state, staff, None)
        .await?
        .again(sent, errors, m);
    Ok(html(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(staff, form),
    ))
}

#[derive(Template)]
#[template(path = "console/receipt.html")]
struct ReceiptPage {
    m: &'static Messages,
    id: i64,
    number: String,
    title: String,
    station: String,
    created: String,
    claim_code: String,
    /// The claim code as a QR code, inline (`data:` URI), so the slip prints whole.
    code: String,
}

/// The receipt of a visitor's case not yet claimed, for the staff who may record cases there.
pub async fn receipt(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let id = id_of(&id, "case")?;
    let cases = state.cases();
    let (case, resident) = access::find_visible_with_resident(&state.db, &staff.actor, id).await?;
    let detail = view::detail(&cases, &staff.actor, case, resident).await?;
    // A claimed case, or one a resident raised, has no receipt to give.
    let receipt = detail
        .receipt
        .ok_or(ConsoleError::App(AppError::NotFound("receipt")))?;
    let names = view::names(&cases, &[&detail.summary]).await?;
    let png = qr::png(&receipt.claim_code).map_err(AppError::internal)?;
    let page = ReceiptPage {
        m: Messages::current(),
        id,
        number: detail.summary.number,
        title: detail.summary.title,
        station: names.station(detail.summary.station_id).to_owned(),
        created: local(detail.summary.created_at),
        claim_code: receipt.claim_code,
        code: format!("data:image/png;base64,{}", STANDARD.encode(png)),
    };
    Ok(ok(&page))
}

//! `/console/reply-templates`: the saved replies (常用回复) the actor reads, the county's and
//! their stations', with a form to save one for those who keep them, and per saved reply an
//! edit page and a delete confirmation, through the same use-cases as the API. Who may not
//! keep one gets the 403 page; one they do not read is the 404 page.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use liaison_domain::policy;
use liaison_domain::FieldError;

use crate::app_error::AppError;
use crate::console::error::ConsoleResult;
use crate::console::form::{checked, refused, Form, FormPage, Input, Posted};
use crate::console::messages::Messages;
use crate::console::once::{once, outcome, Outcome};
use crate::console::pages::{choices, html, id_of, listed, ok, see_other, Done, Layout};
use crate::console::session::Staff;
use crate::pagination::{Page, MAX_LIMIT};
use crate::reply_templates::service::{
    self, NewReplyTemplate, ReplyTemplate, ReplyTemplateFilter, ReplyTemplatePatch,
};
use crate::state::AppState;
use crate::stations::service::administered;

const PATH: &str = "/console/reply-templates";

pub struct TemplateRow {
    pub template: ReplyTemplate,
    /// The station's name, or the county's word for its own.
    pub whose: String,
    /// Whether the reader keeps it: its edit and delete links.
    pub keeps: bool,
}

#[derive(Template)]
#[template(path = "console/reply_templates.html")]
struct ListPage {
    m: &'static Messages,
    layout: Layout,
    rows: Vec<TemplateRow>,
    /// More than one page of them: the list shows the first only.
    more: bool,
    form: Option<Form>,
    notice: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "console/reply_template_delete.html")]
struct DeletePage {
    m: &'static Messages,
    layout: Layout,
    template: ReplyTemplate,
}

/// The form that saves a new one: the county's (for its county admins) or one of the stations
/// the actor administers. `None` for who keeps none.
async fn new_form(state: &AppState, staff: &Staff) -> ConsoleResult<Option<Form>> {
    let m = Messages::current();
    let actor = &staff.actor;
    let Some(county_id) = actor.county_id else {
        return Ok(None);
    };
    let stations: Vec<(String, String)> = administered(&state.db, actor)
        .await?
        .into_iter()
        .filter(|s| policy::may_write_reply_template(actor, county_id, Some(s.id)))
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    let county = policy::may_write_reply_template(actor, county_id, None);
    if stations.is_empty() && !county {
        return Ok(None);
    }
    let whose = if county {
        // The empty choice is the county's own.
        choices(stations, "", m.reply_template_county)
    } else {
        let first = stations
            .first()
            .map(|(id, _)| id.clone())
            .unwrap_or_default();
        listed(stations, &[first.as_str()])
    };
    let form = Form::new("reply-template", PATH, m.reply_template_save)
        .creating()
        .field("station_id", m.reply_template_whose, Input::Select, |f| {
            f.options(whose)
        });
    Ok(Some(texts(form, None)))
}

/// The title and body fields, holding `template`'s when there is one.
fn texts(form: Form, template: Option<&ReplyTemplate>) -> Form {
    let m = Messages::current();
    form.field("title", m.reply_template_title, Input::Text, |f| {
        f.required()
            .value(template.map(|t| t.title.clone()).unwrap_or_default())
    })
    .field("body", m.reply_template_body, Input::Textarea, |f| {
        f.required()
            .value(template.map(|t| t.body.clone()).unwrap_or_default())
            .hint(m.reply_template_body_hint)
    })
}

async fn render(
    state: &AppState,
    staff: &Staff,
    posted: Option<(&Posted, &[FieldError])>,
    notice: Option<&'static str>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let page = Page {
        limit: MAX_LIMIT,
        after: None,
    };
    let listed = service::list(
        &state.db,
        &staff.actor,
        &ReplyTemplateFilter::default(),
        page,
    )
    .await?;
    // The stations' names, each read once (from this node's cache of reference data).
    let station_ids: BTreeSet<i64> = listed.items.iter().filter_map(|t| t.station_id).collect();
    let mut names: BTreeMap<i64, String> = BTreeMap::new();
    for station_id in station_ids {
        let station = state
            .reference
            .station(&state.db, station_id)
            .await
            .map_err(AppError::from)?;
        if let Some(station) = station {
            names.insert(station_id, station.name);
        }
    }
    let rows = listed
        .items
        .into_iter()
        .map(|template| TemplateRow {
            whose: template.station_id.map_or_else(
                || m.reply_template_county.to_owned(),
                |id| names.get(&id).cloned().unwrap_or_default(),
            ),
            keeps: policy::may_write_reply_template(
                &staff.actor,
                template.county_id,
                template.station_id,
            ),
            template,
        })
        .collect();
    let mut form = new_form(state, staff).await?;
    let status = match posted {
        Some((sent, errors)) => {
            form = form.map(|f| f.again(sent, errors, m));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    let page = ListPage {
        m,
        layout: Layout::of(staff, m, "reply_templates"),
        rows,
        more: listed.next_cursor.is_some(),
        form,
        notice,
    };
    Ok(html(status, &page))
}

pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<Done>,
) -> ConsoleResult<HttpResponse> {
    render(&state, &staff, None, query.saved()).await
}

pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let work = async {
        let station_id = match sent.optional_id("station_id") {
            Ok(id) => id,
            Err(error) => return Ok(Outcome::Refused(vec![error])),
        };
        let new = NewReplyTemplate {
            station_id,
            title: sent.one("title").to_owned(),
            body: sent.one("body").to_owned(),
        };
        outcome(service::create(&state.db, &staff.actor, new).await)
    };
    match once(&state, &staff, sent.once(), work).await? {
        Outcome::Done => Ok(see_other(format!("{PATH}?done=1"))),
        Outcome::Refused(errors) => render(&state, &staff, Some((&sent, &errors)), None).await,
    }
}

/// The saved reply `raw` names, if the actor keeps it: 404 when they do not read it, 403 when
/// they read it but do not keep it.
async fn kept(state: &AppState, staff: &Staff, raw: &str) -> ConsoleResult<ReplyTemplate> {
    let id = id_of(raw, "reply_template")?;
    let template = service::find(&state.db, &staff.actor, id).await?;
    if policy::may_write_reply_template(&staff.actor, template.county_id, template.station_id) {
        Ok(template)
    } else {
        Err(
            AppError::Forbidden("this saved reply is kept by the admins of its county or station")
                .into(),
        )
    }
}

fn edit_page(staff: &Staff, template: &ReplyTemplate) -> FormPage {
    let m = Messages::current();
    let action = format!("{PATH}/{}", template.id);
    let form = texts(
        Form::new("reply-template", action, m.org.save),
        Some(template),
    );
    FormPage::of(
        staff,
        "reply_templates",
        m.reply_template_edit,
        (PATH, m.reply_templates_title),
        form,
    )
}

pub async fn edit(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let template = kept(&state, &staff, &id).await?;
    Ok(ok(&edit_page(&staff, &template)))
}

pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let template = kept(&state, &staff, &id).await?;
    let patch = ReplyTemplatePatch {
        title: Some(sent.one("title").to_owned()),
        body: Some(sent.one("body").to_owned()),
    };
    match service::update(&state.db, &staff.actor, template.id, patch).await {
        Ok(_) => Ok(see_other(format!("{PATH}?done=1"))),
        Err(error) => {
            let errors = refused(error)?;
            let mut page = edit_page(&staff, &template);
            page.form = page.form.again(&sent, &errors, Messages::current());
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

pub async fn confirm_delete(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let template = kept(&state, &staff, &id).await?;
    let m = Messages::current();
    Ok(ok(&DeletePage {
        m,
        layout: Layout::of(&staff, m, "reply_templates"),
        template,
    }))
}

pub async fn delete(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    checked(&state, &staff, form)?;
    let template = kept(&state, &staff, &id).await?;
    service::delete(&state.db, &staff.actor, template.id).await?;
    Ok(see_other(format!("{PATH}?done=1")))
}

//! `/console/audit`: the audit list an admin reads (the same use-case as `GET /api/v1/audit`),
//! newest first, paged by links.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::app_error::AppError;
use crate::audit::service::{self as audit, AuditEntry};
use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::{local, next_page, ok, Layout};
use crate::console::session::Staff;
use crate::pagination::PageQuery;
use crate::state::AppState;

pub struct Row {
    pub entry: AuditEntry,
    pub at: String,
    pub action: &'static str,
}

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    m: &'static Messages,
    layout: Layout,
    rows: Vec<Row>,
    next: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    cursor: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<AuditQuery>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let page = PageQuery {
        limit: Some(50),
        cursor: query.cursor.clone(),
    }
    .page()
    .map_err(AppError::from)?;
    let listed = audit::list(&state.db, &staff.actor, page).await?;
    let rows = listed
        .items
        .into_iter()
        .map(|entry| Row {
            at: local(entry.at),
            action: m.audit_action(&entry.action),
            entry,
        })
        .collect();
    let page = AuditPage {
        m,
        layout: Layout::of(&staff, m, "audit"),
        rows,
        next: listed
            .next_cursor
            .map(|cursor| next_page("/console/audit", &cursor)),
    };
    Ok(ok(&page))
}

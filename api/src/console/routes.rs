//! The console's routes, registered on plain actix (not utoipa): pages are not API.

use actix_web::middleware::from_fn;
use actix_web::{web, HttpResponse};

use super::error::{ConsoleError, ConsoleResult};
use super::pages::{
    account, account_list, accounts, appraisal, audit, case, cockpit, deliveries, departments,
    deputies, deputy_code, groups, home, live, login, password, performance, poster, queue,
    reception_days, receptions, record, regions, registers, reply_templates, roster, stations,
    upkeep, webhooks,
};
use super::{assets, session};
use crate::app_error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(session::PATH)
            .wrap(from_fn(session::carry))
            .route("", web::get().to(home::show))
            .route("/", web::get().to(home::show))
            .route("/assets/console.css", web::get().to(assets::stylesheet))
            .route("/assets/print.css", web::get().to(assets::print_stylesheet))
            .route("/assets/queue.js", web::get().to(assets::queue_script))
            .route("/live", web::get().to(live::stream))
            .route("/login", web::get().to(login::show))
            .route("/login", web::post().to(login::submit))
            .route("/logout", web::post().to(login::leave))
            .route("/cases", web::get().to(queue::show))
            .route("/cockpit", web::get().to(cockpit::show))
            .route("/ledger.csv", web::get().to(queue::ledger_csv))
            .route("/ledger.xlsx", web::get().to(queue::ledger_xlsx))
            .route("/cases/new", web::get().to(record::new))
            .route("/cases/new", web::post().to(record::create))
            .route("/cases/{id}/receipt", web::get().to(record::receipt))
            .route("/cases/{id}", web::get().to(case::show))
            .route("/cases/{id}/row", web::get().to(live::row))
            .route("/cases/{id}/{step}", web::post().to(case::act))
            .route("/stations", web::get().to(stations::show))
            .route("/stations/new", web::get().to(stations::new))
            .route("/stations/new", web::post().to(stations::create))
            .route("/stations/{id}/edit", web::get().to(stations::edit))
            .route("/stations/{id}/edit", web::post().to(stations::update))
            .route("/stations/{id}/roster", web::get().to(roster::show))
            .route("/stations/{id}/roster/shifts", web::post().to(roster::add))
            .route(
                "/stations/{id}/roster/shifts/{shift}",
                web::post().to(roster::change),
            )
            .route(
                "/stations/{id}/reception-days",
                web::post().to(reception_days::update),
            )
            .route("/stations/{id}/groups", web::get().to(groups::show))
            .route("/stations/{id}/groups", web::post().to(groups::create))
            .route("/groups/{id}", web::post().to(groups::update))
            .route("/groups/{id}/delete", web::post().to(groups::delete))
            // A station's poster: the print page and the PNG.
            .route("/stations/{id}/poster", web::get().to(poster::show))
            .route("/stations/{id}/poster.png", web::get().to(poster::png))
            .route("/receptions", web::get().to(receptions::list))
            .route("/receptions/new", web::get().to(receptions::new))
            .route("/receptions/new", web::post().to(receptions::create))
            .route("/receptions/{id}", web::get().to(receptions::edit))
            .route("/receptions/{id}", web::post().to(receptions::update))
            .route("/attachments/{id}", web::get().to(case::photo))
            .route("/regions", web::get().to(regions::show))
            .route("/regions", web::post().to(regions::create))
            .route("/deputies", web::get().to(deputies::show))
            .route("/deputies/new", web::get().to(deputies::new))
            .route("/deputies/new", web::post().to(deputies::create))
            .route("/deputies/performance", web::get().to(performance::ranking))
            .route("/deputies/{id}", web::get().to(deputies::edit))
            .route("/deputies/{id}", web::post().to(deputies::update))
            .route("/deputies/{id}/code", web::get().to(deputy_code::show))
            .route(
                "/deputies/{id}/performance",
                web::get().to(performance::record),
            )
            .route("/scoring-schemes", web::get().to(performance::schemes))
            .route("/scoring-schemes", web::post().to(performance::publish))
            .route("/deputies/{id}/registers", web::get().to(registers::show))
            .route("/deputies/{id}/registers", web::post().to(registers::add))
            .route(
                "/deputies/{id}/registers.xlsx",
                web::get().to(registers::xlsx),
            )
            .route(
                "/deputies/{id}/registers/print",
                web::get().to(registers::print),
            )
            .route("/register-entries/{id}", web::post().to(registers::edit))
            .route(
                "/register-entries/{id}/verify",
                web::post().to(registers::verify),
            )
            .route("/deputies/{id}/code.png", web::get().to(deputy_code::png))
            .route("/departments", web::get().to(departments::show))
            .route(
                "/departments",
                web::post().to(departments::create_department),
            )
            .route("/departments/appraisal", web::get().to(appraisal::show))
            .route("/departments/{id}", web::get().to(upkeep::edit_department))
            .route(
                "/departments/{id}",
                web::post().to(upkeep::update_department),
            )
            .route("/categories", web::post().to(departments::create_category))
            .route("/categories/{id}", web::get().to(upkeep::edit_category))
            .route("/categories/{id}", web::post().to(upkeep::update_category))
            .route("/reply-templates", web::get().to(reply_templates::list))
            .route("/reply-templates", web::post().to(reply_templates::create))
            .route(
                "/reply-templates/{id}",
                web::get().to(reply_templates::edit),
            )
            .route(
                "/reply-templates/{id}",
                web::post().to(reply_templates::update),
            )
            .route(
                "/reply-templates/{id}/delete",
                web::get().to(reply_templates::confirm_delete),
            )
            .route(
                "/reply-templates/{id}/delete",
                web::post().to(reply_templates::delete),
            )
            .route("/accounts/new", web::get().to(accounts::new))
            .route("/accounts/new", web::post().to(accounts::create))
            .route("/accounts", web::get().to(account_list::show))
            .route("/accounts/{id}", web::get().to(account::show))
            .route("/accounts/{id}", web::post().to(account::update))
            .route("/accounts/{id}/{step}", web::get().to(account::confirm))
            .route("/accounts/{id}/{step}", web::post().to(account::act))
            .route("/password", web::get().to(password::show))
            .route("/password", web::post().to(password::submit))
            .route("/audit", web::get().to(audit::show))
            // County admin: webhooks, dead letters, outbox
            .route("/webhooks", web::get().to(webhooks::list))
            .route("/webhooks", web::post().to(webhooks::create))
            .route("/webhooks/{id}", web::get().to(webhooks::edit))
            .route("/webhooks/{id}", web::post().to(webhooks::update))
            .route(
                "/webhooks/{id}/delete",
                web::get().to(webhooks::confirm_delete),
            )
            .route("/webhooks/{id}/delete", web::post().to(webhooks::delete))
            .route("/deliveries", web::get().to(deliveries::show))
            .route("/deliveries/{id}/retry", web::post().to(deliveries::retry))
            .default_service(web::to(not_found)),
    );
}

/// Any other console path: the console's own 404 page.
async fn not_found() -> ConsoleResult<HttpResponse> {
    Err(ConsoleError::App(AppError::NotFound("page")))
}

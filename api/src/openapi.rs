//! The OpenAPI document: collected from the route modules, so it cannot miss an endpoint.

use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::App;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::{scope, AppExt, UtoipaApp};

use crate::error::{Problem, ProblemField};
use crate::{
    attachments, auth, cases, categories, departments, deputies, landing, notifications, ops,
    outbox, regions, stations, subscriptions, users, webhooks,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Liaison API",
        version = "1",
        description = "Deputy–voter liaison: residents scan a station's code and raise cases; deputies, \
            departments and station admins work them. Ids are JSON numbers. Errors are \
            application/problem+json with a stable `code`."
    ),
    modifiers(&BearerAuth),
    components(schemas(Problem, ProblemField)),
    tags(
        (name = "auth", description = "Logins, tokens, the caller"),
        (name = "organisation", description = "Regions, stations, deputies, departments, categories, staff accounts"),
        (name = "stations", description = "Duty rosters, station codes and scanning"),
        (name = "cases", description = "码上说事: raising cases, the queue, every step, ratings"),
        (name = "notifications", description = "The in-app inbox, subscribe-message grants, live updates"),
        (name = "webhooks", description = "Signed case events for a county's other systems"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Registers every route of the API on `app` and collects their documentation.
pub fn routes<T>(app: App<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(
            scope::scope("/api/v1")
                .configure(auth::routes::configure)
                .configure(regions::routes::configure)
                .configure(stations::routes::configure)
                .configure(deputies::routes::configure)
                .configure(departments::routes::configure)
                .configure(categories::routes::configure)
                .configure(users::routes::configure)
                .configure(attachments::routes::configure)
                .configure(cases::routes::configure)
                .configure(notifications::routes::configure)
                .configure(notifications::stream::configure)
                .configure(subscriptions::routes::configure)
                .configure(outbox::routes::configure)
                .configure(webhooks::routes::configure),
        )
        .configure(ops::configure)
        .configure(landing::configure)
}

/// The document alone, as `liaison openapi` prints it and `openapi/openapi.json` holds it.
pub fn document() -> utoipa::openapi::OpenApi {
    routes(App::new()).split_for_parts().1
}

/// The document as committed: pretty JSON with a final newline.
pub fn document_json() -> Result<String, serde_json::Error> {
    document().to_pretty_json().map(|json| json + "\n")
}

/// An image answered as raw bytes (a photo, a printable code): a binary string to the
/// document, not an array of numbers.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Image(pub Vec<u8>);

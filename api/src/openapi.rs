//! The OpenAPI document: collected from the route modules, so it cannot miss an endpoint.

use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::App;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContactBuilder, Server};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::{scope, AppExt, UtoipaApp};

use crate::error::{Problem, ProblemField};
use crate::{
    attachments, audit, auth, cases, categories, departments, deputies, groups, landing, ledger,
    notifications, ops, outbox, performance, receptions, regions, registers, reply_templates,
    stations, stats, subscriptions, users, webhooks,
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
        (name = "statistics", description = "The ledger (台账) and the figures reported upward"),
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

/// What makes the document a contract clients can be generated from: unique operation ids
/// named `<feature>_<verb>` (the feature is the path's first segment under `/api/v1`, else the
/// tag; the verb the handler's name), a description on every operation, bearer security by
/// default with `security: []` on public operations, a server and a contact.
struct Contract;

impl Modify for Contract {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.info.contact = Some(
            ContactBuilder::new()
                .name(Some("Liaison"))
                .url(Some("https://github.com/liaison-cn/liaison"))
                .build(),
        );
        openapi.servers = Some(vec![Server::new("/")]);
        openapi.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                let tag = operation
                    .tags
                    .as_ref()
                    .and_then(|tags| tags.first().cloned())
                    .unwrap_or_default();
                let verb = operation.operation_id.clone().unwrap_or_default();
                operation.operation_id = Some(operation_id(path, &tag, &verb));
                if operation.description.is_none() {
                    operation.description = operation.summary.clone();
                }
                // Public: says so, rather than inheriting the bearer default.
                operation.security.get_or_insert_with(Vec::new);
            }
        }
    }
}

/// `<feature>_<verb>`: `/api/v1/stations/{id}/code` handled by `station_code` is
/// `stations_code`; a handler named after its feature (`me`) is that feature's `get`.
fn operation_id(path: &str, tag: &str, handler: &str) -> String {
    // A file's path names its feature without the extension: `/ledger.csv` is `ledger`.
    let feature = path
        .strip_prefix("/api/v1/")
        .and_then(|rest| rest.split(['/', '.']).next())
        .unwrap_or(tag)
        .replace('-', "_");
    let singular = feature.strip_suffix('s').unwrap_or(&feature);
    let verb = handler
        .strip_prefix(&format!("{singular}_"))
        .unwrap_or(handler);
    let verb = if verb == feature { "get" } else { verb };
    format!("{feature}_{verb}")
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
                .configure(receptions::routes::configure)
                .configure(groups::routes::configure)
                .configure(performance::routes::configure)
                .configure(deputies::routes::configure)
                .configure(departments::routes::configure)
                .configure(categories::routes::configure)
                .configure(users::routes::configure)
                .configure(audit::routes::configure)
                .configure(attachments::routes::configure)
                .configure(cases::routes::configure)
                .configure(notifications::routes::configure)
                .configure(subscriptions::routes::configure)
                .configure(outbox::routes::configure)
                .configure(webhooks::routes::configure)
                .configure(reply_templates::routes::configure)
                .configure(ledger::routes::configure)
                .configure(registers::routes::configure)
                .configure(stats::routes::configure),
        )
        .configure(ops::configure)
        .configure(landing::configure)
}

/// The document alone, as `liaison openapi` prints it and `openapi/openapi.json` holds it.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = routes(App::new()).split_for_parts().1;
    // After the routes: a modifier of the derive runs before they add their paths.
    Contract.modify(&mut document);
    document
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// utoipa names a schema after its type alone, and a second type of the same name silently
    /// takes the first one's place in the document (deputy groups once answered as figures).
    #[test]
    fn no_two_schemas_share_a_name() {
        fn walk(dir: &std::path::Path, found: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let mut lines = text.lines().peekable();
                while let Some(line) = lines.next() {
                    if !(line.contains("derive(") && line.contains("ToSchema")) {
                        continue;
                    }
                    // The type follows its attributes.
                    for next in lines.by_ref() {
                        let next = next.trim();
                        let named = ["pub struct ", "pub enum ", "struct ", "enum "]
                            .iter()
                            .find_map(|kw| next.strip_prefix(kw));
                        if let Some(rest) = named {
                            let name: String = rest
                                .chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '_')
                                .collect();
                            found.push((name, path.display().to_string()));
                            break;
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(found.len() > 50, "the scan finds the schemas");
        let mut seen = std::collections::HashMap::new();
        for (name, file) in &found {
            if let Some(first) = seen.insert(name.clone(), file.clone()) {
                panic!("two schemas named {name}: in {first} and in {file}");
            }
        }
    }

    #[test]
    fn operation_ids_are_feature_and_verb() {
        assert_eq!(
            operation_id("/api/v1/stations", "stations", "list"),
            "stations_list"
        );
        assert_eq!(
            operation_id("/api/v1/stations/{id}/code", "stations", "station_code"),
            "stations_code"
        );
        assert_eq!(
            operation_id(
                "/api/v1/notifications/read-all",
                "notifications",
                "read_all"
            ),
            "notifications_read_all"
        );
        assert_eq!(operation_id("/api/v1/me", "auth", "me"), "me_get");
        assert_eq!(
            operation_id("/api/v1/ledger.xlsx", "statistics", "xlsx"),
            "ledger_xlsx"
        );
        assert_eq!(
            operation_id("/healthz", "operations", "healthz"),
            "operations_healthz"
        );
    }

    #[test]
    fn every_operation_has_a_unique_id_a_description_and_a_security_answer() {
        let document = document();
        let mut seen = HashSet::new();
        for (path, item) in &document.paths.paths {
            for operation in [&item.get, &item.post, &item.put, &item.patch, &item.delete]
                .into_iter()
                .flatten()
            {
                let id = operation.operation_id.clone().unwrap_or_default();
                assert!(seen.insert(id.clone()), "{id} twice (at {path})");
                assert!(operation.description.is_some(), "{id} has no description");
                assert!(
                    operation.security.is_some(),
                    "{id} says nothing of security"
                );
            }
        }
    }
}

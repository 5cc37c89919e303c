//! Health, readiness, metrics, the API document and its committed copy.

use liaison_tests::{on_every_backend, spawn_app, Backend};

on_every_backend!(
    health_and_readiness_answer,
    metrics_count_requests_per_route
);

async fn health_and_readiness_answer(backend: Backend) {
    let postgres = matches!(backend, Backend::Postgres { .. });
    let app = spawn_app(backend).await;
    let health = app.get("/healthz", None).await.expect(200);
    assert_eq!(health.body["status"], "ok");
    let request_id = health.headers["x-request-id"].to_str().unwrap();
    assert_eq!(
        request_id.len(),
        36,
        "a UUID names each request: {request_id}"
    );
    let ready = app.get("/readyz", None).await.expect(200).body;
    assert_eq!(ready["database"], "ok");
    assert_eq!(
        ready["redis"],
        if postgres { "ok" } else { "not_configured" }
    );
}

async fn metrics_count_requests_per_route(backend: Backend) {
    let app = spawn_app(backend).await;
    app.get("/api/v1/regions/1", None).await.expect(404);
    app.get("/api/v1/regions/2", None).await.expect(404);
    let text = String::from_utf8(app.get("/metrics", None).await.expect(200).bytes).unwrap();
    assert!(
        text.contains(
            r#"http_requests_total{method="GET",route="/api/v1/regions/{id}",status="404"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );
}

#[tokio::test]
async fn the_committed_openapi_document_matches_the_code() {
    let generated = liaison_api::openapi::document_json().unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &generated).unwrap();
        return;
    }
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test -p liaison-tests openapi` \
         (or `cargo run -- openapi > openapi/openapi.json`) and commit it"
    );
}

#[tokio::test]
async fn the_served_document_and_docs_page_work_offline() {
    let app = spawn_app(Backend::Sqlite).await;
    let served = app.get("/openapi.json", None).await.expect(200).body;
    assert_eq!(served["info"]["title"], "Liaison API");
    let generated: serde_json::Value =
        serde_json::from_str(&liaison_api::openapi::document_json().unwrap()).unwrap();
    assert_eq!(served, generated);
    let docs = app.get("/docs/", None).await.expect(200);
    let page = String::from_utf8(docs.bytes).unwrap();
    assert!(
        page.contains("swagger-ui"),
        "the docs page renders the spec: {page}"
    );
    for asset in ["swagger-ui-bundle.js", "swagger-initializer.js"] {
        assert!(page.contains(asset), "{asset} is loaded");
        let script = app.get(&format!("/docs/{asset}"), None).await.expect(200);
        assert!(!script.bytes.is_empty(), "{asset} is served by this server");
    }
    let initializer =
        String::from_utf8(app.get("/docs/swagger-initializer.js", None).await.bytes).unwrap();
    assert!(initializer.contains("/openapi.json"), "{initializer}");
    assert!(!page.contains("https://"), "no CDN: {page}");
}

#[tokio::test]
async fn every_operation_documents_its_responses_and_tags() {
    let document: serde_json::Value =
        serde_json::from_str(&liaison_api::openapi::document_json().unwrap()).unwrap();
    let paths = document["paths"].as_object().unwrap();
    for route in [
        "/api/v1/auth/wechat",
        "/api/v1/stations/{id}/roster",
        "/api/v1/scan/{scene}",
        "/api/v1/users",
        "/readyz",
    ] {
        assert!(paths.contains_key(route), "{route} is documented");
    }
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            assert!(
                operation["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{method} {path} has a tag"
            );
            assert!(
                operation["responses"]
                    .as_object()
                    .is_some_and(|r| !r.is_empty()),
                "{method} {path} has responses"
            );
        }
    }
}

//! HTTP that behaves: redirects and paths, HEAD, compression, security and cache headers,
//! authentication challenges and request ids.

use liaison_tests::{on_every_backend, spawn_app, spawn_app_with, Backend};
use reqwest::header::{self, HeaderMap};
use reqwest::Method;

on_every_backend!(
    docs_redirect_and_trailing_slashes_are_not_a_contradicting_405,
    head_answers_wherever_get_does,
    answers_carry_security_and_cache_headers,
    a_401_names_its_scheme,
    request_ids_are_kept_when_sane_and_replaced_otherwise,
    oversized_query_strings_and_headers_answer_a_problem,
    metrics_and_docs_move_to_the_operators_address_or_close,
    reads_carry_an_etag_and_answer_304_while_unchanged,
    every_201_says_where_the_new_thing_is,
);

async fn every_201_says_where_the_new_thing_is(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("o-location").await;
    let category = app.first_category().await;
    let raised = app
        .post(
            "/api/v1/cases",
            Some(&resident),
            serde_json::json!({"station_id": 1, "category_id": category, "title": "路灯不亮", "content": "一周了"}),
        )
        .await
        .expect(201);
    let location = raised.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(location, format!("/api/v1/cases/{}", raised.id()));
    app.get(&location, Some(&resident)).await.expect(200);

    let admin = app.login(&demo.county_admin).await;
    let creations = [
        (
            "/api/v1/departments",
            serde_json::json!({"name": "县档案馆"}),
            "/api/v1/departments/",
        ),
        (
            "/api/v1/regions",
            serde_json::json!({"name": "新村", "level": "village", "parent_id": 2}),
            "/api/v1/regions/",
        ),
    ];
    for (path, body, prefix) in creations {
        let created = app.post(path, Some(&admin), body).await.expect(201);
        assert_eq!(
            created.headers[header::LOCATION].to_str().unwrap(),
            format!("{prefix}{}", created.id()),
            "{path}"
        );
    }
}

async fn reads_carry_an_etag_and_answer_304_while_unchanged(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("o-etag").await;
    let case_id = app.raise(&resident).await;
    let path = format!("/api/v1/cases/{case_id}");
    let conditional = |tag: &str| {
        app.client
            .get(app.url(&path))
            .bearer_auth(&resident)
            .header(header::IF_NONE_MATCH, tag)
    };
    let first = app.get(&path, Some(&resident)).await.expect(200);
    let tag = first.headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(tag.starts_with("W/\""), "{tag}");
    let again = conditional(&tag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()[header::ETAG].to_str().unwrap(), tag);
    assert!(again.bytes().await.unwrap().is_empty());

    // Changed: the old tag no longer matches.
    let admin = app.login(&demo.station_admin).await;
    app.post(
        &format!("{path}/accept"),
        Some(&admin),
        serde_json::json!({}),
    )
    .await
    .expect(200);
    let changed = conditional(&tag).send().await.unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()[header::ETAG].to_str().unwrap(), tag);

    // The public station card too.
    let card = app.get("/api/v1/stations/1", None).await.expect(200);
    let tag = card.headers[header::ETAG].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(app.url("/api/v1/stations/1"))
        .header(header::IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}

async fn metrics_and_docs_move_to_the_operators_address_or_close(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    assert_eq!(app.ops_port, None);
    app.get("/metrics", None).await.expect(200);

    let moved = spawn_app_with(backend.clone(), |s| {
        s.ops.addr = Some("127.0.0.1:0".to_owned());
        s.ops.public_docs = false;
    })
    .await;
    for path in ["/metrics", "/openapi.json", "/docs/"] {
        assert_eq!(
            moved.get(path, None).await.expect(404).code(),
            "route_not_found"
        );
    }
    moved.get("/api/v1/regions", None).await.expect(200);
    let ops = format!("http://127.0.0.1:{}", moved.ops_port.unwrap());
    for path in ["/metrics", "/healthz", "/readyz", "/openapi.json", "/docs/"] {
        let reply = moved
            .client
            .get(format!("{ops}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200, "{path} on the operators' address");
    }
    let api_there = moved
        .client
        .get(format!("{ops}/api/v1/regions"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        api_there.status(),
        404,
        "the API is not on the operators' address"
    );

    let closed = spawn_app_with(backend, |s| s.ops.public_docs = false).await;
    closed.get("/docs/", None).await.expect(404);
    closed.get("/metrics", None).await.expect(200);
}

async fn oversized_query_strings_and_headers_answer_a_problem(backend: Backend) {
    let app = spawn_app(backend).await;
    // Past our limit, short of actix's own (a request line of 64 KB).
    let long = "a".repeat(12_000);
    let reply = app
        .get(&format!("/api/v1/stations?q={long}"), None)
        .await
        .expect(414);
    assert_eq!(reply.code(), "uri_too_long");
    let reply = app
        .client
        .get(app.url("/api/v1/regions"))
        .header("x-padding", "a".repeat(40_000))
        .send()
        .await
        .unwrap();
    let reply = liaison_tests::read(reply).await.expect(431);
    assert_eq!(reply.code(), "headers_too_large");
}

async fn docs_redirect_and_trailing_slashes_are_not_a_contradicting_405(backend: Backend) {
    let app = spawn_app(backend).await;
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let docs = plain.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(docs.status(), 308);
    assert_eq!(docs.headers()[header::LOCATION], "/docs/");
    let page = plain.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(page.status(), 200);

    let slashed = app.get("/api/v1/stations/", None).await.expect(404);
    assert_eq!(slashed.code(), "route_not_found");
    assert!(
        slashed.body["detail"]
            .as_str()
            .unwrap()
            .ends_with("/api/v1/stations"),
        "{}",
        slashed.body
    );
}

async fn head_answers_wherever_get_does(backend: Backend) {
    let app = spawn_app(backend).await;
    let get = app
        .client
        .get(app.url("/api/v1/regions"))
        .send()
        .await
        .unwrap();
    let get_type = get.headers()[header::CONTENT_TYPE].clone();
    let head = app
        .client
        .head(app.url("/api/v1/regions"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()[header::CONTENT_TYPE], get_type);
    assert!(head.bytes().await.unwrap().is_empty());
    let missing = app
        .client
        .head(app.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

fn security_headers(headers: &HeaderMap) {
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
}

async fn answers_carry_security_and_cache_headers(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let public = app.get("/api/v1/regions", None).await.expect(200);
    security_headers(&public.headers);
    assert_eq!(
        public.headers[header::CONTENT_SECURITY_POLICY],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert!(public.headers.get(header::CACHE_CONTROL).is_none());
    assert!(public
        .headers
        .get(header::STRICT_TRANSPORT_SECURITY)
        .is_none());

    let page = app.client.get(app.url("/docs/")).send().await.unwrap();
    security_headers(page.headers());
    let policy = page.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let initializer = app
        .client
        .get(app.url("/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        initializer.contains(r#""validatorUrl": "none""#),
        "Swagger UI must not call its online validator: {initializer}"
    );

    // Token answers and anything read with credentials are never stored.
    let login = app
        .post(
            "/api/v1/auth/dev",
            None,
            serde_json::json!({"openid": "o-headers"}),
        )
        .await
        .expect(200);
    assert_eq!(login.headers[header::CACHE_CONTROL], "no-store");
    let token = login.body["access_token"].as_str().unwrap().to_owned();
    let me = app.get("/api/v1/me", Some(&token)).await.expect(200);
    assert_eq!(me.headers[header::CACHE_CONTROL], "no-store");

    // Compressed when asked, in either coding.
    for coding in ["gzip", "br"] {
        let spec = app
            .client
            .get(app.url("/openapi.json"))
            .header(header::ACCEPT_ENCODING, coding)
            .send()
            .await
            .unwrap();
        assert_eq!(spec.headers()[header::CONTENT_ENCODING], coding);
        let sent = spec.bytes().await.unwrap().len();
        assert!(sent < 60_000, "{coding}: {sent} bytes");
    }

    let tls = spawn_app_with(backend, |s| {
        s.public_base_url = "https://liaison.example.cn".to_owned();
    })
    .await;
    let reply = tls.get("/api/v1/regions", None).await.expect(200);
    assert_eq!(
        reply.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000; includeSubDomains"
    );
}

async fn a_401_names_its_scheme(backend: Backend) {
    let app = spawn_app(backend).await;
    let missing = app.get("/api/v1/me", None).await.expect(401);
    assert_eq!(missing.headers[header::WWW_AUTHENTICATE], "Bearer");
    let refused = app.get("/api/v1/me", Some("not-a-token")).await.expect(401);
    assert_eq!(
        refused.headers[header::WWW_AUTHENTICATE],
        r#"Bearer error="invalid_token""#
    );
}

async fn request_ids_are_kept_when_sane_and_replaced_otherwise(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = |value: &str| {
        let request = app
            .client
            .request(Method::GET, app.url("/api/v1/regions"))
            .header("x-request-id", value);
        async move {
            let reply = request.send().await.unwrap();
            reply.headers()["x-request-id"].to_str().unwrap().to_owned()
        }
    };
    assert_eq!(id("gateway-7f3a.1").await, "gateway-7f3a.1");
    let replaced = id("13812345678 <script>").await;
    assert_ne!(replaced, "13812345678 <script>");
    assert_eq!(replaced.len(), 36, "a fresh UUID: {replaced}");
}

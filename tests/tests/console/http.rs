//! The console over plain HTTP: the session cookie's attributes, the way to the login page and
//! back, CSRF on every form, logout and renewal, and the headers of its pages.

use std::time::Duration;

use liaison_tests::{on_every_backend, spawn_app, spawn_app_with, Backend, DEMO_PASSWORD};
use serde_json::json;

use crate::Visitor;

on_every_backend!(
    the_session_cookie_is_http_only_lax_and_for_the_console_only,
    a_page_without_a_session_leads_to_the_login_and_back,
    a_form_without_its_token_is_refused_and_changes_nothing,
    logging_out_ends_the_session_for_the_cookie_kept,
    an_expired_access_token_is_renewed_until_the_session_ends,
    console_pages_carry_a_strict_policy_and_are_never_cached,
    a_wrong_password_or_a_resident_gets_the_form_again,
    the_queue_pages_by_links_and_keeps_its_filter,
    photos_and_the_phone_show_as_each_role_may_see_them,
    the_live_queue_streams_the_cases_in_scope_over_the_session,
    another_stations_roster_is_refused_by_page_and_by_form,
    the_home_counts_the_flagged_cases_in_scope,
);

async fn the_session_cookie_is_http_only_lax_and_for_the_console_only(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    let page = visitor
        .log_in_with(&demo.station_admin, DEMO_PASSWORD, "/console")
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), "/console");
    let cookie = page.set_cookie("liaison_console").unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/console"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    assert!(
        !cookie.contains(DEMO_PASSWORD) && !cookie.contains(&demo.station_admin),
        "{cookie}"
    );
    let home = visitor.get("/console").await;
    assert_eq!(home.status, 200, "{}", home.html);
    assert!(home.html.contains("诉求队列"));

    // Served as https, the cookies are for TLS only.
    let https = spawn_app_with(backend, |settings| {
        settings.public_base_url = "https://liaison.example.gov.cn".to_owned();
    })
    .await;
    let demo = https.seed_demo().await;
    let mut visitor = Visitor::new(&https);
    let login_form = visitor.get("/console/login").await;
    assert!(login_form
        .set_cookie("liaison_console_login")
        .unwrap()
        .contains("Secure"));
    let page = visitor
        .log_in_with(&demo.station_admin, DEMO_PASSWORD, "/console")
        .await;
    let cookie = page.set_cookie("liaison_console").unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
}

async fn a_page_without_a_session_leads_to_the_login_and_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("console-back").await;
    let case_id = app.raise(&resident).await;
    let mut visitor = Visitor::new(&app);
    let path = format!("/console/cases/{case_id}");
    let page = visitor.get(&path).await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location(),
        format!("/console/login?reason=required&next=%2Fconsole%2Fcases%2F{case_id}")
    );
    let login = visitor.get(page.location()).await;
    assert!(login.html.contains("请先登录"), "{}", login.html);
    assert!(login.html.contains(&format!("value=\"{path}\"")));
    let page = visitor
        .log_in_with(&demo.station_admin, DEMO_PASSWORD, &path)
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), path);
    let case = visitor.get(&path).await;
    assert_eq!(case.status, 200);
    assert!(case.html.contains("路灯不亮"));

    // Nobody is sent elsewhere from the login.
    let mut visitor = Visitor::new(&app);
    let page = visitor
        .log_in_with(&demo.station_admin, DEMO_PASSWORD, "//evil.example/console")
        .await;
    assert_eq!(page.location(), "/console");

    // Unknown console paths are the console's 404 page, not the API's problem.
    let missing = visitor.get("/console/nothing-here").await;
    assert_eq!(missing.status, 404);
    assert!(missing.html.contains("没有找到"));
}

async fn a_form_without_its_token_is_refused_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("console-csrf").await;
    let case_id = app.raise(&resident).await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    let accept = format!("/console/cases/{case_id}/accept");

    let refused = visitor.post(&accept, &[]).await;
    assert_eq!(refused.status, 403);
    assert!(refused
        .headers
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("text/html")));
    assert!(refused.html.contains("安全校验未通过"), "{}", refused.html);

    // Another session's token does not fit this one.
    let mut other = Visitor::new(&app);
    other.log_in(&demo.station_admin).await;
    let foreign = other.get("/console").await.csrf();
    let refused = visitor.post(&accept, &[("csrf", &foreign)]).await;
    assert_eq!(refused.status, 403);

    let admin = app.login(&demo.station_admin).await;
    let case = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(case.body["status"], "submitted", "nothing was done");

    // The login form too: without the token of its cookie, no login.
    let mut stranger = Visitor::new(&app);
    let page = stranger
        .post(
            "/console/login",
            &[("phone", &demo.station_admin), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(!stranger.cookies.contains_key("liaison_console"));

    // With its token the step is taken, once, and the page shows it.
    let csrf = visitor
        .get(&format!("/console/cases/{case_id}"))
        .await
        .csrf();
    let done = visitor.post(&accept, &[("csrf", &csrf)]).await;
    assert_eq!(done.status, 303, "{}", done.html);
    let again = visitor.post(&accept, &[("csrf", &csrf)]).await;
    assert_eq!(again.status, 409, "a double submit is not done twice");
    assert!(again.html.contains("已受理"));
}

async fn logging_out_ends_the_session_for_the_cookie_kept(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    let kept = visitor.cookies.clone();
    let second_node = app.another_node(backend).await;
    let mut elsewhere = Visitor::new(&second_node);
    elsewhere.cookies = kept.clone();
    assert_eq!(
        elsewhere.get("/console").await.status,
        200,
        "one session on every node"
    );

    let csrf = visitor.get("/console").await.csrf();
    let out = visitor.post("/console/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), "/console/login?reason=logged_out");
    assert!(out
        .set_cookie("liaison_console")
        .unwrap()
        .contains("Max-Age=0"));

    let mut thief = Visitor::new(&app);
    thief.cookies = kept.clone();
    let page = thief.get("/console").await;
    assert_eq!(page.status, 303, "the old cookie no longer works");
    assert!(page.location().starts_with("/console/login"));
    assert!(
        !thief.cookies.contains_key("liaison_console"),
        "and the browser is told to drop it"
    );

    // The other node learns it from the revocation set within its sweep.
    let started = std::time::Instant::now();
    loop {
        let mut thief = Visitor::new(&second_node);
        thief.cookies = kept.clone();
        if thief.get("/console").await.status == 303 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the other node still believes the ended session"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn an_expired_access_token_is_renewed_until_the_session_ends(backend: Backend) {
    // Access tokens of no minutes expire the second after they are signed.
    let app = spawn_app_with(backend, |settings| settings.auth.access_token_minutes = 0).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    let first = visitor.cookies["liaison_console"].clone();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let page = visitor.get("/console").await;
    assert_eq!(page.status, 200, "renewed: {}", page.location());
    let renewed = page.set_cookie("liaison_console").unwrap();
    assert!(!renewed.contains(&first), "a new token was set");

    // Ended in the database, the session renews no more, whatever the revocation set holds.
    let session = visitor.get("/console").await;
    let csrf = session.csrf();
    let out = visitor.post("/console/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    let mut thief = Visitor::new(&app);
    thief.cookies.insert("liaison_console".to_owned(), first);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(thief.get("/console").await.status, 303);
}

async fn console_pages_carry_a_strict_policy_and_are_never_cached(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    for path in [
        "/console/login",
        "/console",
        "/console/cases",
        "/console/nothing",
    ] {
        let page = visitor.get(path).await;
        let csp = page
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(page.headers["cache-control"], "no-store", "{path}");
        assert_eq!(page.headers["x-frame-options"], "DENY", "{path}");
        assert!(
            page.html
                .match_indices("<script")
                .all(|(at, _)| page.html[at..].starts_with("<script src=\"/console/assets/")),
            "{path}: no inline script, only the console's own files"
        );
        assert!(!page.html.contains("style="), "{path}: no inline style");
    }
    let css = visitor.get("/console/assets/console.css").await;
    assert_eq!(css.status, 200);
    assert!(css.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    // Console routes are pages for people: none is in the API's document.
    let document = app.get("/openapi.json", None).await.expect(200);
    let paths = document.body["paths"].as_object().unwrap();
    assert!(paths.keys().all(|path| !path.starts_with("/console")));
}

async fn a_wrong_password_or_a_resident_gets_the_form_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    let page = visitor
        .log_in_with(&demo.station_admin, "not-the-password", "/console")
        .await;
    assert_eq!(page.status, 401);
    assert!(page.html.contains("手机号或密码错误"), "{}", page.html);
    assert!(
        page.html
            .contains(&format!("value=\"{}\"", demo.station_admin)),
        "the phone is kept"
    );
    assert!(!visitor.cookies.contains_key("liaison_console"));

    let page = visitor.log_in_with("12345", "x", "/console").await;
    assert_eq!(page.status, 422);
    assert!(page.html.contains("id=\"phone-error\""), "{}", page.html);
    assert!(page.html.contains("value=\"12345\""));

    let phone = crate::browser::resident_with_password(&app, "console-resident").await;
    let page = visitor.log_in_with(&phone, DEMO_PASSWORD, "/console").await;
    assert_eq!(page.status, 403);
    assert!(page.html.contains("微信小程序"), "{}", page.html);
    assert!(!visitor.cookies.contains_key("liaison_console"));
}

/// The ids of the cases a queue page lists, in its order.
fn listed(html: &str) -> Vec<i64> {
    html.split("data-case-id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
        .collect()
}

async fn the_queue_pages_by_links_and_keeps_its_filter(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("console-pages").await;
    let mut raised = Vec::new();
    for _ in 0..3 {
        raised.push(app.raise(&resident).await);
    }
    raised.reverse();
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    let first = visitor
        .get("/console/cases?status=submitted&station_id=1&limit=2")
        .await;
    assert_eq!(first.status, 200, "{}", first.html);
    assert_eq!(listed(&first.html), raised[..2]);
    let marker = "id=\"next-page\" href=\"";
    let start = first.html.find(marker).expect("a link to the next page") + marker.len();
    let next = first.html[start..start + first.html[start..].find('"').unwrap()]
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert!(
        next.contains("status=submitted") && next.contains("limit=2"),
        "{next}"
    );
    let second = visitor.get(&next).await;
    assert_eq!(listed(&second.html), raised[2..]);
    assert!(!second.html.contains("id=\"next-page\""), "the last page");

    // A filter the queue cannot take comes back beside its field.
    let bad = visitor.get("/console/cases?scope=station").await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.html.contains("data-field=\"station_id\""),
        "{}",
        bad.html
    );
    let bad = visitor.get("/console/cases?limit=500").await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("data-field=\"limit\""));
}

async fn photos_and_the_phone_show_as_each_role_may_see_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("console-photo").await;
    let photo = app.upload_photo(&resident).await;
    let category = app.first_category().await;
    let body = json!({"station_id": 1, "category_id": category, "title": "井盖破损",
        "content": "人民路口", "attachment_ids": [photo], "contact_phone": "13912345678"});
    let case_id = app
        .post("/api/v1/cases", Some(&resident), body)
        .await
        .expect(201)
        .id();
    let path = format!("/console/cases/{case_id}");
    let photo_path = format!("/console/attachments/{photo}");

    let mut admin = Visitor::new(&app);
    admin.log_in(&demo.station_admin).await;
    let page = admin.get(&path).await;
    assert!(
        page.html.contains(&format!("src=\"{photo_path}\"")),
        "{}",
        page.html
    );
    assert!(
        page.html.contains("13912345678"),
        "a station admin may call back"
    );
    let image = admin.get(&photo_path).await;
    assert_eq!(image.status, 200);
    assert_eq!(image.headers["content-type"], "image/png");

    // Handed to a department, the handler sees the case with the phone masked.
    let token = app.login(&demo.station_admin).await;
    let handler = app.login(&demo.handler).await;
    let department = app.me(&handler).await["scopes"]["department_id"].clone();
    app.post(
        &format!("/api/v1/cases/{case_id}/assign"),
        Some(&token),
        json!({"department_id": department}),
    )
    .await
    .expect(200);
    let mut worker = Visitor::new(&app);
    worker.log_in(&demo.handler).await;
    let page = worker.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(!page.html.contains("13912345678"), "masked for a handler");
    assert!(page.html.contains("139****5678"), "{}", page.html);

    // Station 2's admin sees neither the case nor its photo.
    let mut stranger = Visitor::new(&app);
    stranger.log_in(&demo.other_station_admin).await;
    assert_eq!(stranger.get(&path).await.status, 404);
    assert_eq!(stranger.get(&photo_path).await.status, 404);
}

/// Reads the stream `response` until a `case` event, and answers its data.
async fn next_case_event(response: &mut reqwest::Response) -> serde_json::Value {
    let mut buffer = String::new();
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            while let Some(end) = buffer.find("\n\n") {
                let frame: String = buffer.drain(..end + 2).collect();
                if let Some(data) = frame.strip_prefix("event: case\ndata: ") {
                    return serde_json::from_str(data.trim_end()).unwrap();
                }
            }
            let chunk = response.chunk().await.unwrap().expect("the stream ended");
            buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    })
    .await
    .expect("no case event in time")
}

async fn the_live_queue_streams_the_cases_in_scope_over_the_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    assert_eq!(
        visitor.get("/console/live").await.status,
        303,
        "no session, no stream"
    );
    visitor.log_in(&demo.station_admin).await;

    // A first page, filtered or not, takes new cases in; a later one only updates its rows.
    let queue = visitor.get("/console/cases").await;
    assert!(queue
        .html
        .contains("<script src=\"/console/assets/queue.js\" defer>"));
    assert!(queue
        .html
        .contains("data-live=\"/console/live\" data-inserts"));
    let filtered = visitor.get("/console/cases?status=submitted").await;
    assert!(filtered.html.contains("data-inserts"));
    let later = visitor.get("/console/cases?cursor=abc").await;
    assert!(!later.html.contains("data-inserts"));

    // Whether a case belongs on a first page is the page's filter, asked of the queue.
    let resident = app.resident("console-belongs").await;
    let case_id = app.raise(&resident).await;
    let row = |query: &'static str| format!("/console/cases/{case_id}/row{query}");
    for (query, belongs) in [
        ("", "1"),
        ("?status=submitted", "1"),
        ("?status=accepted", "0"),
        ("?q=%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AA%E8%AF%8D", "0"),
        ("?status=nonsense", "0"),
    ] {
        let answer = visitor.get(&row(query)).await;
        assert_eq!(answer.status, 200, "{query}: {}", answer.html);
        assert_eq!(answer.headers["x-queue-belongs"], belongs, "{query}");
        assert!(answer.html.contains(&format!("data-case-id=\"{case_id}\"")));
    }
    let script = visitor.get("/console/assets/queue.js").await;
    assert_eq!(script.status, 200);
    assert!(script.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(script.html.contains("EventSource"));

    let mut stream = app
        .client
        .get(app.url("/console/live"))
        .header(reqwest::header::COOKIE, visitor.cookie_header())
        .header(reqwest::header::ACCEPT_ENCODING, "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let header = |name: &str| {
        stream
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(header("content-type").as_deref(), Some("text/event-stream"));
    assert!(
        matches!(
            header("content-encoding").as_deref(),
            None | Some("identity")
        ),
        "an event stream is never compressed: {:?}",
        header("content-encoding")
    );

    let resident = app.resident("console-live").await;
    let there = app.raise_at(&resident, 2).await;
    let here = app.raise_at(&resident, 1).await;
    let change = next_case_event(&mut stream).await;
    assert_eq!(
        change["case_id"], here,
        "station 2's case is not heard at station 1"
    );
    assert_eq!(change["events"], json!(["submitted"]));

    let row = visitor.get(&format!("/console/cases/{here}/row")).await;
    assert_eq!(row.status, 200, "{}", row.html);
    assert!(
        row.html
            .starts_with(&format!("<tr data-case-id=\"{here}\">")),
        "{}",
        row.html
    );
    assert!(row.html.contains("待受理"));
    let hidden = visitor.get(&format!("/console/cases/{there}/row")).await;
    assert_eq!(hidden.status, 404, "another station's case has no row here");
}

async fn another_stations_roster_is_refused_by_page_and_by_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"].to_string();
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.other_station_admin).await;
    let list = visitor.get("/console/stations").await;
    assert!(
        !list.html.contains("data-station-id=\"1\""),
        "{}",
        list.html
    );
    assert!(list.html.contains("data-station-id=\"2\""));
    assert_eq!(visitor.get("/console/stations/1/roster").await.status, 403);
    assert_eq!(visitor.get("/console/stations/x/roster").await.status, 404);

    let own = visitor.get("/console/stations/2/roster").await;
    assert_eq!(own.status, 200, "{}", own.html);
    let csrf = own.csrf();
    let day = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("week", day.as_str()),
        ("day", day.as_str()),
        ("deputy_id", deputy_id.as_str()),
        ("starts", "09:00"),
        ("ends", "12:00"),
    ];
    let admin = app.login(&demo.station_admin).await;
    let shifts_of = |station: u8| {
        let (app, admin) = (&app, admin.clone());
        async move {
            app.get(&format!("/api/v1/stations/{station}/roster"), Some(&admin))
                .await
                .expect(200)
                .body["shifts"]
                .clone()
        }
    };
    let before = (shifts_of(1).await, shifts_of(2).await);
    let refused = visitor
        .post("/console/stations/1/roster/shifts", &form)
        .await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    let mut no_token = form;
    no_token[0].1 = "";
    let own_without_token = visitor
        .post("/console/stations/2/roster/shifts", &no_token)
        .await;
    assert_eq!(own_without_token.status, 403);
    let after = (shifts_of(1).await, shifts_of(2).await);
    assert_eq!(before, after, "nothing was written");

    // A time that is not one comes back by its field, as typed.
    let mut bad = form;
    bad[4].1 = "9点";
    let again = visitor
        .post("/console/stations/2/roster/shifts", &bad)
        .await;
    assert_eq!(again.status, 422);
    assert!(again
        .html
        .contains(&format!("id=\"shift-new-{day}-starts-error\"")));
    assert!(again.html.contains("value=\"9点\""));
}

async fn the_home_counts_the_flagged_cases_in_scope(backend: Backend) {
    use liaison_infra::entities::cases;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("console-flags").await;
    let here = app.raise_at(&resident, 1).await;
    let there = app.raise_at(&resident, 2).await;
    app.raise_at(&resident, 1).await;
    // As moderation would have marked them.
    cases::Entity::update_many()
        .col_expr(cases::Column::Flagged, Expr::value(true))
        .filter(cases::Column::Id.is_in([here, there]))
        .exec(app.db().writer())
        .await
        .unwrap();
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    let home = visitor.get("/console").await;
    assert!(
        home.html
            .contains("<div class=\"figure\" id=\"figure-flagged\"><span class=\"count\">1</span>"),
        "station 2's flagged case is not counted at station 1: {}",
        home.html
    );
    let mut county = Visitor::new(&app);
    county.log_in(&demo.county_admin).await;
    let home = county.get("/console").await;
    assert!(home
        .html
        .contains("id=\"figure-flagged\"><span class=\"count\">2</span>"));
}

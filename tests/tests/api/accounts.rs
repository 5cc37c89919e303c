//! Keeping staff accounts (issue 11, part 5): the list in reach, changes, disabling and
//! enabling, password resets and one's own password, and the audit list of it all.

use std::time::Duration;

use liaison_tests::{on_every_backend, spawn_app, Backend, Demo, TestApp, DEMO_PASSWORD};
use serde_json::{json, Value};

on_every_backend!(
    admins_list_the_accounts_they_oversee_filtered_and_paged,
    others_read_no_accounts_and_an_account_out_of_reach_is_not_found,
    an_admin_changes_an_account_within_its_stations_only,
    a_disabled_account_is_refused_at_once_and_logs_in_again_once_enabled,
    disabling_a_deputy_sends_their_open_cases_back_to_the_station_queue,
    nobody_disables_themselves_and_a_refusal_changes_nothing,
    a_reset_password_works_once_to_choose_a_new_one,
    changing_ones_own_password_needs_the_current_one,
    the_audit_list_shows_each_admin_the_changes_in_its_reach,
);

fn items(reply: &Value) -> Vec<Value> {
    reply["items"].as_array().cloned().unwrap_or_default()
}

fn ids(reply: &Value) -> Vec<i64> {
    items(reply)
        .iter()
        .filter_map(|u| u["id"].as_i64())
        .collect()
}

/// The id of the account logging in with `phone`, as its own `/me` says.
async fn id_of(app: &TestApp, phone: &str) -> i64 {
    app.me(&app.login(phone).await).await["id"]
        .as_i64()
        .unwrap()
}

async fn login_status(app: &TestApp, phone: &str, password: &str) -> (u16, Value) {
    let reply = app
        .post(
            "/api/v1/auth/password",
            None,
            json!({"phone": phone, "password": password}),
        )
        .await;
    (reply.status.as_u16(), reply.body)
}

async fn audit_actions(app: &TestApp, token: &str) -> Vec<String> {
    let page = app
        .get("/api/v1/audit?limit=100", Some(token))
        .await
        .expect(200)
        .body;
    items(&page)
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect()
}

async fn admins_list_the_accounts_they_oversee_filtered_and_paged(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let all = app
        .get("/api/v1/users?limit=100", Some(&county))
        .await
        .expect(200);
    assert_eq!(
        items(&all.body).len(),
        6,
        "every staff account of the county"
    );
    let me = items(&all.body)
        .into_iter()
        .find(|u| u["role"] == "county_admin")
        .unwrap();
    assert!(
        me["last_login_at"].is_string(),
        "the login was recorded: {me}"
    );
    assert_eq!(me["status"], "active");
    assert!(me["phone"].as_str().unwrap().contains("****"), "masked");

    // Station 1's admin: itself and the deputy who sits there; not station 2's admin, not the
    // county's admins or handlers.
    let station = app.login(&demo.station_admin).await;
    let mine = app
        .get("/api/v1/users?limit=100", Some(&station))
        .await
        .expect(200);
    let own = id_of(&app, &demo.station_admin).await;
    let deputy = id_of(&app, &demo.deputy).await;
    assert_eq!(ids(&mine.body), [own, deputy], "{}", mine.body);
    let other = id_of(&app, &demo.other_station_admin).await;

    let deputies = app
        .get("/api/v1/users?role=deputy", Some(&county))
        .await
        .expect(200);
    assert_eq!(items(&deputies.body).len(), 1);
    let at_two = app
        .get("/api/v1/users?station_id=2", Some(&county))
        .await
        .expect(200);
    assert_eq!(ids(&at_two.body), [other]);
    let found = app
        .get("/api/v1/users?q=%E9%AD%8F", Some(&county))
        .await
        .expect(200);
    assert_eq!(
        items(&found.body).len(),
        1,
        "魏 finds 魏晓东: {}",
        found.body
    );
    let by_phone = app
        .get("/api/v1/users?q=0000003", Some(&county))
        .await
        .expect(200);
    assert_eq!(ids(&by_phone.body), [other]);
    let disabled = app
        .get("/api/v1/users?status=disabled", Some(&county))
        .await
        .expect(200);
    assert!(items(&disabled.body).is_empty());
    let bad = app.get("/api/v1/users?status=gone", Some(&county)).await;
    assert_eq!(bad.expect(422).fields(), ["status"]);

    let first = app
        .get("/api/v1/users?limit=2", Some(&county))
        .await
        .expect(200);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = app
        .get(
            &format!("/api/v1/users?limit=2&cursor={cursor}"),
            Some(&county),
        )
        .await
        .expect(200);
    let mut paged = ids(&first.body);
    paged.extend(ids(&second.body));
    assert_eq!(paged, ids(&all.body)[..4]);
}

async fn others_read_no_accounts_and_an_account_out_of_reach_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    for phone in [&demo.deputy, &demo.handler] {
        let token = app.login(phone).await;
        assert_eq!(app.get("/api/v1/users", Some(&token)).await.status, 403);
        assert_eq!(app.get("/api/v1/audit", Some(&token)).await.status, 403);
    }
    let resident = app.resident("accounts-resident").await;
    assert_eq!(app.get("/api/v1/users", Some(&resident)).await.status, 403);
    let station = app.login(&demo.station_admin).await;
    let other = id_of(&app, &demo.other_station_admin).await;
    let county_admin = id_of(&app, &demo.county_admin).await;
    for id in [other, county_admin, 999_999] {
        let path = format!("/api/v1/users/{id}");
        assert_eq!(
            app.get(&path, Some(&station)).await.expect(404).code(),
            "not_found"
        );
        app.post(&format!("{path}/disable"), Some(&station), json!({}))
            .await
            .expect(404);
    }
    let county = app.login(&demo.county_admin).await;
    let read = app
        .get(&format!("/api/v1/users/{other}"), Some(&county))
        .await
        .expect(200);
    assert_eq!(read.body["role"], "station_admin");
    assert_eq!(read.body["station_ids"], json!([2]));
}

async fn an_admin_changes_an_account_within_its_stations_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let station = app.login(&demo.station_admin).await;
    // A second clerk of station 1, created by its admin.
    let clerk = app
        .post(
            "/api/v1/users",
            Some(&station),
            json!({"role": "station_admin", "name": "新同事", "phone": "13900000021",
                   "password": DEMO_PASSWORD, "station_ids": [1]}),
        )
        .await
        .expect(201)
        .id();
    let path = format!("/api/v1/users/{clerk}");
    let clerk_token = app.login("13900000021").await;
    let changed = app
        .patch(
            &path,
            Some(&station),
            json!({"name": "新同事甲", "phone": "13900000022"}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["name"], "新同事甲");
    assert_eq!(changed.body["phone"], "139****0022");
    // The token in hand says the new name at once.
    assert_eq!(app.me(&clerk_token).await["name"], "新同事甲");
    let (status, _) = login_status(&app, "13900000022", DEMO_PASSWORD).await;
    assert_eq!(status, 200, "the new phone is the login");

    // Into a station that is not this admin's: refused, nothing changed.
    let wider = app
        .patch(&path, Some(&station), json!({"station_ids": [1, 2]}))
        .await;
    assert_eq!(wider.expect(403).code(), "forbidden");
    let bad = app
        .patch(&path, Some(&station), json!({"name": " ", "phone": "12"}))
        .await;
    let mut fields = bad.expect(422).fields();
    fields.sort_unstable();
    assert_eq!(fields, ["name", "phone"]);
    let wrong_kind = app
        .patch(&path, Some(&station), json!({"department_id": 1}))
        .await;
    assert_eq!(wrong_kind.expect(422).fields(), ["department_id"]);
    let taken = app
        .patch(&path, Some(&station), json!({"phone": demo.deputy}))
        .await;
    assert_eq!(taken.expect(409).fields(), ["phone"]);
    let read = app.get(&path, Some(&station)).await.expect(200);
    assert_eq!(read.body["name"], "新同事甲");
    assert_eq!(read.body["station_ids"], json!([1]));

    // The county admin moves the clerk to station 2: out of station 1's admin's reach.
    let county = app.login(&demo.county_admin).await;
    app.patch(&path, Some(&county), json!({"station_ids": [2]}))
        .await
        .expect(200);
    assert_eq!(
        app.me(&clerk_token).await["scopes"]["station_ids"],
        json!([2])
    );
    app.get(&path, Some(&station)).await.expect(404);
    let deputy = app.login(&demo.deputy).await;
    let by_deputy = app.patch(&path, Some(&deputy), json!({"name": "x"})).await;
    assert_eq!(by_deputy.status, 403);
}

async fn a_disabled_account_is_refused_at_once_and_logs_in_again_once_enabled(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let other_node = app.another_node(backend).await;
    let demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let handler = app.login(&demo.handler).await;
    other_node
        .get("/api/v1/me", Some(&handler))
        .await
        .expect(200);
    let id = id_of(&app, &demo.handler).await;
    let disabled = app
        .post(
            &format!("/api/v1/users/{id}/disable"),
            Some(&county),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(disabled.body["status"], "disabled");
    assert_eq!(
        app.get("/api/v1/me", Some(&handler))
            .await
            .expect(401)
            .code(),
        "auth.session_ended"
    );
    // The other node learns it through the shared revocation set (or its sweep).
    let started = std::time::Instant::now();
    while other_node.get("/api/v1/me", Some(&handler)).await.status != 401 {
        assert!(started.elapsed() < Duration::from_secs(8), "still accepted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, body) = login_status(&app, &demo.handler, DEMO_PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("auth.account_disabled"))
    );
    let (status, body) = login_status(&app, &demo.handler, "wrong-password").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("auth.invalid_credentials"))
    );
    let listed = app
        .get("/api/v1/users?status=disabled", Some(&county))
        .await
        .expect(200);
    assert_eq!(ids(&listed.body), [id]);

    let enabled = app
        .post(
            &format!("/api/v1/users/{id}/enable"),
            Some(&county),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(enabled.body["status"], "active");
    let again = app.login(&demo.handler).await;
    app.get("/api/v1/me", Some(&again)).await.expect(200);
    let actions = audit_actions(&app, &county).await;
    assert_eq!(actions[..2], ["account_enabled", "account_disabled"]);
}

async fn disabling_a_deputy_sends_their_open_cases_back_to_the_station_queue(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let duty = app.deputy_on_duty(&demo).await;
    let resident = app.resident("accounts-release").await;
    let case_id = app.raise(&resident).await;
    app.post(
        &format!("/api/v1/cases/{case_id}/accept"),
        Some(&duty.deputy),
        json!({}),
    )
    .await
    .expect(200);
    let county = app.login(&demo.county_admin).await;
    let id = id_of(&app, &demo.deputy).await;
    app.post(
        &format!("/api/v1/users/{id}/disable"),
        Some(&county),
        json!({}),
    )
    .await
    .expect(200);
    let case = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&duty.admin))
        .await
        .expect(200);
    assert_eq!(case.body["assignee_id"], Value::Null, "{}", case.body);
    assert_eq!(
        case.body["status"], "accepted",
        "the work stays where it was"
    );
    let events: Vec<&str> = case.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(events.last(), Some(&"released"), "{events:?}");
    assert!(app
        .inbox(&duty.admin)
        .await
        .contains(&"released".to_owned()));
    // The resident does not see the office's step.
    let theirs = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&resident))
        .await
        .expect(200);
    assert!(!theirs.body["events"].to_string().contains("released"));
}

async fn nobody_disables_themselves_and_a_refusal_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let me = id_of(&app, &demo.county_admin).await;
    let refused = app
        .post(
            &format!("/api/v1/users/{me}/disable"),
            Some(&county),
            json!({}),
        )
        .await;
    let body = refused.expect(422).body;
    assert_eq!(body["errors"][0]["code"], "oneself");
    app.get("/api/v1/me", Some(&county)).await.expect(200);
    let station = app.login(&demo.station_admin).await;
    let own = id_of(&app, &demo.station_admin).await;
    app.post(
        &format!("/api/v1/users/{own}/disable"),
        Some(&station),
        json!({}),
    )
    .await
    .expect(422);
    let reset = app
        .post(
            &format!("/api/v1/users/{me}/reset-password"),
            Some(&county),
            json!({}),
        )
        .await;
    assert_eq!(reset.expect(422).body["errors"][0]["code"], "oneself");
    assert!(
        audit_actions(&app, &county).await.is_empty(),
        "nothing recorded"
    );
    let deputy = app.login(&demo.deputy).await;
    app.post(
        &format!("/api/v1/users/{own}/disable"),
        Some(&deputy),
        json!({}),
    )
    .await
    .expect(403);
}

async fn a_reset_password_works_once_to_choose_a_new_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let station = app.login(&demo.station_admin).await;
    let deputy_token = app.login(&demo.deputy).await;
    let id = id_of(&app, &demo.deputy).await;
    let reply = app
        .post(
            &format!("/api/v1/users/{id}/reset-password"),
            Some(&station),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(reply.headers["cache-control"], "no-store");
    let one_time = reply.body["password"].as_str().unwrap().to_owned();
    assert!(one_time.len() >= 12);
    // The sessions in hand end, and the old password no longer opens one.
    assert_eq!(app.get("/api/v1/me", Some(&deputy_token)).await.status, 401);
    assert_eq!(login_status(&app, &demo.deputy, DEMO_PASSWORD).await.0, 401);
    let (status, pair) = login_status(&app, &demo.deputy, &one_time).await;
    assert_eq!(status, 200);
    assert_eq!(pair["password_change_required"], true);
    let token = pair["access_token"].as_str().unwrap().to_owned();
    let refused = app.get("/api/v1/cases?scope=assigned", Some(&token)).await;
    assert_eq!(refused.expect(403).code(), "auth.password_change_required");
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.expect(403).code(),
        "auth.password_change_required"
    );
    app.post(
        "/api/v1/me/password",
        Some(&token),
        json!({"current": one_time, "new": "a-new-secret-1"}),
    )
    .await
    .expect(204);
    // The same token works now: the pending change is read afresh.
    app.get("/api/v1/me", Some(&token)).await.expect(200);
    assert_eq!(login_status(&app, &demo.deputy, &one_time).await.0, 401);
    let (status, pair) = login_status(&app, &demo.deputy, "a-new-secret-1").await;
    assert_eq!(
        (status, &pair["password_change_required"]),
        (200, &json!(false))
    );

    // Another station's admin cannot reach this account; a deputy resets nobody.
    let other = app.login(&demo.other_station_admin).await;
    app.post(
        &format!("/api/v1/users/{id}/reset-password"),
        Some(&other),
        json!({}),
    )
    .await
    .expect(404);
    let own_admin = id_of(&app, &demo.station_admin).await;
    app.post(
        &format!("/api/v1/users/{own_admin}/reset-password"),
        Some(&token),
        json!({}),
    )
    .await
    .expect(403);
    let actions = audit_actions(&app, &station).await;
    assert_eq!(actions[..2], ["password_changed", "password_reset"]);
    let audit = app.get("/api/v1/audit", Some(&station)).await.expect(200);
    assert!(!audit.body.to_string().contains(&one_time), "never kept");
}

async fn changing_ones_own_password_needs_the_current_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.handler).await;
    let wrong = app
        .post(
            "/api/v1/me/password",
            Some(&token),
            json!({"current": "not-it-at-all", "new": "a-new-secret-2"}),
        )
        .await;
    assert_eq!(wrong.expect(422).fields(), ["current"]);
    let short = app
        .post(
            "/api/v1/me/password",
            Some(&token),
            json!({"current": DEMO_PASSWORD, "new": "short"}),
        )
        .await;
    assert_eq!(short.expect(422).fields(), ["new"]);
    let same = app
        .post(
            "/api/v1/me/password",
            Some(&token),
            json!({"current": DEMO_PASSWORD, "new": DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(
        same.expect(422).body["errors"][0]["code"],
        "same_as_current"
    );
    assert_eq!(
        login_status(&app, &demo.handler, DEMO_PASSWORD).await.0,
        200
    );
    app.post(
        "/api/v1/me/password",
        Some(&token),
        json!({"current": DEMO_PASSWORD, "new": "a-new-secret-2"}),
    )
    .await
    .expect(204);
    assert_eq!(
        login_status(&app, &demo.handler, DEMO_PASSWORD).await.0,
        401
    );
    assert_eq!(
        login_status(&app, &demo.handler, "a-new-secret-2").await.0,
        200
    );
    let resident = app.resident("accounts-password").await;
    let body = json!({"current": "x", "new": "a-new-secret-3"});
    app.post("/api/v1/me/password", Some(&resident), body)
        .await
        .expect(403);
    app.post("/api/v1/me/password", None, json!({}))
        .await
        .expect(401);
}

async fn the_audit_list_shows_each_admin_the_changes_in_its_reach(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo: Demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let handler = id_of(&app, &demo.handler).await;
    let other = id_of(&app, &demo.other_station_admin).await;
    let deputy = id_of(&app, &demo.deputy).await;
    for id in [handler, other, deputy] {
        app.patch(
            &format!("/api/v1/users/{id}"),
            Some(&county),
            json!({"name": "改名"}),
        )
        .await
        .expect(200);
    }
    let all = app.get("/api/v1/audit", Some(&county)).await.expect(200);
    let targets: Vec<i64> = items(&all.body)
        .iter()
        .map(|e| e["target_id"].as_i64().unwrap())
        .collect();
    assert_eq!(targets, [deputy, other, handler], "newest first");
    let entry = &items(&all.body)[0];
    assert_eq!(entry["action"], "account_changed");
    assert_eq!(entry["target_kind"], "account");
    assert_eq!(entry["actor_name"], "魏晓东");
    assert!(entry["summary"].as_str().unwrap().contains("name"));
    // Station 1's admin reads what touched station 1 only: its deputy's account.
    let station = app.login(&demo.station_admin).await;
    let mine = app.get("/api/v1/audit", Some(&station)).await.expect(200);
    let targets: Vec<i64> = items(&mine.body)
        .iter()
        .map(|e| e["target_id"].as_i64().unwrap())
        .collect();
    assert_eq!(targets, [deputy]);
    let first = app
        .get("/api/v1/audit?limit=2", Some(&county))
        .await
        .expect(200);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let rest = app
        .get(
            &format!("/api/v1/audit?limit=2&cursor={cursor}"),
            Some(&county),
        )
        .await
        .expect(200);
    assert_eq!(ids(&rest.body).len(), 1);
    assert!(ids(&rest.body)[0] < ids(&first.body)[1]);
}

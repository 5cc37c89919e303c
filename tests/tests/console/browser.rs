//! The console in headless Chromium, as its users work: log in, find the case, take the
//! steps, see the timeline; and what each role may not see or do. Every page visited is
//! photographed at 1280 and 390 px into `target/console-shots/`.

use liaison_infra::entities::users;
use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp, DEMO_PASSWORD};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_every_backend!(
    a_station_admin_accepts_and_answers_a_case_a_resident_just_raised,
    a_wrong_password_shows_the_form_again_with_the_message,
    each_role_sees_and_may_do_only_its_part,
    a_case_raised_appears_live_and_goes_from_station_to_department_and_back_to_resolved,
    the_roster_grid_takes_shifts_and_refuses_an_overlap_on_the_shift,
);

/// Gives the resident `openid` (logged in once) a phone and the demo password, as no real
/// resident has: the only way to test that the console still turns them away.
pub async fn resident_with_password(app: &TestApp, openid: &str) -> String {
    let token = app.resident(openid).await;
    let id = app.me(&token).await["id"].as_i64().unwrap();
    let phone = "13912345678".to_owned();
    let hash = liaison_infra::password::hash(DEMO_PASSWORD).unwrap();
    users::Entity::update_many()
        .col_expr(users::Column::Phone, Expr::value(phone.clone()))
        .col_expr(users::Column::PasswordHash, Expr::value(hash))
        .filter(users::Column::Id.eq(id))
        .exec(app.db().writer())
        .await
        .unwrap();
    phone
}

/// Logs in through the form as `phone`, landing on `next`.
pub(crate) async fn log_in(browser: &Browser, app: &TestApp, phone: &str, next: &str) {
    browser.goto(&app.url(next)).await;
    assert!(
        browser.path().await.starts_with("/console/login"),
        "{}",
        browser.path().await
    );
    browser.fill("#phone", phone).await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser.click("#login-submit").await;
}

async fn a_station_admin_accepts_and_answers_a_case_a_resident_just_raised(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("console-story").await;
    let case_id = app.raise(&resident).await;
    let number = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&resident))
        .await
        .expect(200)
        .body["number"]
        .as_str()
        .unwrap()
        .to_owned();

    browser.goto(&app.url("/console/login")).await;
    browser.shoot(&format!("login-{}", name(&backend))).await;
    log_in(&browser, &app, &demo.station_admin, "/console").await;
    assert_eq!(browser.path().await, "/console");
    assert!(
        browser
            .text("#figure-open .count")
            .await
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    browser.shoot(&format!("home-{}", name(&backend))).await;

    browser.click("nav.side a[href='/console/cases']").await;
    let row = format!("tr[data-case-id='{case_id}']");
    assert!(browser.has(&row).await, "the new case is in the queue");
    assert!(browser.text(&row).await.contains(&number));
    assert!(browser.text(&row).await.contains("待受理"));
    browser.shoot(&format!("queue-{}", name(&backend))).await;

    // Every filter of the API's queue is there, and a search narrows to the case.
    for field in [
        "scope",
        "station_id",
        "status",
        "overdue",
        "light",
        "sort",
        "q",
    ] {
        assert!(
            browser.has(&format!("#filters [name='{field}']")).await,
            "{field}"
        );
    }
    browser.fill("#f-q", &number).await;
    browser.click("#filters button[type='submit']").await;
    assert!(browser.path().await.contains("q="));
    assert!(browser.has(&row).await);
    // Just raised, it has all its time: a green light, listed as green and not as red.
    assert!(browser.has(&format!("{row} .light-green")).await);
    browser.select("#f-light", "red").await;
    browser.click("#filters button[type='submit']").await;
    assert!(browser.path().await.contains("light=red"));
    assert!(!browser.has(&row).await);
    browser.select("#f-light", "green").await;
    browser.click("#filters button[type='submit']").await;
    assert!(browser.has(&row).await);

    browser.click(&format!("{row} a")).await;
    assert_eq!(browser.path().await, format!("/console/cases/{case_id}"));
    assert!(browser.text("#case-status").await.contains("待受理"));
    browser.shoot(&format!("case-{}", name(&backend))).await;

    browser.click("#step-accept button[type='submit']").await;
    assert!(browser.text("#case-notice").await.contains("已保存"));
    assert!(browser.text("#case-status").await.contains("已受理"));
    assert!(
        !browser.has("#step-accept").await,
        "accepted once, offered no more"
    );

    // An empty reply comes back with the message beside the field.
    browser.click("#step-reply button[type='submit']").await;
    assert!(browser.has("#reply-content-error").await);
    browser
        .shoot(&format!("case-error-{}", name(&backend)))
        .await;

    let answer = "已收到，明天到现场查看。";
    browser.fill("#reply-content", answer).await;
    browser.click("#step-reply button[type='submit']").await;
    let timeline = browser.text("#timeline").await;
    assert!(
        timeline.contains("受理") && timeline.contains(answer),
        "{timeline}"
    );

    // An internal note is marked as such on the timeline.
    browser.fill("#note-content", "电话联系了社区").await;
    browser.click("#step-note button[type='submit']").await;
    assert!(
        browser
            .has("#timeline .event.internal[data-kind='noted']")
            .await
    );
    browser
        .shoot(&format!("case-worked-{}", name(&backend)))
        .await;

    // The resident sees each public step through the API, and no internal note.
    let (_, kinds) = as_the_resident_sees_it(&app, &resident, case_id).await;
    assert!(
        kinds.iter().any(|k| k == "accepted") && kinds.iter().any(|k| k == "replied"),
        "{kinds:?}"
    );
    assert!(!kinds.iter().any(|k| k == "noted"), "{kinds:?}");

    // Logged out, the browser's pages lead to the login again.
    browser.click("form.logout button").await;
    assert!(browser.path().await.starts_with("/console/login"));
    browser
        .goto(&app.url(&format!("/console/cases/{case_id}")))
        .await;
    assert!(browser.path().await.starts_with("/console/login"));
    browser.close().await;
}

/// The case `case_id` through the API as `resident` sees it, and the kinds of its timeline.
async fn as_the_resident_sees_it(
    app: &TestApp,
    resident: &str,
    case_id: i64,
) -> (serde_json::Value, Vec<String>) {
    let seen = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(resident))
        .await
        .expect(200)
        .body;
    let kinds = seen["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    (seen, kinds)
}

/// Logs in as `phone` on the way to case `case_id`, and lands on it.
async fn open_case_as(browser: &Browser, app: &TestApp, phone: &str, case_id: i64) {
    let path = format!("/console/cases/{case_id}");
    log_in(browser, app, phone, &path).await;
    assert_eq!(browser.path().await, path);
}

async fn a_wrong_password_shows_the_form_again_with_the_message(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    browser.goto(&app.url("/console")).await;
    browser.fill("#phone", &demo.station_admin).await;
    browser.fill("#password", "wrong-password").await;
    browser.click("#login-submit").await;
    assert!(browser.path().await.starts_with("/console/login"));
    assert!(browser
        .text("#login-notice")
        .await
        .contains("手机号或密码错误"));
    assert_eq!(
        browser.value("#phone").await,
        demo.station_admin,
        "the phone is kept"
    );
    browser
        .shoot(&format!("login-wrong-{}", name(&backend)))
        .await;

    browser.fill("#phone", "123").await;
    browser.click("#login-submit").await;
    assert!(browser.text("#phone-error").await.contains("11位手机号"));

    let phone = resident_with_password(&app, "console-resident").await;
    browser.fill("#phone", &phone).await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser.click("#login-submit").await;
    assert!(browser.text("#login-notice").await.contains("微信小程序"));
    browser.goto(&app.url("/console")).await;
    assert!(
        browser.path().await.starts_with("/console/login"),
        "a resident has no session"
    );
    browser.close().await;
}

async fn each_role_sees_and_may_do_only_its_part(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("console-roles").await;
    let here = app.raise_at(&resident, 1).await;
    let elsewhere = app.raise_at(&resident, 2).await;

    // Station 1's admin: no case of station 2 in the queue, and its URL is not found.
    log_in(&browser, &app, &demo.station_admin, "/console/cases").await;
    assert!(browser.has(&format!("tr[data-case-id='{here}']")).await);
    assert!(
        !browser
            .has(&format!("tr[data-case-id='{elsewhere}']"))
            .await
    );
    browser
        .goto(&app.url(&format!("/console/cases/{elsewhere}")))
        .await;
    assert!(browser.text("#error-message").await.contains("没有找到"));
    browser
        .shoot(&format!("not-found-{}", name(&backend)))
        .await;
    // The admin sees the resident's full contact; station 1's case offers the admin's steps.
    browser
        .goto(&app.url(&format!("/console/cases/{here}")))
        .await;
    for step in ["accept", "decline", "note", "urge", "assign"] {
        assert!(browser.has(&format!("#step-{step}")).await, "{step}");
    }
    assert!(
        !browser.has("#step-handle").await,
        "only handlers report back"
    );
    browser.click("form.logout button").await;

    // Hand the case to the handler's department through the API.
    let admin = app.login(&demo.station_admin).await;
    let handler = app.login(&demo.handler).await;
    let department = app.me(&handler).await["scopes"]["department_id"].clone();
    app.post(
        &format!("/api/v1/cases/{here}/assign"),
        Some(&admin),
        serde_json::json!({"department_id": department, "note": "请尽快处理"}),
    )
    .await
    .expect(200);

    // The handler may report back and reply, never accept, decline or resolve.
    log_in(
        &browser,
        &app,
        &demo.handler,
        &format!("/console/cases/{here}"),
    )
    .await;
    assert_eq!(browser.path().await, format!("/console/cases/{here}"));
    assert!(browser.has("#step-handle").await);
    for step in ["accept", "decline", "resolve", "urge", "assign"] {
        assert!(!browser.has(&format!("#step-{step}")).await, "{step}");
    }
    browser
        .shoot(&format!("case-handler-{}", name(&backend)))
        .await;
    browser
        .goto(&app.url(&format!("/console/cases/{elsewhere}")))
        .await;
    assert!(
        browser.has("#error-message").await,
        "not the handler's case"
    );
    browser.close().await;
}

async fn a_case_raised_appears_live_and_goes_from_station_to_department_and_back_to_resolved(
    backend: Backend,
) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("console-workflow").await;
    let handler = app.login(&demo.handler).await;
    let department = app.me(&handler).await["scopes"]["department_id"]
        .as_i64()
        .unwrap();

    // The queue of cases to accept is open, and listening, before the resident raises one:
    // the new case belongs on this filtered page, and comes in.
    let open = "/console/cases?status=submitted";
    log_in(&browser, &app, &demo.station_admin, open).await;
    assert_eq!(browser.path().await, open);
    browser.wait_for("#live-queue[data-listening]").await;
    let case_id = app.raise(&resident).await;
    let row = format!("tr.new[data-case-id='{case_id}']");
    browser.wait_for(&row).await;
    assert!(browser.text(&row).await.contains("待受理"));
    browser
        .shoot(&format!("queue-live-{}", name(&backend)))
        .await;

    // A change made elsewhere (here, an internal note through the API) brings the row again,
    // in place: the mark this test takes off comes back with the fresh row.
    browser
        .run(
            "document.querySelector(arguments[0]).classList.remove('new');",
            vec![serde_json::json!(row)],
        )
        .await;
    assert!(!browser.has(&row).await);
    let admin = app.login(&demo.station_admin).await;
    app.post(
        &format!("/api/v1/cases/{case_id}/note"),
        Some(&admin),
        serde_json::json!({"content": "先电话了解情况"}),
    )
    .await
    .expect(200);
    browser.wait_for(&row).await;
    assert_eq!(
        browser
            .client
            .find_all(fantoccini::Locator::Css(&format!(
                "tr[data-case-id='{case_id}']"
            )))
            .await
            .unwrap()
            .len(),
        1,
        "updated, not added twice"
    );

    browser.click(&format!("{row} a")).await;
    assert_eq!(browser.path().await, format!("/console/cases/{case_id}"));
    browser.click("#step-accept button[type='submit']").await;
    assert!(browser.text("#case-status").await.contains("已受理"));

    // Assigned to the handler's department, to be resolved by a day picked on the form.
    let due = (chrono::Utc::now() + chrono::Duration::days(5)).date_naive();
    browser
        .select("#assign-department_id", &department.to_string())
        .await;
    browser
        .set_value("#assign-resolve_by", &due.format("%Y-%m-%d").to_string())
        .await;
    browser.fill("#assign-note", "请五日内处理").await;
    browser.click("#step-assign button[type='submit']").await;
    assert!(browser.text("#case-notice").await.contains("已保存"));
    assert!(browser.text("#case-status").await.contains("已交办"));
    browser
        .shoot(&format!("case-assigned-{}", name(&backend)))
        .await;
    browser.click("form.logout button").await;

    // The handler, in the same browser after the admin's logout, reports back.
    open_case_as(&browser, &app, &demo.handler, case_id).await;
    let report = "已派人清理，路灯已修复。";
    browser.fill("#handle-content", report).await;
    browser.click("#step-handle button[type='submit']").await;
    assert!(browser.text("#case-status").await.contains("已承办"));
    assert!(browser.text("#timeline").await.contains(report));
    browser
        .shoot(&format!("case-handled-{}", name(&backend)))
        .await;
    browser.click("form.logout button").await;

    // The station admin resolves.
    open_case_as(&browser, &app, &demo.station_admin, case_id).await;
    browser
        .fill("#resolve-summary", "路灯已修复，经回访确认。")
        .await;
    browser.select("#resolve-outcome", "implemented").await;
    browser.click("#step-resolve button[type='submit']").await;
    assert!(browser.text("#case-status").await.contains("已办结"));
    assert!(browser.text("#timeline").await.contains("办理结果：已落实"));
    browser
        .shoot(&format!("case-resolved-{}", name(&backend)))
        .await;
    browser.close().await;

    // The resident's timeline has every public step, in order, and no internal note; the
    // deadline is the end of the day picked, in Beijing.
    let (seen, kinds) = as_the_resident_sees_it(&app, &resident, case_id).await;
    assert_eq!(
        kinds,
        ["submitted", "accepted", "assigned", "handled", "resolved"],
        "{kinds:?}"
    );
    assert_eq!(seen["status"], "resolved");
    let resolve_by = seen["resolve_by"].as_str().unwrap();
    let resolve_by = chrono::DateTime::parse_from_rfc3339(resolve_by).unwrap();
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    assert_eq!(resolve_by.with_timezone(&beijing).date_naive(), due);
}

async fn the_roster_grid_takes_shifts_and_refuses_an_overlap_on_the_shift(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap()
        .to_string();

    // The station list holds station 1, the admin's, and not station 2.
    log_in(&browser, &app, &demo.station_admin, "/console/stations").await;
    assert_eq!(browser.path().await, "/console/stations");
    assert!(browser.has("tr[data-station-id='1']").await);
    assert!(!browser.has("tr[data-station-id='2']").await);
    browser.shoot(&format!("stations-{}", name(&backend))).await;
    browser
        .click("tr[data-station-id='1'] a[href='/console/stations/1/roster']")
        .await;
    assert_eq!(browser.path().await, "/console/stations/1/roster");
    // Five weeks on, past the two weeks of shifts the demo plans ahead.
    let later = (chrono::Utc::now() + chrono::Duration::weeks(5)).format("%Y-%m-%d");
    browser
        .goto(&app.url(&format!("/console/stations/1/roster?week={later}")))
        .await;

    // A shift added on the week's Wednesday lands in that day's column.
    let monday =
        chrono::NaiveDate::parse_from_str(&browser.attr("#roster", "data-week").await, "%Y-%m-%d")
            .unwrap();
    let wednesday = (monday + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let add = format!("#shift-new-{wednesday}");
    let add_shift = |starts: &'static str, ends: &'static str| {
        let (browser, add, deputy_id) = (&browser, add.clone(), deputy_id.clone());
        async move {
            browser.select(&format!("{add}-deputy"), &deputy_id).await;
            browser.set_value(&format!("{add}-starts"), starts).await;
            browser.set_value(&format!("{add}-ends"), ends).await;
            browser.click(&format!("{add} button[value='save']")).await;
        }
    };
    add_shift("09:00", "12:00").await;
    assert!(browser.text("#roster-notice").await.contains("已保存"));
    let stored = format!("#day-{wednesday} form.shift.stored");
    assert!(browser.has(&stored).await);
    assert_eq!(
        browser
            .value(&format!("{stored} input[name='starts']"))
            .await,
        "09:00"
    );

    // The same deputy again at 11:00 overlaps: said on the shift, with what was typed kept.
    add_shift("11:00", "13:00").await;
    let error = browser.text(&format!("{add}-starts-error")).await;
    assert!(error.contains("已有班次"), "{error}");
    assert_eq!(browser.value(&format!("{add}-starts")).await, "11:00");
    assert_eq!(browser.value(&format!("{add}-ends")).await, "13:00");
    assert_eq!(browser.value(&format!("{add}-deputy")).await, deputy_id);
    browser
        .shoot(&format!("roster-overlap-{}", name(&backend)))
        .await;

    // Moved to the afternoon, the stored shift no longer clashes with the one asked for.
    let stored_id = browser.attr(&stored, "id").await;
    browser
        .set_value(&format!("#{stored_id}-starts"), "14:00")
        .await;
    browser
        .set_value(&format!("#{stored_id}-ends"), "17:00")
        .await;
    browser
        .click(&format!("#{stored_id} button[value='save']"))
        .await;
    assert!(browser.text("#roster-notice").await.contains("已保存"));
    add_shift("11:00", "13:00").await;
    let mut times = Vec::new();
    for field in browser
        .client
        .find_all(fantoccini::Locator::Css(&format!(
            "#day-{wednesday} form.shift.stored input[name='starts']"
        )))
        .await
        .unwrap()
    {
        times.push(field.prop("value").await.unwrap().unwrap_or_default());
    }
    assert_eq!(times, ["11:00", "14:00"]);
    browser.shoot(&format!("roster-{}", name(&backend))).await;

    // Removed, a shift is gone from the grid.
    let first = browser.attr(&stored, "id").await;
    browser
        .click(&format!("#{first} button[value='remove']"))
        .await;
    assert_eq!(
        browser
            .client
            .find_all(fantoccini::Locator::Css(&stored))
            .await
            .unwrap()
            .len(),
        1
    );

    // Station 2's roster is not this admin's, by URL either.
    browser.goto(&app.url("/console/stations/2/roster")).await;
    assert!(browser.text("#error-message").await.contains("不能"));
    browser
        .shoot(&format!("roster-forbidden-{}", name(&backend)))
        .await;
    browser.goto(&app.url("/console/stations/999/roster")).await;
    assert!(browser.text("#error-message").await.contains("没有找到"));
    browser.close().await;
}

pub(crate) fn name(backend: &Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres { .. } => "postgres",
    }
}

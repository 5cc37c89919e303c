//! The console's account pages (issue 11, parts 5 and 6a): the list in reach, the account's
//! page with its confirmed steps, the one-time password shown once, the forced password
//! change, the audit list, and a deputy's status on their form.

use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend, DEMO_PASSWORD};

use crate::browser::{log_in, name};
use crate::{Page, Visitor};

on_every_backend!(
    a_station_admin_sees_its_own_stations_accounts_and_a_deputy_none,
    an_admin_disables_an_account_only_after_confirming_it,
    a_reset_password_is_shown_once_and_forces_a_new_one,
    the_deputy_form_suspends_a_deputy_with_a_reason,
    in_the_browser_an_admin_finds_an_account_disables_it_and_resets_its_password,
);

/// The text of the element with `id` (its first line of content), if the page has it.
fn element<'p>(page: &'p Page, id: &str) -> Option<&'p str> {
    let start = page.html.find(&format!("id=\"{id}\""))?;
    let open = page.html[start..].find('>')? + start + 1;
    let close = page.html[open..].find('<')? + open;
    Some(&page.html[open..close])
}

async fn id_of(app: &liaison_tests::TestApp, phone: &str) -> i64 {
    app.me(&app.login(phone).await).await["id"]
        .as_i64()
        .unwrap()
}

async fn a_station_admin_sees_its_own_stations_accounts_and_a_deputy_none(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let other = id_of(&app, &demo.other_station_admin).await;
    let mut station = Visitor::new(&app);
    station.log_in(&demo.station_admin).await;
    let page = station.get("/console/accounts").await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html.contains("郭明") && page.html.contains("刘桂兰"),
        "{}",
        page.html
    );
    assert!(!page.html.contains("何静"), "not station 2's admin");
    assert!(!page.html.contains(&format!("data-account-id=\"{other}\"")));
    assert!(
        page.html.contains("href=\"/console/accounts\""),
        "in the nav"
    );
    assert_eq!(
        station
            .get(&format!("/console/accounts/{other}"))
            .await
            .status,
        404
    );
    let own = id_of(&app, &demo.station_admin).await;
    let searched = station.get("/console/accounts?q=%E5%88%98").await;
    assert!(searched.html.contains("刘桂兰"), "刘 finds 刘桂兰");
    assert!(!searched
        .html
        .contains(&format!("data-account-id=\"{own}\"")));

    let mut deputy = Visitor::new(&app);
    deputy.log_in(&demo.deputy).await;
    let home = deputy.get("/console").await;
    assert!(!home.html.contains("href=\"/console/accounts\""), "no link");
    assert!(!home.html.contains("href=\"/console/audit\""));
    assert_eq!(deputy.get("/console/accounts").await.status, 403);
    assert_eq!(deputy.get("/console/audit").await.status, 403);
    assert_eq!(
        deputy
            .get(&format!("/console/accounts/{other}"))
            .await
            .status,
        403
    );
}

async fn an_admin_disables_an_account_only_after_confirming_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let handler_id = id_of(&app, &demo.handler).await;
    let mut handler = Visitor::new(&app);
    handler.log_in(&demo.handler).await;
    let mut county = Visitor::new(&app);
    county.log_in(&demo.county_admin).await;
    let account = format!("/console/accounts/{handler_id}");
    let page = county.get(&account).await;
    assert_eq!(element(&page, "account-status"), Some("正常"));
    let confirm = county.get(&format!("{account}/disable")).await;
    assert_eq!(confirm.status, 200);
    assert!(
        confirm.html.contains("所有会话立即失效"),
        "{}",
        confirm.html
    );
    // Nothing happened on the way to the confirmation.
    assert_eq!(handler.get("/console").await.status, 200);
    let no_token = county.post(&format!("{account}/disable"), &[]).await;
    assert_eq!(
        no_token.status, 403,
        "without the form's token nothing is done"
    );
    assert_eq!(handler.get("/console").await.status, 200);
    let csrf = confirm.csrf();
    let done = county
        .post(&format!("{account}/disable"), &[("csrf", &csrf)])
        .await;
    assert_eq!(
        (done.status.as_u16(), done.location()),
        (303, &*format!("{account}?done=1"))
    );
    let page = county.get(&account).await;
    assert_eq!(element(&page, "account-status"), Some("已停用"));
    let sent_back = handler.get("/console").await;
    assert_eq!(sent_back.status, 303);
    assert!(sent_back.location().starts_with("/console/login"));
    let mut again = Visitor::new(&app);
    let refused = again
        .log_in_with(&demo.handler, DEMO_PASSWORD, "/console")
        .await;
    assert_eq!(refused.status, 401);
    assert!(refused.html.contains("已停用"));
    let audit = county.get("/console/audit").await;
    assert!(audit.html.contains("停用账号"), "{}", audit.html);
    let csrf = county.get(&format!("{account}/enable")).await.csrf();
    county
        .post(&format!("{account}/enable"), &[("csrf", &csrf)])
        .await;
    again.log_in(&demo.handler).await;
}

async fn a_reset_password_is_shown_once_and_forces_a_new_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let deputy_id = id_of(&app, &demo.deputy).await;
    let mut station = Visitor::new(&app);
    station.log_in(&demo.station_admin).await;
    let path = format!("/console/accounts/{deputy_id}/reset-password");
    let csrf = station.get(&path).await.csrf();
    let shown = station.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(shown.status, 200, "{}", shown.html);
    assert_eq!(shown.headers["cache-control"], "no-store");
    let one_time = element(&shown, "one-time-password").unwrap().to_owned();
    assert!(one_time.len() >= 12, "{one_time}");
    // Not on the account's page, nor anywhere after.
    let account = station.get(&format!("/console/accounts/{deputy_id}")).await;
    assert!(!account.html.contains(&one_time));

    let mut deputy = Visitor::new(&app);
    let logged_in = deputy
        .log_in_with(&demo.deputy, &one_time, "/console/cases")
        .await;
    assert_eq!(logged_in.status, 303, "{}", logged_in.html);
    let queue = deputy.get("/console/cases").await;
    assert_eq!(
        (queue.status.as_u16(), queue.location()),
        (303, "/console/password")
    );
    let form = deputy.get("/console/password").await;
    assert_eq!(form.status, 200);
    assert!(form.html.contains("管理员已重置你的密码"));
    let csrf = form.csrf();
    let wrong = deputy
        .post(
            "/console/password",
            &[
                ("csrf", &csrf),
                ("current", "not-the-one"),
                ("new", "mine-now-123"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.html.contains("当前密码不正确"));
    assert!(
        !wrong.html.contains("not-the-one"),
        "a password is never sent back"
    );
    let changed = deputy
        .post(
            "/console/password",
            &[
                ("csrf", &csrf),
                ("current", &one_time),
                ("new", "mine-now-123"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.html);
    assert_eq!(deputy.get("/console/cases").await.status, 200);
    let mut later = Visitor::new(&app);
    let page = later
        .log_in_with(&demo.deputy, "mine-now-123", "/console")
        .await;
    assert_eq!(page.status, 303);
}

async fn the_deputy_form_suspends_a_deputy_with_a_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut county = Visitor::new(&app);
    county.log_in(&demo.county_admin).await;
    let form = county.get("/console/deputies/1").await;
    assert!(form.html.contains("id=\"deputy-status\""), "{}", form.html);
    assert!(form.html.contains("id=\"deputy-constituency\""));
    let csrf = form.csrf();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("name", "王秀英"),
        ("level", "national"),
        ("station_ids", "1"),
        ("office_hours", ""),
        ("public_contact", ""),
        ("photo_url", ""),
        ("term", "第十八届"),
        ("constituency", "第一选区"),
        ("status", "suspended"),
        ("status_reason", ""),
        ("status_since", "2026-12-01"),
    ];
    let again = county.post("/console/deputies/1", &fields).await;
    assert_eq!(again.status, 422, "{}", again.html);
    assert!(again.html.contains("id=\"deputy-status_reason-error\""));
    assert!(
        again.html.contains("value=\"第一选区\""),
        "what was typed stays"
    );
    fields[10].1 = "因病暂停履职";
    assert_eq!(
        county.post("/console/deputies/1", &fields).await.status,
        303
    );
    let deputy = app.get("/api/v1/deputies/1", None).await.expect(200);
    assert_eq!(deputy.body["status"], "suspended");
    assert_eq!(deputy.body["term"], "第十八届");
}

async fn in_the_browser_an_admin_finds_an_account_disables_it_and_resets_its_password(
    backend: Backend,
) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let shot = |page: &str| format!("{page}-{}", name(&backend));
    let handler_id = id_of(&app, &demo.handler).await;

    log_in(&browser, &app, &demo.county_admin, "/console/accounts").await;
    assert_eq!(browser.path().await, "/console/accounts");
    browser.shoot(&shot("accounts")).await;
    browser.fill("#filter-q", "0000005").await;
    browser
        .click("#account-filters button[type='submit']")
        .await;
    assert!(
        browser
            .has(&format!("tr[data-account-id='{handler_id}']"))
            .await
    );
    browser
        .click(&format!("tr[data-account-id='{handler_id}'] a"))
        .await;
    assert_eq!(
        browser.path().await,
        format!("/console/accounts/{handler_id}")
    );
    browser.shoot(&shot("account")).await;
    browser.click("#account-disable").await;
    browser.click("#account-confirm").await;
    assert_eq!(browser.text("#account-status").await, "已停用");
    browser.click("#account-reset").await;
    browser.click("#account-confirm").await;
    let one_time = browser.text("#one-time-password").await;
    assert!(one_time.len() >= 12, "{one_time}");
    browser.shoot(&shot("account-reset")).await;
    browser.click("nav.side a[href='/console/audit']").await;
    assert!(browser.text("#audit").await.contains("重置密码"));
    browser.shoot(&shot("audit")).await;
    browser.close().await;

    // Station 2's admin, in the browser too, finds no account of station 1.
    let Some(browser) = Browser::start().await else {
        return;
    };
    log_in(
        &browser,
        &app,
        &demo.other_station_admin,
        "/console/accounts",
    )
    .await;
    let listed = browser.text("#accounts").await;
    assert!(
        listed.contains("何静") && !listed.contains("郭明"),
        "{listed}"
    );
    browser.close().await;
}

//! The county admin's pages: webhooks (created with the secret shown once, changed, deleted
//! after a confirmation) and the outbox (its backlog, its dead letters and their retry), over
//! HTTP and in the browser; and that nobody else reaches them, by link or by URL.

use liaison_infra::entities::webhooks;
use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app_with, Backend, Demo, TestApp};
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::browser::{log_in, name};
use crate::{Page, Visitor};

on_every_backend!(
    a_new_webhooks_secret_is_shown_once_and_never_again,
    a_create_form_posted_twice_makes_one_webhook_and_shows_its_secret,
    a_webhook_is_changed_and_a_bad_value_comes_back_by_its_field,
    a_webhook_is_deleted_after_its_confirmation,
    forms_without_their_token_are_refused_and_change_nothing,
    only_county_admins_reach_these_pages_by_link_or_by_url,
    a_dead_letter_is_retried_once_however_often_it_is_asked,
    in_the_browser_a_county_admin_creates_a_webhook_and_retries_a_dead_letter,
);

const HOOKS: &str = "/console/webhooks";
const DELIVERIES: &str = "/console/deliveries";

/// The app with webhooks allowed to aim at this machine (wiremock), a message dead after one
/// failed attempt, and the demo county; with its county admin's token.
async fn app(backend: Backend) -> (TestApp, Demo, String) {
    let app = spawn_app_with(backend, |s| {
        s.webhooks.allow_private_targets = true;
        s.outbox.max_attempts = 1;
        s.outbox.base_backoff_ms = 0;
    })
    .await;
    let demo = app.seed_demo().await;
    let token = app.login(&demo.county_admin).await;
    (app, demo, token)
}

/// A webhook made through the API; answers its id.
async fn webhook(app: &TestApp, token: &str, url: &str, events: &[&str]) -> i64 {
    app.post(
        "/api/v1/webhooks",
        Some(token),
        json!({"url": url, "events": events}),
    )
    .await
    .expect(201)
    .id()
}

/// The county's webhooks as the API lists them.
async fn listed(app: &TestApp, token: &str) -> Vec<Value> {
    let page = app.get("/api/v1/webhooks", Some(token)).await.expect(200);
    page.body["items"].as_array().unwrap().clone()
}

async fn deliveries(app: &TestApp, token: &str, status: &str) -> Vec<Value> {
    let path = format!("/api/v1/deliveries?status={status}");
    let page = app.get(&path, Some(token)).await.expect(200);
    page.body["items"].as_array().unwrap().clone()
}

/// A dead letter: a webhook whose receiver fails once (then answers 200), a case raised, the
/// dispatcher run. Answers the receiver and the dead delivery's id.
async fn dead_letter(app: &TestApp, token: &str) -> (MockServer, i64) {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&receiver)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let url = format!("{}/hook", receiver.uri());
    webhook(app, token, &url, &["submitted"]).await;
    let resident = app.resident("console-dead-letter").await;
    app.raise(&resident).await;
    app.dispatch().await;
    let dead = deliveries(app, token, "dead").await;
    assert_eq!(dead.len(), 1, "{dead:?}");
    (receiver, dead[0]["id"].as_i64().unwrap())
}

/// The text of the element `id` holds, tags and all: enough to find a value in.
fn element<'p>(page: &'p Page, id: &str) -> Option<&'p str> {
    let start = page.html.find(&format!("id=\"{id}\""))?;
    let end = page.html[start..]
        .find("</")
        .map_or(page.html.len(), |e| start + e);
    Some(&page.html[start..end])
}

async fn a_new_webhooks_secret_is_shown_once_and_never_again(backend: Backend) {
    let (app, demo, token) = app(backend).await;
    let mut admin = Visitor::new(&app);
    admin.log_in(&demo.county_admin).await;
    let list = admin.get(HOOKS).await;
    assert_eq!(list.status, 200, "{}", list.html);
    assert!(list.html.contains("还没有推送接口"));
    let url = "https://12345.xiping.invalid/in";
    let created = admin
        .post(
            HOOKS,
            &[
                ("csrf", &list.csrf()),
                ("url", url),
                ("events", "submitted"),
                ("events", "resolved"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.html);
    assert_eq!(created.location(), HOOKS, "a reload cannot post it again");
    let carrier = created.set_cookie("liaison_console_secret").unwrap();
    for attribute in ["HttpOnly", "Path=/console/webhooks", "Max-Age=300"] {
        assert!(carrier.contains(attribute), "{attribute}: {carrier}");
    }
    let sealed_in_cookie = admin.cookies["liaison_console_secret"].clone();
    assert!(
        !sealed_in_cookie.contains(url),
        "the cookie is sealed: {sealed_in_cookie}"
    );
    let kept = admin.cookies.clone();

    let shown = admin.get(HOOKS).await;
    assert_eq!(shown.status, 200);
    assert!(shown.html.contains("推送接口已创建"), "{}", shown.html);
    let secret = element(&shown, "webhook-secret-value").unwrap();
    let secret = secret.rsplit('>').next().unwrap().to_owned();
    assert_eq!(secret.len(), 64, "{secret}");
    let hooks = listed(&app, &token).await;
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0]["url"], url);
    assert_eq!(hooks[0]["events"], json!(["submitted", "resolved"]));
    assert_eq!(hooks[0]["active"], true);
    let stored = webhooks::Entity::find_by_id(hooks[0]["id"].as_i64().unwrap())
        .one(app.db().writer())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.state.sealer.open(&stored.secret).unwrap(),
        secret,
        "the secret shown is the one that signs"
    );
    assert!(
        !admin.cookies.contains_key("liaison_console_secret"),
        "the page that showed it removed its carrier"
    );

    let reloaded = admin.get(HOOKS).await;
    assert_eq!(reloaded.status, 200);
    assert!(element(&reloaded, "webhook-secret").is_none());
    assert!(!reloaded.html.contains(&secret), "never again");
    assert!(reloaded.html.contains(url), "the webhook is listed");
    let edit = admin
        .get(&format!("{HOOKS}/{}", hooks[0]["id"].as_i64().unwrap()))
        .await;
    assert!(!edit.html.contains(&secret));

    // The carrier, copied into another session, shows nothing there.
    let mut other = Visitor::new(&app);
    other.log_in(&demo.county_admin).await;
    other.cookies.insert(
        "liaison_console_secret".to_owned(),
        kept["liaison_console_secret"].clone(),
    );
    let elsewhere = other.get(HOOKS).await;
    assert_eq!(elsewhere.status, 200);
    assert!(!elsewhere.html.contains(&secret));
}

async fn a_create_form_posted_twice_makes_one_webhook_and_shows_its_secret(backend: Backend) {
    let (app, demo, token) = app(backend).await;
    let mut admin = Visitor::new(&app);
    admin.log_in(&demo.county_admin).await;
    let list = admin.get(HOOKS).await;
    let once = element(&list, "webhook-form")
        .map(|_| {
            let marker = "name=\"once\" value=\"";
            let start = list.html.find(marker).unwrap() + marker.len();
            let end = list.html[start..].find('"').unwrap() + start;
            list.html[start..end].to_owned()
        })
        .unwrap();
    let form = [
        ("csrf", list.csrf()),
        ("once", once),
        ("url", "https://12345.xiping.invalid/twice".to_owned()),
        ("events", "submitted".to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let mut secrets = Vec::new();
    for _ in 0..2 {
        let answer = admin.post(HOOKS, &form).await;
        assert_eq!(answer.status, 303, "{}", answer.html);
        assert!(answer.set_cookie("liaison_console_secret").is_some());
        let shown = admin.get(HOOKS).await;
        let secret = element(&shown, "webhook-secret-value").unwrap();
        secrets.push(secret.rsplit('>').next().unwrap().to_owned());
    }
    assert_eq!(
        secrets[0], secrets[1],
        "the second answer shows the first's secret"
    );
    assert_eq!(listed(&app, &token).await.len(), 1, "one webhook");
}

async fn a_webhook_is_changed_and_a_bad_value_comes_back_by_its_field(backend: Backend) {
    let (app, demo, token) = app(backend).await;
    let before = "https://12345.xiping.invalid/in";
    let id = webhook(&app, &token, before, &["submitted"]).await;
    let mut admin = Visitor::new(&app);
    admin.log_in(&demo.county_admin).await;
    let path = format!("{HOOKS}/{id}");
    let form = admin.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.html);
    assert!(form.html.contains(&format!("value=\"{before}\"")));
    let csrf = form.csrf();

    let bad = admin
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("url", "not a url"),
                ("events", "resolved"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert!(bad.html.contains("value=\"not a url\""), "kept as typed");
    let message = element(&bad, "webhook-url-error").unwrap();
    assert!(message.contains("请填写完整的地址"), "{message}");
    assert!(
        bad.html
            .contains("value=\"resolved\" id=\"event-resolved\" checked"),
        "the boxes ticked stay ticked"
    );
    let none = admin
        .post(
            &path,
            &[("csrf", &csrf), ("url", before), ("active", "true")],
        )
        .await;
    assert_eq!(none.status, 422);
    assert!(element(&none, "webhook-events-error")
        .unwrap()
        .contains("请至少选择一个事件"));
    let hooks = listed(&app, &token).await;
    assert_eq!(
        (&hooks[0]["url"], &hooks[0]["events"], &hooks[0]["active"]),
        (&json!(before), &json!(["submitted"]), &json!(true)),
        "nothing was changed"
    );

    // Unticking `active` switches it off; the URL and events are replaced.
    let after = "https://petition.xiping.invalid/hook";
    let saved = admin
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("url", after),
                ("events", "resolved"),
                ("events", "escalated"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert_eq!(saved.location(), "/console/webhooks?done=saved");
    let hooks = listed(&app, &token).await;
    assert_eq!(hooks[0]["url"], after);
    assert_eq!(hooks[0]["events"], json!(["resolved", "escalated"]));
    assert_eq!(hooks[0]["active"], false);
    let list = admin.get(saved.location()).await;
    assert!(list.html.contains("已保存"));
    assert!(list.html.contains("已停用"));

    // The create form, too, keeps what was typed and says what is wrong by the field.
    let bad = admin
        .post(
            HOOKS,
            &[
                ("csrf", &csrf),
                ("url", "ftp://x.invalid/"),
                ("events", "nope"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert!(bad.html.contains("value=\"ftp://x.invalid/\""));
    assert!(element(&bad, "webhook-url-error")
        .unwrap()
        .contains("http 或 https"));
    assert!(element(&bad, "webhook-events-error")
        .unwrap()
        .contains("请从列表中选择"));
    assert_eq!(listed(&app, &token).await.len(), 1, "nothing was created");

    let missing = admin.get(&format!("{HOOKS}/999999")).await;
    assert_eq!(missing.status, 404);
}

async fn a_webhook_is_deleted_after_its_confirmation(backend: Backend) {
    let (app, demo, token) = app(backend).await;
    let id = webhook(&app, &token, "https://12345.xiping.invalid/in", &["closed"]).await;
    let mut admin = Visitor::new(&app);
    admin.log_in(&demo.county_admin).await;
    let edit = admin.get(&format!("{HOOKS}/{id}")).await;
    let confirm_path = format!("{HOOKS}/{id}/delete");
    assert!(edit.html.contains(&format!("href=\"{confirm_path}\"")));
    let confirm = admin.get(&confirm_path).await;
    assert_eq!(confirm.status, 200, "{}", confirm.html);
    assert!(confirm.html.contains("确定删除"));
    assert_eq!(
        listed(&app, &token).await.len(),
        1,
        "asking deletes nothing"
    );

    let deleted = admin
        .post(&confirm_path, &[("csrf", &confirm.csrf())])
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.html);
    assert_eq!(deleted.location(), "/console/webhooks?done=deleted");
    assert!(listed(&app, &token).await.is_empty());
    assert!(admin
        .get(deleted.location())
        .await
        .html
        .contains("推送接口已删除"));
    let again = admin
        .post(&confirm_path, &[("csrf", &confirm.csrf())])
        .await;
    assert_eq!(again.status, 404, "a double submit finds nothing to delete");
}

async fn forms_without_their_token_are_refused_and_change_nothing(backend: Backend) {
    let (app, demo, token) = app(backend).await;
    let (_receiver, dead) = dead_letter(&app, &token).await;
    let url = "https://12345.xiping.invalid/in";
    let id = webhook(&app, &token, url, &["closed"]).await;
    let mut admin = Visitor::new(&app);
    admin.log_in(&demo.county_admin).await;
    let posts = [
        (
            HOOKS.to_owned(),
            vec![("url", "https://new.invalid/"), ("events", "closed")],
        ),
        (
            format!("{HOOKS}/{id}"),
            vec![("url", "https://moved.invalid/"), ("events", "closed")],
        ),
        (format!("{HOOKS}/{id}/delete"), vec![]),
        (format!("{DELIVERIES}/{dead}/retry"), vec![]),
    ];
    for (path, form) in &posts {
        let refused = admin.post(path, form).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.html);
        assert!(refused.html.contains("安全校验未通过"), "{path}");
    }
    let hooks = listed(&app, &token).await;
    assert_eq!(hooks.len(), 2, "none created, none deleted");
    assert_eq!(hooks[1]["url"], url, "none changed");
    assert_eq!(
        deliveries(&app, &token, "dead").await.len(),
        1,
        "none retried"
    );
}

async fn only_county_admins_reach_these_pages_by_link_or_by_url(backend: Backend) {
    let (app, demo, token) = app(backend).await;
    let (_receiver, dead) = dead_letter(&app, &token).await;
    let id = webhook(&app, &token, "https://12345.xiping.invalid/in", &["closed"]).await;
    let pages = [
        HOOKS.to_owned(),
        format!("{HOOKS}/{id}"),
        format!("{HOOKS}/{id}/delete"),
        DELIVERIES.to_owned(),
    ];

    let mut admin = Visitor::new(&app);
    admin.log_in(&demo.county_admin).await;
    let home = admin.get("/console").await;
    assert!(home.html.contains("href=\"/console/webhooks\""));
    assert!(home.html.contains("href=\"/console/deliveries\""));
    for page in &pages {
        assert_eq!(admin.get(page).await.status, 200, "{page}");
    }

    for phone in [&demo.station_admin, &demo.deputy, &demo.handler] {
        let mut staff = Visitor::new(&app);
        staff.log_in(phone).await;
        let home = staff.get("/console").await;
        assert!(
            !home.html.contains("/console/webhooks"),
            "no link for {phone}"
        );
        assert!(!home.html.contains("/console/deliveries"));
        for page in &pages {
            let refused = staff.get(page).await;
            assert_eq!(refused.status, 403, "{phone} {page}");
            assert!(refused.html.contains("您的角色不能进行这项操作"));
        }
        // With a token of their own session, the forms are still refused.
        let csrf = home.csrf();
        let url = "https://theirs.invalid/";
        for (path, form) in [
            (
                HOOKS.to_owned(),
                vec![("csrf", csrf.as_str()), ("url", url), ("events", "closed")],
            ),
            (
                format!("{HOOKS}/{id}"),
                vec![("csrf", csrf.as_str()), ("url", url), ("events", "closed")],
            ),
            (
                format!("{HOOKS}/{id}/delete"),
                vec![("csrf", csrf.as_str())],
            ),
            (
                format!("{DELIVERIES}/{dead}/retry"),
                vec![("csrf", csrf.as_str())],
            ),
        ] {
            assert_eq!(staff.post(&path, &form).await.status, 403, "{phone} {path}");
        }
    }
    let hooks = listed(&app, &token).await;
    assert_eq!(hooks.len(), 2);
    assert_ne!(hooks[1]["url"], "https://theirs.invalid/");
    assert_eq!(deliveries(&app, &token, "dead").await.len(), 1);
}

async fn a_dead_letter_is_retried_once_however_often_it_is_asked(backend: Backend) {
    let (app, demo, token) = app(backend).await;
    let (receiver, dead) = dead_letter(&app, &token).await;
    let mut admin = Visitor::new(&app);
    admin.log_in(&demo.county_admin).await;
    let page = admin.get(DELIVERIES).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(element(&page, "backlog-dead").unwrap().ends_with(">1"));
    assert!(element(&page, "backlog-pending").unwrap().ends_with(">0"));
    let row = element(&page, &format!("retry-{dead}"));
    assert!(row.is_some(), "a retry form for the dead letter");
    assert!(page.html.contains("推送接口") && page.html.contains("提交诉求"));
    assert!(page.html.contains("500"), "its last error is shown");

    let retry = format!("{DELIVERIES}/{dead}/retry");
    let csrf = page.csrf();
    let retried = admin.post(&retry, &[("csrf", &csrf)]).await;
    assert_eq!(retried.status, 303, "{}", retried.html);
    assert_eq!(retried.location(), "/console/deliveries?done=retried");
    let page = admin.get(retried.location()).await;
    assert!(page.html.contains("已重新排队"));
    assert!(element(&page, "backlog-pending").unwrap().ends_with(">1"));
    assert!(element(&page, "backlog-dead").unwrap().ends_with(">0"));
    assert!(element(&page, "dead-empty").is_some());
    assert!(page.html.contains("最早一条写入于"), "the oldest's age");

    let again = admin.post(&retry, &[("csrf", &csrf)]).await;
    assert_eq!(again.status, 409, "{}", again.html);
    assert!(again.html.contains("已经重新投递过了"));

    app.dispatch().await;
    let received = receiver.received_requests().await.unwrap();
    assert_eq!(received.len(), 2, "one failure, then one delivery: not two");
    assert_eq!(deliveries(&app, &token, "delivered").await.len(), 1);
    let after = admin.post(&retry, &[("csrf", &csrf)]).await;
    assert_eq!(after.status, 409, "a delivered message is not sent again");
    app.dispatch().await;
    assert_eq!(receiver.received_requests().await.unwrap().len(), 2);
    assert_eq!(
        admin
            .post(&format!("{DELIVERIES}/999999/retry"), &[("csrf", &csrf)])
            .await
            .status,
        404
    );
}

/// Ticks the box `css` selects: a click that leads to no other page.
async fn tick(browser: &Browser, css: &str) {
    browser
        .run(
            "document.querySelector(arguments[0]).click();",
            vec![json!(css)],
        )
        .await;
}

async fn in_the_browser_a_county_admin_creates_a_webhook_and_retries_a_dead_letter(
    backend: Backend,
) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let (app, demo, token) = app(backend.clone()).await;
    let (_receiver, dead) = dead_letter(&app, &token).await;
    let shot = |page: &str| format!("{page}-{}", name(&backend));

    log_in(&browser, &app, &demo.county_admin, HOOKS).await;
    assert_eq!(browser.path().await, HOOKS);
    assert!(browser.has("#webhooks").await, "the dead letter's webhook");
    browser.shoot(&shot("webhooks")).await;

    let url = "https://12345.xiping.invalid/in";
    browser.fill("#webhook-url", url).await;
    tick(&browser, "#event-submitted").await;
    tick(&browser, "#event-escalated").await;
    browser.click("#webhook-submit").await;
    assert_eq!(browser.path().await, HOOKS);
    let secret = browser.text("#webhook-secret-value").await;
    assert_eq!(secret.len(), 64, "{secret}");
    assert!(browser.text("#webhook-secret").await.contains(url));
    browser.shoot(&shot("webhook-created")).await;
    browser.goto(&app.url(HOOKS)).await;
    assert!(!browser.has("#webhook-secret").await, "shown once");
    assert_eq!(listed(&app, &token).await.len(), 2);

    browser
        .click("nav.side a[href='/console/deliveries']")
        .await;
    assert_eq!(browser.path().await, DELIVERIES);
    assert_eq!(browser.text("#backlog-dead .count").await, "1");
    browser.shoot(&shot("deliveries")).await;
    browser
        .click(&format!("#retry-{dead} button[type='submit']"))
        .await;
    assert!(browser
        .text("#deliveries-notice")
        .await
        .contains("已重新排队"));
    assert_eq!(browser.text("#backlog-pending .count").await, "1");
    assert!(browser.has("#dead-empty").await);
    browser.close().await;
}

//! The organisation's pages over HTTP: regions, stations, deputies, departments and
//! categories, accounts. Each form answers a bad value with the form again (the value kept,
//! the message by the field), and each role reaches only what the domain lets it.

use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend};
use serde_json::Value;

use crate::browser::{log_in, name};
use crate::Visitor;

on_every_backend!(
    a_county_admin_builds_the_organisation_from_the_console,
    a_station_admin_reaches_only_its_own_stations_deputies_and_accounts,
    deputies_and_handlers_get_no_organisation_form,
    an_organisation_form_without_its_token_changes_nothing,
    in_the_browser_admins_run_the_organisation_and_see_nothing_of_another_station,
    a_deputy_reads_the_rosters_of_their_own_stations_and_changes_none,
    a_form_that_creates_does_so_once_however_often_it_is_posted,
);

/// The value that makes a creating form's second post do nothing.
fn once_of(html: &str) -> String {
    let marker = "name=\"once\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no once in {html}"))
        + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

/// The id of the item of `list` named `name`.
fn id_named(list: &Value, name: &str) -> i64 {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {list}"))["id"]
        .as_i64()
        .unwrap()
}

async fn a_county_admin_builds_the_organisation_from_the_console(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.county_admin).await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.county_admin).await;

    // Regions: the tree, and a village added under a township; a bad code comes back by it.
    let regions = visitor.get("/console/regions").await;
    assert_eq!(regions.status, 200, "{}", regions.html);
    for name in ["西平县", "出山镇", "棠溪村"] {
        assert!(regions.html.contains(name), "{name}: {}", regions.html);
    }
    let csrf = regions.csrf();
    let county = app.me(&admin).await["scopes"]["county_id"].clone();
    let listed = app
        .get(
            &format!("/api/v1/regions?county_id={county}&limit=100"),
            None,
        )
        .await
        .expect(200)
        .body;
    let township = id_named(&listed, "出山镇").to_string();
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("name", "新村"),
        ("level", "village"),
        ("parent_id", township.as_str()),
        ("code", "9X"),
    ];
    let again = visitor.post("/console/regions", &form).await;
    assert_eq!(again.status, 422, "{}", again.html);
    assert!(
        again.html.contains("id=\"region-code-error\""),
        "{}",
        again.html
    );
    assert!(again.html.contains("value=\"新村\""), "typed name kept");
    form[4].1 = "";
    let done = visitor.post("/console/regions", &form).await;
    assert_eq!(done.status, 303, "{}", done.html);
    let tree = visitor.get(done.location()).await;
    assert!(tree.html.contains("新村") && tree.html.contains("已保存"));

    // Stations: a new one (an empty name is by its field), then its hours changed.
    let new_station = visitor.get("/console/stations/new").await;
    assert_eq!(new_station.status, 200, "{}", new_station.html);
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("name", ""),
        ("kind", "point"),
        ("region_id", township.as_str()),
        ("address", "出山镇新街1号"),
        ("opening_hours", "每周三上午"),
    ];
    let again = visitor.post("/console/stations/new", &form).await;
    assert_eq!(again.status, 422, "{}", again.html);
    assert!(again.html.contains("id=\"station-name-error\""));
    assert!(again.html.contains("value=\"出山镇新街1号\""));
    form[1].1 = "出山镇新街联络点";
    let done = visitor.post("/console/stations/new", &form).await;
    assert_eq!(done.status, 303, "{}", done.html);
    let stations = app
        .get(
            &format!("/api/v1/stations?county_id={county}&limit=100"),
            None,
        )
        .await
        .expect(200)
        .body;
    let station = id_named(&stations, "出山镇新街联络点");
    let path = format!("/console/stations/{station}/edit");
    let edit = visitor.get(&path).await;
    assert!(edit.html.contains("value=\"每周三上午\""), "{}", edit.html);
    form[5].1 = "";
    let done = visitor.post(&path, &form).await;
    assert_eq!(done.status, 303, "{}", done.html);
    let stored = app
        .get(&format!("/api/v1/stations/{station}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(
        stored["opening_hours"],
        Value::Null,
        "emptied, it is removed"
    );
    assert_eq!(stored["kind"], "point");

    // Departments and categories, with the domain's limits by their fields.
    let departments = visitor.get("/console/departments").await;
    assert_eq!(departments.status, 200, "{}", departments.html);
    let form = [("csrf", csrf.as_str()), ("name", "县档案局")];
    assert_eq!(
        visitor.post("/console/departments", &form).await.status,
        303
    );
    let again = visitor.post("/console/departments", &form).await;
    assert_eq!(again.status, 422, "a second of that name: {}", again.html);
    assert!(again.html.contains("id=\"department-name-error\""));
    let listed = app
        .get(
            &format!("/api/v1/departments?county_id={county}&limit=100"),
            None,
        )
        .await
        .expect(200)
        .body;
    let water = id_named(&listed, "县档案局").to_string();
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("name", "档案查询"),
        ("department_id", water.as_str()),
        ("respond_within_hours", "72"),
        ("resolve_within_days", "2"),
    ];
    let again = visitor.post("/console/categories", &form).await;
    assert_eq!(again.status, 422, "{}", again.html);
    assert!(
        again.html.contains("响应时限不能超过办结时限"),
        "{}",
        again.html
    );
    assert!(again.html.contains("value=\"72\""));
    form[4].1 = "10";
    assert_eq!(visitor.post("/console/categories", &form).await.status, 303);
    let page = visitor.get("/console/departments").await;
    assert!(page.html.contains("档案查询") && page.html.contains("县档案局"));

    // A deputy at the new station, then moved; then an account for them.
    let station = station.to_string();
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("name", "钱文华"),
        ("level", "township"),
        ("station_ids", station.as_str()),
        ("office_hours", ""),
        ("public_contact", ""),
        ("photo_url", "ftp://photo"),
    ];
    let again = visitor.post("/console/deputies/new", &form).await;
    assert_eq!(again.status, 422, "{}", again.html);
    assert!(again.html.contains("id=\"deputy-photo_url-error\""));
    assert!(
        again.html.contains(&format!("value=\"{station}\" checked")),
        "the station stays ticked: {}",
        again.html
    );
    form[6].1 = "";
    assert_eq!(
        visitor.post("/console/deputies/new", &form).await.status,
        303
    );
    let listed = app
        .get(&format!("/api/v1/deputies?station_id={station}"), None)
        .await
        .expect(200)
        .body;
    let deputy = id_named(&listed, "钱文华");
    let directory = visitor
        .get(&format!("/console/deputies?station={station}"))
        .await;
    assert!(directory.html.contains("钱文华"), "{}", directory.html);
    assert!(!directory.html.contains("王秀英"), "filtered by station");
    let path = format!("/console/deputies/{deputy}");
    form[1].1 = "钱文华";
    form[3].1 = "1";
    form[4].1 = "每周五下午";
    assert_eq!(visitor.post(&path, &form).await.status, 303);
    let stored = app
        .get(&format!("/api/v1/deputies/{deputy}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(stored["station_ids"], serde_json::json!([1]));
    assert_eq!(stored["office_hours"], "每周五下午");

    let form_page = visitor.get("/console/accounts/new").await;
    assert_eq!(form_page.status, 200, "{}", form_page.html);
    let deputy = deputy.to_string();
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("role", "deputy"),
        ("name", "钱文华"),
        ("phone", "1390000"),
        ("password", "long enough 1"),
        ("deputy_id", deputy.as_str()),
    ];
    let again = visitor.post("/console/accounts/new", &form).await;
    assert_eq!(again.status, 422, "{}", again.html);
    assert!(again.html.contains("id=\"account-phone-error\""));
    assert!(
        !again.html.contains("long enough 1"),
        "no password sent back"
    );
    form[3].1 = "13900009999";
    let done = visitor.post("/console/accounts/new", &form).await;
    assert_eq!(done.status, 303, "{}", done.html);
    assert!(visitor
        .get(done.location())
        .await
        .html
        .contains("账号已创建"));
    let mut newcomer = Visitor::new(&app);
    let login = newcomer
        .log_in_with("13900009999", "long enough 1", "/console")
        .await;
    assert_eq!(login.status, 303, "the new account logs in: {}", login.html);
    let home = newcomer.get("/console").await;
    assert!(home.html.contains("钱文华") && home.html.contains("人大代表"));
    // A second account with that phone is by the phone field.
    form[5].1 = "";
    form[1].1 = "county_admin";
    let again = visitor.post("/console/accounts/new", &form).await;
    assert_eq!(again.status, 422, "{}", again.html);
    assert!(
        again.html.contains("id=\"account-phone-error\""),
        "{}",
        again.html
    );
}

async fn a_station_admin_reaches_only_its_own_stations_deputies_and_accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    // The second demo station admin runs station 2 only.
    visitor.log_in(&demo.other_station_admin).await;
    let home = visitor.get("/console").await;
    let csrf = home.csrf();

    assert_eq!(visitor.get("/console/stations/new").await.status, 403);
    assert_eq!(visitor.get("/console/stations/1/edit").await.status, 403);
    assert_eq!(visitor.get("/console/stations/2/edit").await.status, 200);
    assert_eq!(visitor.get("/console/stations/999/edit").await.status, 404);
    let before = app.get("/api/v1/stations/1", None).await.expect(200).body;
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "改名"),
        ("kind", "station"),
        ("region_id", "1"),
        ("address", "别处"),
        ("opening_hours", ""),
    ];
    assert_eq!(
        visitor.post("/console/stations/1/edit", &form).await.status,
        403
    );
    assert_eq!(
        visitor.post("/console/stations/new", &form).await.status,
        403
    );
    let after = app.get("/api/v1/stations/1", None).await.expect(200).body;
    assert_eq!(before, after);

    // Deputies: the directory is the county's, but only those of station 2 are editable.
    let directory = visitor.get("/console/deputies").await;
    assert!(directory.html.contains("王秀英"), "deputies are public");
    let station_one_only = id_named(
        &app.get("/api/v1/deputies?station_id=1&limit=100", None)
            .await
            .expect(200)
            .body,
        "王秀英",
    );
    assert!(!directory
        .html
        .contains(&format!("href=\"/console/deputies/{station_one_only}\"")));
    let path = format!("/console/deputies/{station_one_only}");
    assert_eq!(visitor.get(&path).await.status, 403);

    // Accounts: only its own station is offered, and another station is refused.
    let accounts = visitor.get("/console/accounts/new").await;
    assert_eq!(accounts.status, 200, "{}", accounts.html);
    assert!(accounts.html.contains("name=\"station_ids\" value=\"2\""));
    assert!(!accounts.html.contains("name=\"station_ids\" value=\"1\""));
    assert!(
        !accounts.html.contains("value=\"handler\""),
        "no handler role offered"
    );
    assert!(!accounts.html.contains("value=\"county_admin\""));
    assert!(
        !accounts.html.contains("王秀英"),
        "a deputy of station 1 only"
    );
    let forged = [
        ("csrf", csrf.as_str()),
        ("role", "station_admin"),
        ("name", "越权"),
        ("phone", "13900008888"),
        ("password", "long enough 1"),
        ("station_ids", "1"),
    ];
    let refused = visitor.post("/console/accounts/new", &forged).await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    let login = app
        .post(
            "/api/v1/auth/password",
            None,
            serde_json::json!({"phone": "13900008888", "password": "long enough 1"}),
        )
        .await;
    assert_eq!(login.status, 401, "no account was opened");

    // Regions and departments: read, no forms, and a forged post refused.
    let regions = visitor.get("/console/regions").await;
    assert_eq!(regions.status, 200);
    assert!(!regions.html.contains("action=\"/console/regions\""));
    let departments = visitor.get("/console/departments").await;
    assert!(!departments.html.contains("action=\"/console/departments\""));
    let form = [("csrf", csrf.as_str()), ("name", "越权局")];
    assert_eq!(
        visitor.post("/console/departments", &form).await.status,
        403
    );
}

async fn deputies_and_handlers_get_no_organisation_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    for phone in [&demo.deputy, &demo.handler] {
        let mut visitor = Visitor::new(&app);
        visitor.log_in(phone).await;
        let home = visitor.get("/console").await;
        assert!(home.html.contains("href=\"/console/deputies\""));
        for link in [
            "/console/regions",
            "/console/departments",
            "/console/accounts/new",
        ] {
            assert!(!home.html.contains(&format!("href=\"{link}\"")), "{link}");
        }
        for page in [
            "/console/accounts/new",
            "/console/deputies/new",
            "/console/stations/new",
            "/console/stations/1/edit",
        ] {
            assert_eq!(visitor.get(page).await.status, 403, "{page}");
        }
        let directory = visitor.get("/console/deputies").await;
        assert_eq!(directory.status, 200);
        assert!(!directory.html.contains("href=\"/console/deputies/new\""));
        let csrf = home.csrf();
        let form = [("csrf", csrf.as_str()), ("name", "越权局")];
        assert_eq!(
            visitor.post("/console/departments", &form).await.status,
            403
        );
    }
}

async fn an_organisation_form_without_its_token_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.county_admin).await;
    let form = [
        ("name", "无令牌联络站"),
        ("kind", "station"),
        ("region_id", "1"),
        ("address", "某处"),
    ];
    for path in [
        "/console/stations/new",
        "/console/departments",
        "/console/regions",
    ] {
        let refused = visitor.post(path, &form).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.html);
    }
    let stations = app
        .get("/api/v1/stations?limit=100", None)
        .await
        .expect(200)
        .body;
    assert!(!stations.to_string().contains("无令牌联络站"));
}

async fn a_form_that_creates_does_so_once_however_often_it_is_posted(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.county_admin).await;
    let page = visitor.get("/console/stations/new").await;
    let (csrf, once) = (page.csrf(), once_of(&page.html));
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("once", once.as_str()),
        ("name", ""),
        ("kind", "station"),
        ("region_id", "1"),
        ("address", "县城大街1号"),
    ];
    // Refused, the claim is let go: the same form, corrected, is done.
    assert_eq!(
        visitor.post("/console/stations/new", &form).await.status,
        422
    );
    form[2].1 = "只建一次联络站";
    for _ in 0..3 {
        let answer = visitor.post("/console/stations/new", &form).await;
        assert_eq!(answer.status, 303, "{}", answer.html);
        assert_eq!(answer.location(), "/console/stations?done=1");
    }
    let stations = app
        .get("/api/v1/stations?limit=100", None)
        .await
        .expect(200)
        .body
        .to_string();
    assert_eq!(stations.matches("只建一次联络站").count(), 1, "{stations}");

    // A department posted twice: the second is not "that name is taken", it is done.
    let page = visitor.get("/console/departments").await;
    let once = once_of(&page.html);
    let form = [
        ("csrf", csrf.as_str()),
        ("once", once.as_str()),
        ("name", "县统计局"),
    ];
    for _ in 0..2 {
        let answer = visitor.post("/console/departments", &form).await;
        assert_eq!(answer.status, 303, "{}", answer.html);
    }
    // Another session's post of the same value is its own.
    let mut other = Visitor::new(&app);
    other.log_in(&demo.county_admin).await;
    let other_csrf = other.get("/console").await.csrf();
    let form = [
        ("csrf", other_csrf.as_str()),
        ("once", once.as_str()),
        ("name", "县统计局"),
    ];
    let answer = other.post("/console/departments", &form).await;
    assert_eq!(
        answer.status, 422,
        "done by the first session, taken for this one"
    );
}

async fn a_deputy_reads_the_rosters_of_their_own_stations_and_changes_none(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let deputy = app.login(&demo.deputy).await;
    let seats: Vec<i64> = app.me(&deputy).await["scopes"]["station_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_i64().unwrap())
        .collect();
    let own = seats[0];
    let other = (1..=4).find(|id| !seats.contains(id)).unwrap();
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.deputy).await;
    let list = visitor.get("/console/stations").await;
    assert!(
        list.html.contains(&format!("data-station-id=\"{own}\"")),
        "{}",
        list.html
    );
    assert!(!list.html.contains(&format!("data-station-id=\"{other}\"")));
    assert!(!list.html.contains("/edit\""), "a deputy edits no station");
    let roster = visitor
        .get(&format!("/console/stations/{own}/roster"))
        .await;
    assert_eq!(roster.status, 200, "{}", roster.html);
    assert!(roster.html.contains("id=\"roster\""));
    assert!(
        !roster.html.contains("/roster/shifts"),
        "no form: {}",
        roster.html
    );
    let path = format!("/console/stations/{other}/roster");
    assert_eq!(visitor.get(&path).await.status, 403);
    let csrf = list.csrf();
    let day = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"].to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("week", day.as_str()),
        ("day", day.as_str()),
        ("deputy_id", deputy_id.as_str()),
        ("starts", "20:00"),
        ("ends", "21:00"),
    ];
    let path = format!("/console/stations/{own}/roster/shifts");
    assert_eq!(visitor.post(&path, &form).await.status, 403);

    let mut handler = Visitor::new(&app);
    handler.log_in(&demo.handler).await;
    let path = format!("/console/stations/{own}/roster");
    assert_eq!(handler.get(&path).await.status, 403);
}

async fn in_the_browser_admins_run_the_organisation_and_see_nothing_of_another_station(
    backend: Backend,
) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let shoot = |page: &str| format!("{page}-{}", name(&backend));

    log_in(&browser, &app, &demo.county_admin, "/console/regions").await;
    assert!(browser.text("#regions").await.contains("出山镇"));
    browser.fill("#region-name", "试点村").await;
    browser.select("#region-level", "village").await;
    let township = browser
        .attr("#region-parent_id option:nth-child(3)", "value")
        .await;
    browser.select("#region-parent_id", &township).await;
    browser.fill("#region-code", "1").await;
    browser.click("#region button[type='submit']").await;
    assert!(browser.has("#region-code-error").await);
    assert_eq!(
        browser.value("#region-name").await,
        "试点村",
        "kept as typed"
    );
    browser.shoot(&shoot("regions-error")).await;
    browser.fill("#region-code", "").await;
    browser.click("#region button[type='submit']").await;
    assert!(browser.text("#regions").await.contains("试点村"));
    browser.shoot(&shoot("regions")).await;

    browser.click("nav.side a[href='/console/stations']").await;
    browser.click("#station-new").await;
    browser.fill("#station-name", "试点联络点").await;
    browser.select("#station-kind", "point").await;
    browser.select("#station-region_id", &township).await;
    browser.shoot(&shoot("station-new")).await;
    browser.click("#station button[type='submit']").await;
    assert!(
        browser.has("#station-address-error").await,
        "the address is required"
    );
    browser.fill("#station-address", "试点村村委会").await;
    browser.click("#station button[type='submit']").await;
    assert!(browser.text("#stations").await.contains("试点联络点"));
    browser.shoot(&shoot("stations-admin")).await;
    browser
        .click("#stations tr:last-child a[href$='/edit']")
        .await;
    assert_eq!(browser.value("#station-name").await, "试点联络点");
    browser.shoot(&shoot("station-edit")).await;

    browser.click("nav.side a[href='/console/deputies']").await;
    assert!(browser.has("#deputies").await);
    browser.shoot(&shoot("deputies")).await;
    browser.click("#deputy-new").await;
    browser.fill("#deputy-name", "试点代表").await;
    browser.select("#deputy-level", "township").await;
    browser.tick("input[name='station_ids'][value='1']").await;
    browser.click("#deputy button[type='submit']").await;
    assert!(browser.text("#deputies").await.contains("试点代表"));
    browser.click("#deputies tr:last-child a").await;
    assert!(browser.path().await.starts_with("/console/deputies/"));
    browser.shoot(&shoot("deputy-edit")).await;

    browser
        .click("nav.side a[href='/console/departments']")
        .await;
    assert!(browser.has("#categories").await);
    browser.shoot(&shoot("departments")).await;

    browser
        .click("nav.side a[href='/console/accounts/new']")
        .await;
    browser.select("#account-role", "station_admin").await;
    browser.fill("#account-name", "试点站长").await;
    browser.fill("#account-phone", "1390000").await;
    browser.fill("#account-password", "long enough 1").await;
    browser.tick("input[name='station_ids'][value='2']").await;
    browser.click("#account button[type='submit']").await;
    assert!(browser.has("#account-phone-error").await);
    assert_eq!(
        browser.value("#account-password").await,
        "",
        "never sent back"
    );
    browser.shoot(&shoot("account-error")).await;
    browser.fill("#account-phone", "13900007777").await;
    browser.fill("#account-password", "long enough 1").await;
    browser.click("#account button[type='submit']").await;
    assert!(browser.text("main").await.contains("账号已创建"));
    browser.shoot(&shoot("account-new")).await;
    browser.click("form.logout button").await;

    // Station 2's admin: no station, roster or account choice of station 1, by page or URL.
    log_in(
        &browser,
        &app,
        &demo.other_station_admin,
        "/console/stations",
    )
    .await;
    assert!(!browser.has("#stations tr[data-station-id='1']").await);
    assert!(browser.has("#stations tr[data-station-id='2']").await);
    assert!(!browser.has("nav.side a[href='/console/webhooks']").await);
    for path in ["/console/stations/1/roster", "/console/stations/1/edit"] {
        browser.goto(&app.url(path)).await;
        assert!(browser.has("#error-message").await, "{path}");
    }
    browser.goto(&app.url("/console/accounts/new")).await;
    assert!(browser.has("input[name='station_ids'][value='2']").await);
    assert!(!browser.has("input[name='station_ids'][value='1']").await);
    assert!(
        !browser
            .has("#account-role option[value='county_admin']")
            .await
    );
    browser.close().await;
}

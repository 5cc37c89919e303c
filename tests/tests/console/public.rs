//! The public station page `/s/{scene}` (the card, who is on duty, the deputies, and the way
//! into the mini-program: WeChat's URL link, or how to scan when there is none) and the
//! station poster of the console (its print page and its PNG), over HTTP and in Chromium.

use std::path::Path;
use std::time::Duration;

use liaison_api::settings::Settings;
use liaison_domain::scene::SceneKind;
use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, spawn_app_with, Backend, TestApp};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::browser::{log_in, name};
use crate::Visitor;

on_every_backend!(
    the_station_page_shows_the_card_who_is_on_duty_and_the_deputies_and_no_phone,
    with_wechat_the_page_opens_the_mini_program_by_a_url_link_made_once,
    a_failing_or_slow_wechat_leaves_the_page_with_the_explanation,
    forged_and_unknown_scenes_are_not_found,
    the_station_page_shows_the_next_reception_day,
    the_station_admin_gets_the_print_page_and_the_list_links_to_it,
    with_wechat_the_poster_carries_wechats_code,
    another_stations_poster_is_403_and_an_unknown_one_404,
    the_poster_png_is_one_a4_png,
    without_its_font_the_png_is_a_503_page_and_the_print_page_still_works,
    the_station_page_in_a_browser,
    the_board_from_the_station_page_in_a_browser,
    the_poster_print_page_in_a_browser,
);

const APPID: &str = "wx0123456789abcdef";
const SECRET: &str = "the-app-secret-of-the-test";
const LINK: &str = "https://wxaurl.cn/Station1Link";
const STATION: &str = "柏城街道人大代表联络站";
const DEPUTIES: [&str; 4] = ["王秀英", "李建国", "刘桂兰", "杨卫东"];
/// 刘桂兰's published contact: the mini-program shows it, this page does not.
const PUBLIC_CONTACT: &str = "13800000112";
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const POSTER_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

fn use_wechat(settings: &mut Settings, server: &MockServer) {
    settings.wechat.appid = Some(APPID.to_owned());
    settings.wechat.secret = Some(SecretString::from(SECRET));
    settings.wechat.api_base = server.uri();
}

/// A WeChat mock handing out the access token `ACCESS-1`.
async fn wechat() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "ACCESS-1", "expires_in": 7200})),
        )
        .mount(&server)
        .await;
    server
}

fn generate_urllink() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/wxa/generate_urllink"))
        .and(query_param("access_token", "ACCESS-1"))
}

fn scene_of(app: &TestApp, station_id: i64) -> String {
    let key = app.settings.stations.scene_secret.expose_secret();
    liaison_domain::scene::sign(SceneKind::Station, station_id, key.as_bytes())
}

/// The station page of `station_id`, read as text.
async fn station_page(app: &TestApp, station_id: i64) -> String {
    let reply = app
        .get(&format!("/s/{}", scene_of(app, station_id)), None)
        .await;
    assert_eq!(reply.status, 200);
    assert!(reply.content_type().starts_with("text/html"));
    String::from_utf8(reply.bytes).unwrap()
}

/// The part of `html` from the element of id `id` to the end of its section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| e + start);
    &html[start..end]
}

/// Whether `text` holds a run of 11 digits, as a mainland mobile number is.
fn holds_a_phone(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 11 {
            return true;
        }
    }
    false
}

async fn deputy_id(app: &TestApp, station_id: i64, name: &str) -> i64 {
    let deputies = app
        .get(&format!("/api/v1/stations/{station_id}/deputies"), None)
        .await
        .expect(200)
        .body;
    deputies
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not at station {station_id}: {deputies}"))["id"]
        .as_i64()
        .unwrap()
}

async fn the_station_page_shows_the_card_who_is_on_duty_and_the_deputies_and_no_phone(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let liu = deputy_id(&app, 1, "刘桂兰").await;
    app.on_duty(&admin, &[liu]).await;
    // She publishes her phone: the directory carries it, so the page had it to leave out.
    let directory = app.get("/api/v1/stations/1/deputies", None).await.body;
    assert!(
        directory.to_string().contains(PUBLIC_CONTACT),
        "{directory}"
    );

    let reply = app.get(&format!("/s/{}", scene_of(&app, 1)), None).await;
    assert_eq!(reply.status, 200);
    let policy = reply.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let html = String::from_utf8(reply.bytes).unwrap();
    let card = section(&html, "station");
    assert!(card.contains(STATION), "{card}");
    assert!(card.contains("西平县柏城街道人民路88号"), "{card}");
    assert!(card.contains("周一至周五 9:00-17:00"), "{card}");

    let on_duty = section(&html, "on-duty");
    assert!(on_duty.contains("刘桂兰"), "{on_duty}");
    assert!(on_duty.contains("县人大代表"), "{on_duty}");
    assert!(!on_duty.contains("王秀英"), "{on_duty}");

    let deputies = section(&html, "deputies");
    for name in DEPUTIES {
        assert!(deputies.contains(name), "{name} missing: {deputies}");
    }
    assert!(deputies.contains("全国人大代表") && deputies.contains("省人大代表"));
    assert!(
        deputies.contains("每月第一个周一 9:00-12:00"),
        "office hours"
    );
    // Another station's deputy is not listed.
    assert!(!html.contains("张丽华"));

    // No phone at all: not the published contact, not a staff account's.
    assert!(!html.contains(PUBLIC_CONTACT));
    assert!(!html.contains(&demo.station_admin));
    assert!(!holds_a_phone(&html), "{html}");

    // Without WeChat: how to get there by scanning, and no button.
    assert!(section(&html, "open").contains("id=\"scan-hint\""));
    assert!(!html.contains("open-mini-program"));
    // No script of any kind; the stylesheet is this server's own, served without a session.
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("href=\"/assets/station.css\""));
    let css = app.get("/assets/station.css", None).await;
    assert_eq!(css.status, 200);
    assert!(css.content_type().starts_with("text/css"));

    // Nobody on duty: said so.
    app.on_duty(&admin, &[]).await;
    let html = station_page(&app, 1).await;
    assert!(section(&html, "on-duty").contains("现在没有代表在岗"));
}

async fn the_station_page_shows_the_next_reception_day(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    // The demo's first station holds market days on Tuesday mornings and Friday afternoons.
    let html = station_page(&app, 1).await;
    let day = section(&html, "reception-day");
    assert!(day.contains("下次接待日"), "{day}");
    let next = day
        .split("id=\"next-reception-day\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no next reception day: {day}"));
    assert!(
        next.contains("08:00–12:00") || next.contains("14:00–17:00"),
        "{next}"
    );
    // Another station has none yet, and says so.
    let html = station_page(&app, 2).await;
    assert!(section(&html, "reception-day").contains("暂未安排接待日"));

    // Its admin sets one for the day after tomorrow: the page shows that day, Beijing time.
    let county = app.login(&demo.county_admin).await;
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let date =
        (chrono::Utc::now().with_timezone(&beijing) + chrono::Duration::days(2)).date_naive();
    app.put(
        "/api/v1/stations/2/reception-days",
        Some(&county),
        json!({"days": [{"date": date.to_string(), "starts": "09:00", "ends": "11:30"}]}),
    )
    .await
    .expect(200);
    let html = station_page(&app, 2).await;
    let day = section(&html, "reception-day");
    assert!(day.contains(&format!("{date} 09:00–11:30")), "{day}");
}

async fn with_wechat_the_page_opens_the_mini_program_by_a_url_link_made_once(backend: Backend) {
    let server = wechat().await;
    generate_urllink()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 0, "errmsg": "ok", "url_link": LINK})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let app = spawn_app_with(backend, |s| use_wechat(s, &server)).await;
    app.seed_demo().await;
    let scene = scene_of(&app, 1);

    for _ in 0..3 {
        let html = station_page(&app, 1).await;
        let open = section(&html, "open");
        assert!(
            open.contains(&format!("id=\"open-mini-program\" href=\"{LINK}\"")),
            "{open}"
        );
        assert!(!open.contains("scan-hint"), "{open}");
        assert!(html.contains(STATION));
    }
    // Asked once (the mock expects one) for the code's page with the station's scene.
    let requests = server.received_requests().await.unwrap();
    let asked: Vec<Value> = requests
        .iter()
        .filter(|r| r.url.path() == "/wxa/generate_urllink")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(asked.len(), 1);
    assert_eq!(
        asked[0],
        json!({
            "path": app.settings.wechat.code_page,
            "query": format!("scene={scene}"),
            "env_version": "release",
            "expire_type": 1,
            "expire_interval": 30,
        })
    );
}

async fn a_failing_or_slow_wechat_leaves_the_page_with_the_explanation(backend: Backend) {
    let server = wechat().await;
    let app = spawn_app_with(backend, |s| {
        use_wechat(s, &server);
        s.wechat.timeout_ms = 500;
    })
    .await;
    app.seed_demo().await;
    // Station 1: WeChat refuses (quota); station 2: WeChat answers too late; station 3: it
    // fails on its side.
    let refusals = [
        (
            1,
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 85400, "errmsg": "url link quota limit"})),
        ),
        (
            2,
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 0, "errmsg": "ok", "url_link": LINK}))
                .set_delay(Duration::from_secs(3)),
        ),
        (3, ResponseTemplate::new(502)),
    ];
    for (station_id, answer) in refusals {
        let query = format!("scene={}", scene_of(&app, station_id));
        generate_urllink()
            .and(body_partial_json(json!({"query": query})))
            .respond_with(answer)
            .mount(&server)
            .await;
    }
    for station_id in 1..=3 {
        let html = station_page(&app, station_id).await;
        let open = section(&html, "open");
        assert!(open.contains("id=\"scan-hint\""), "{station_id}: {open}");
        assert!(!html.contains("open-mini-program"), "{station_id}");
        assert!(section(&html, "deputies").contains("<li>"), "{station_id}");
    }
}

async fn forged_and_unknown_scenes_are_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let forged = liaison_domain::scene::sign(SceneKind::Station, 1, b"not the server's key");
    for scene in [forged, scene_of(&app, 999), "garbage".to_owned()] {
        let reply = app.get(&format!("/s/{scene}"), None).await;
        assert_eq!(reply.status, 404, "{scene}");
    }
}

async fn the_station_admin_gets_the_print_page_and_the_list_links_to_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;

    let list = visitor.get("/console/stations").await;
    assert_eq!(list.status, 200);
    assert!(list.html.contains("href=\"/console/stations/1/poster\""));
    assert!(list
        .html
        .contains("href=\"/console/stations/1/poster.png\""));

    let page = visitor.get("/console/stations/1/poster").await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page
        .html
        .contains(&format!("id=\"poster-station\">{STATION}<")));
    // The code is inline, as the plain QR code without WeChat.
    assert!(page
        .html
        .contains("src=\"data:image/png;base64,iVBORw0KGgo"));
    assert!(page.html.contains("周一至周五 9:00-17:00"));
    assert!(page.html.contains(&DEPUTIES.join("、")), "{}", page.html);
    assert!(!page.html.contains(PUBLIC_CONTACT));
    assert!(!page.html.contains("<script"));
    assert_eq!(page.headers["cache-control"], "no-store");
    // The stylesheet lays it out for A4 paper.
    let css = visitor.get("/console/assets/console.css").await;
    assert!(css.html.contains("@page poster") && css.html.contains("@media print"));

    // The county admin runs every station, so prints every poster.
    let mut county = Visitor::new(&app);
    county.log_in(&demo.county_admin).await;
    let page = county.get("/console/stations/3/poster").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("专探村人大代表工作室"));
}

async fn with_wechat_the_poster_carries_wechats_code(backend: Backend) {
    use base64::Engine;
    const JPEG: &[u8] = &[0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    let server = wechat().await;
    Mock::given(method("POST"))
        .and(path("/wxa/getwxacodeunlimit"))
        .and(query_param("access_token", "ACCESS-1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(JPEG, "image/jpeg"))
        .expect(1)
        .mount(&server)
        .await;
    let app = spawn_app_with(backend, |s| use_wechat(s, &server)).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    let page = visitor.get("/console/stations/1/poster").await;
    assert_eq!(page.status, 200, "{}", page.html);
    let inline = base64::engine::general_purpose::STANDARD.encode(JPEG);
    assert!(
        page.html
            .contains(&format!("src=\"data:image/jpeg;base64,{inline}\"")),
        "{}",
        page.html
    );
}

async fn another_stations_poster_is_403_and_an_unknown_one_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.other_station_admin).await;
    for path in [
        "/console/stations/1/poster",
        "/console/stations/1/poster.png",
    ] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, 403, "{path}");
        assert!(page.html.contains("id=\"error-message\""), "{path}");
        assert!(!page.html.contains(STATION), "{path}");
    }
    for path in [
        "/console/stations/999/poster",
        "/console/stations/999/poster.png",
        "/console/stations/abc/poster",
    ] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.html.contains("id=\"error-message\""), "{path}");
    }
    // No session: the login page first.
    let mut stranger = Visitor::new(&app);
    let page = stranger.get("/console/stations/1/poster").await;
    assert_eq!(page.status, 303);
    assert!(page.location().starts_with("/console/login"));
}

/// Whether the poster's font is on this machine: the PNG tests skip without it, saying so,
/// except where the browser's packages (fonts-noto-cjk among them) are required.
fn font_installed() -> bool {
    if Path::new(POSTER_FONT).exists() {
        return true;
    }
    let missing = format!("{POSTER_FONT} is missing (apt-get install fonts-noto-cjk)");
    if std::env::var_os("LIAISON_TEST_REQUIRE_BROWSER").is_some() {
        panic!("LIAISON_TEST_REQUIRE_BROWSER is set but {missing}");
    }
    eprintln!("poster PNG test skipped: {missing}");
    false
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], PNG_SIGNATURE, "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

async fn the_poster_png_is_one_a4_png(backend: Backend) {
    if !font_installed() {
        return;
    }
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    let cookie = visitor.cookie_header();
    let response = app
        .client
        .get(app.url("/console/stations/1/poster.png"))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    let bytes = response.bytes().await.unwrap();
    let (width, height) = png_size(&bytes);
    // A4's proportions at 150 dpi, longer if the text needs it.
    assert_eq!(width, 1240);
    assert!(height >= 1754, "{width}x{height}");
}

async fn without_its_font_the_png_is_a_503_page_and_the_print_page_still_works(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.console.poster_font = "/nonexistent/fonts/NotoSansCJK-Regular.ttc".into();
    })
    .await;
    let demo = app.seed_demo().await;
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    let page = visitor.get("/console/stations/1/poster.png").await;
    assert_eq!(page.status, 503);
    assert!(page.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(page.html.contains("海报字体未安装"), "{}", page.html);
    assert!(
        page.html
            .contains("console.poster_font = /nonexistent/fonts/NotoSansCJK-Regular.ttc"),
        "{}",
        page.html
    );
    let print = visitor.get("/console/stations/1/poster").await;
    assert_eq!(print.status, 200);
    assert!(print.html.contains(STATION));
}

async fn the_station_page_in_a_browser(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = wechat().await;
    generate_urllink()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 0, "errmsg": "ok", "url_link": LINK})),
        )
        .mount(&server)
        .await;
    let app = spawn_app_with(backend.clone(), |s| use_wechat(s, &server)).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let wang = deputy_id(&app, 1, "王秀英").await;
    app.on_duty(&admin, &[wang]).await;

    browser
        .goto(&app.url(&format!("/s/{}", scene_of(&app, 1))))
        .await;
    assert_eq!(browser.text("#station h1").await, STATION);
    assert!(browser.text("#on-duty").await.contains("王秀英"));
    assert!(browser.text("#deputies").await.contains("杨卫东"));
    assert_eq!(browser.attr("#open-mini-program", "href").await, LINK);
    // Its own stylesheet applied (the CSP lets only this server's in): the link is a button.
    browser
        .run(
            "if (getComputedStyle(document.querySelector('#open-mini-program')).display !== 'block') \
             throw new Error('the stylesheet did not apply');",
            vec![],
        )
        .await;
    browser
        .shoot(&format!("station-page-{}", name(&backend)))
        .await;
    browser.close().await;
}

/// A resident follows the station page's link to its public board: this year's months in a
/// table, the deputies' work summary, and no phone anywhere on it.
async fn the_board_from_the_station_page_in_a_browser(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    app.seed_demo().await;
    browser
        .goto(&app.url(&format!("/s/{}", scene_of(&app, 1))))
        .await;
    browser.click("#board-link").await;
    assert_eq!(browser.path().await, "/s/1/board");
    assert!(browser.text("#board h1").await.contains(STATION));
    let today = liaison_domain::clock::local_day(chrono::Utc::now());
    let months = browser.text("#board-months tbody").await;
    assert!(
        months.contains(&today.format("%Y-%m").to_string()),
        "{months}"
    );
    let deputies = browser.text("#board-deputies").await;
    assert!(deputies.contains("王秀英"), "{deputies}");
    assert!(
        deputies.contains("参加活动") && deputies.contains("述职"),
        "the registers' counts: {deputies}"
    );
    assert!(!holds_a_phone(&browser.text("main").await));
    browser
        .shoot(&format!("station-board-{}", name(&backend)))
        .await;
    browser.close().await;
}

async fn the_poster_print_page_in_a_browser(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    log_in(&browser, &app, &demo.station_admin, "/console/stations").await;
    assert_eq!(browser.path().await, "/console/stations");
    browser
        .click("tr[data-station-id='1'] a.poster-print")
        .await;
    assert_eq!(browser.path().await, "/console/stations/1/poster");
    assert_eq!(browser.text("#poster-station").await, STATION);
    assert!(browser
        .attr("#poster-code", "src")
        .await
        .starts_with("data:image/png;base64,"));
    browser
        .run(
            "const code = document.querySelector('#poster-code'); \
             if (!code.complete || code.naturalWidth === 0) throw new Error('the code did not load');",
            vec![],
        )
        .await;
    // On paper, the sheet alone: the links and the hint are not printed.
    browser
        .run(
            "const rule = [...document.styleSheets].flatMap(s => [...s.cssRules]) \
               .find(r => r.media && r.media.mediaText === 'print'); \
             if (!rule || !rule.cssText.includes('.poster-tools')) throw new Error('no print rules');",
            vec![],
        )
        .await;
    browser.shoot(&format!("poster-{}", name(&backend))).await;
    browser.close().await;
}

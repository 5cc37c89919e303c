//! Deputy groups and attendance in the console: a station's admin keeps its groups at
//! `/console/stations/{id}/groups` and names one on a shift; the roster shows who checked in.

use chrono::{Duration, Utc};
use liaison_tests::browser::Browser;
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use serde_json::json;

use crate::browser::{log_in, name};
use crate::Visitor;

on_every_backend!(
    a_station_admin_keeps_the_deputy_groups_of_a_station,
    others_may_not_see_or_change_a_stations_groups,
    the_roster_shows_attendance_and_lets_a_shift_name_a_group,
    a_roster_shift_may_name_a_group_and_no_single_deputy,
);

/// The ids of the deputies who sit at station 1.
async fn station_deputies(app: &TestApp) -> Vec<i64> {
    let deputies = app
        .get("/api/v1/stations/1/deputies", None)
        .await
        .expect(200)
        .body;
    deputies
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect()
}

async fn a_station_admin_keeps_the_deputy_groups_of_a_station(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let here = station_deputies(&app).await;
    log_in(
        &browser,
        &app,
        &demo.station_admin,
        "/console/stations/1/roster",
    )
    .await;
    browser.click("#groups-link").await;
    assert_eq!(browser.path().await, "/console/stations/1/groups");

    // Without a name: said by the field, what was ticked kept.
    let member = format!("#new-group-deputy_ids input[value='{}']", here[0]);
    browser.tick(&member).await;
    browser.click("#new-group button[type='submit']").await;
    assert!(browser.has("#new-group-name-error").await);
    assert_eq!(browser.attr(&member, "checked").await, "true");
    browser
        .shoot(&format!("groups-error-{}", name(&backend)))
        .await;

    browser.fill("#new-group-name", "第一代表小组").await;
    browser.click("#new-group button[type='submit']").await;
    assert!(browser.text("#groups-notice").await.contains("已保存"));
    let groups = app
        .get(
            "/api/v1/stations/1/groups",
            Some(&app.login(&demo.station_admin).await),
        )
        .await
        .expect(200)
        .body;
    let id = groups[0]["id"].as_i64().unwrap();
    assert_eq!(groups[0]["deputy_ids"], json!([here[0]]));
    assert_eq!(
        browser.value(&format!("#group-{id}-name")).await,
        "第一代表小组"
    );
    browser.shoot(&format!("groups-{}", name(&backend))).await;

    // Renamed, with another member.
    browser.fill(&format!("#group-{id}-name"), "二组").await;
    browser
        .tick(&format!(
            "#group-{id}-deputy_ids input[value='{}']",
            here[1]
        ))
        .await;
    browser
        .click(&format!("#group-{id} form.form button[type='submit']"))
        .await;
    assert!(browser.text("#groups-notice").await.contains("已保存"));
    assert_eq!(browser.value(&format!("#group-{id}-name")).await, "二组");

    // Deleted, it is gone.
    browser.click(&format!("#group-{id}-delete button")).await;
    assert!(!browser.has(&format!("#group-{id}")).await);
    browser.close().await;
}

async fn others_may_not_see_or_change_a_stations_groups(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let id = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "一组"}),
        )
        .await
        .expect(201)
        .id();
    for phone in [&demo.other_station_admin, &demo.handler] {
        log_in(&browser, &app, phone, "/console/stations/1/groups").await;
        assert!(browser.text("#error-message").await.contains("不能"));
        browser
            .shoot(&format!("groups-forbidden-{}", name(&backend)))
            .await;
        browser.goto(&app.url("/console")).await;
        browser.click("form.logout button").await;
    }
    browser.close().await;

    // Nor by a form posted straight at the group.
    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.other_station_admin).await;
    let own = visitor.get("/console/stations/2/groups").await;
    assert_eq!(own.status, 200, "{}", own.html);
    let csrf = own.csrf();
    let rename = visitor
        .post(
            &format!("/console/groups/{id}"),
            &[("csrf", &csrf), ("name", "改名")],
        )
        .await;
    assert_eq!(rename.status, 404);
    let delete = visitor
        .post(&format!("/console/groups/{id}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(delete.status, 404);
    let groups = app
        .get("/api/v1/stations/1/groups", Some(&admin))
        .await
        .expect(200)
        .body;
    assert_eq!(groups[0]["name"], "一组");
}

async fn the_roster_shows_attendance_and_lets_a_shift_name_a_group(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let group = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "第一小组", "deputy_ids": [deputy_id]}),
        )
        .await
        .expect(201)
        .id();
    // A shift that began an hour ago, checked in now: late.
    let now = Utc::now();
    let body = json!({
        // A day either side: the demo's shift of today (09:00 to 17:00) is replaced whatever
        // the hour the test runs at.
        "from": now - Duration::hours(24),
        "to": now + Duration::hours(24),
        "shifts": [{"deputy_id": deputy_id, "starts_at": now - Duration::hours(1), "ends_at": now + Duration::hours(1)}],
    });
    let roster = app
        .put("/api/v1/stations/1/roster", Some(&admin), body)
        .await
        .expect(200)
        .body;
    let shift = roster["shifts"][0]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/shifts/{shift}/check-in"),
        Some(&deputy),
        json!({}),
    )
    .await
    .expect(200);

    let mut visitor = Visitor::new(&app);
    visitor.log_in(&demo.station_admin).await;
    let page = visitor.get("/console/stations/1/roster").await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(&format!("id=\"shift-{shift}-attendance\"")),
        "{}",
        page.html
    );
    // Attendance is each deputy's own: the one who checked in is named beside it.
    let attendance = page
        .html
        .split(&format!("id=\"shift-{shift}-attendance\">"))
        .nth(1)
        .and_then(|rest| rest.split("</span>").next())
        .unwrap_or_default();
    assert!(attendance.contains("刘桂兰 迟到"), "{attendance}");
    assert!(page.html.contains("第一小组"));

    // The shift's form names the group.
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let starts = (now - Duration::hours(1)).with_timezone(&beijing);
    let ends = (now + Duration::hours(1)).with_timezone(&beijing);
    let day = starts.format("%Y-%m-%d").to_string();
    // The form holds a shift within one day: near midnight, the shift is cut at its day's end.
    let (starts, ends) = match ends.date_naive() == starts.date_naive() {
        true => (
            starts.format("%H:%M").to_string(),
            ends.format("%H:%M").to_string(),
        ),
        false => (
            starts.format("%H:%M").to_string().min("23:58".to_owned()),
            "23:59".to_owned(),
        ),
    };
    let csrf = page.csrf();
    let id = deputy_id.to_string();
    let group_id = group.to_string();
    let saved = visitor
        .post(
            &format!("/console/stations/1/roster/shifts/{shift}"),
            &[
                ("csrf", &csrf),
                ("week", &day),
                ("day", &day),
                ("deputy_id", &id),
                ("group_id", &group_id),
                ("starts", &starts),
                ("ends", &ends),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    let read = app
        .get(
            &format!(
                "/api/v1/stations/1/roster?from={}&to={}",
                (now - Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                (now + Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            None,
        )
        .await
        .expect(200)
        .body;
    let stored = read["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["deputy_id"] == deputy_id)
        .cloned()
        .unwrap();
    assert_eq!(stored["group_id"], group, "{read}");

    // A deputy of the station reads the grid with the attendance, without forms.
    let mut reader = Visitor::new(&app);
    reader.log_in(&demo.deputy).await;
    let page = reader.get("/console/stations/1/roster").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("第一小组"));
    assert!(!page.html.contains("/console/stations/1/groups"));
}

async fn a_roster_shift_may_name_a_group_and_no_single_deputy(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(backend.clone()).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let here = station_deputies(&app).await;
    let group = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&admin),
            json!({"name": "第二小组", "deputy_ids": [here[0], here[1]]}),
        )
        .await
        .expect(201)
        .id()
        .to_string();
    // Five weeks on, past the shifts the demo plans.
    let later = (Utc::now() + Duration::weeks(5)).format("%Y-%m-%d");
    log_in(
        &browser,
        &app,
        &demo.station_admin,
        &format!("/console/stations/1/roster?week={later}"),
    )
    .await;
    let monday =
        chrono::NaiveDate::parse_from_str(&browser.attr("#roster", "data-week").await, "%Y-%m-%d")
            .unwrap();
    let day = (monday + Duration::days(2)).format("%Y-%m-%d").to_string();
    let add = format!("#shift-new-{day}");

    // No single deputy and no group: the form again, with the message, what was typed kept.
    assert!(browser
        .text(&format!("{add}-deputy option[value='']"))
        .await
        .contains("不单独排代表"));
    browser.select(&format!("{add}-deputy"), "").await;
    browser.set_value(&format!("{add}-starts"), "09:00").await;
    browser.set_value(&format!("{add}-ends"), "12:00").await;
    browser.click(&format!("{add} button[value='save']")).await;
    let error = browser.text(&format!("{add} p.error")).await;
    assert!(error.contains("代表或代表小组"), "{error}");
    assert_eq!(browser.value(&format!("{add}-starts")).await, "09:00");
    assert!(!browser.has(&format!("#day-{day} form.shift.stored")).await);
    browser
        .shoot(&format!("roster-nobody-{}", name(&backend)))
        .await;

    // The group alone: saved, and the stored row names the group and no deputy.
    browser.select(&format!("{add}-group"), &group).await;
    browser.click(&format!("{add} button[value='save']")).await;
    assert!(browser.text("#roster-notice").await.contains("已保存"));
    let stored = format!("#day-{day} form.shift.stored");
    let id = browser.attr(&stored, "id").await;
    assert_eq!(browser.value(&format!("#{id}-group")).await, group);
    assert_eq!(browser.value(&format!("#{id}-deputy")).await, "");
    browser
        .shoot(&format!("roster-group-only-{}", name(&backend)))
        .await;
    let shift_id = id.trim_start_matches("shift-");
    let from = monday.and_hms_opt(0, 0, 0).unwrap().and_utc() - Duration::days(1);
    let read = app
        .get(
            &format!(
                "/api/v1/stations/1/roster?from={}&to={}",
                from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                (from + Duration::days(9)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            None,
        )
        .await
        .expect(200)
        .body;
    let shift = read["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_i64().map(|id| id.to_string()).as_deref() == Some(shift_id))
        .cloned()
        .unwrap_or_else(|| panic!("no shift {shift_id} in {read}"));
    assert_eq!(shift["deputy_id"], serde_json::Value::Null);
    assert_eq!(shift["group_id"].to_string(), group);
    browser.close().await;

    // A deputy of the station reads the shift by its group's name.
    let mut reader = Visitor::new(&app);
    reader.log_in(&demo.deputy).await;
    let page = reader
        .get(&format!("/console/stations/1/roster?week={later}"))
        .await;
    assert_eq!(page.status, 200);
    let row = page
        .html
        .split(&format!("id=\"shift-{shift_id}\""))
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_else(|| panic!("no shift {shift_id} in {}", page.html));
    assert!(row.contains("第二小组"), "{row}");
    assert!(!row.contains("请选择"), "{row}");
}

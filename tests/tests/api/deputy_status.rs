//! A deputy's status (issue 11, part 6a): a suspended or terminated deputy leaves routing and
//! rosters, and their open cases go back to the station queue, each with an event.

use liaison_tests::{on_every_backend, spawn_app, Backend};
use serde_json::{json, Value};

on_every_backend!(
    suspending_a_deputy_sends_their_cases_back_and_takes_them_off_rosters_and_routing,
    a_deputy_leaves_service_only_with_a_reason_and_by_their_admins,
    term_and_constituency_are_kept_and_cleared,
    the_demo_has_a_suspended_deputy,
    a_shift_ahead_that_names_a_group_is_left_to_it_when_its_deputy_leaves,
);

fn kinds(case: &Value) -> Vec<String> {
    case["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn roster_with(deputy_id: i64) -> Value {
    let now = chrono::Utc::now();
    let hour = chrono::Duration::hours(1);
    json!({"from": now - hour * 12, "to": now + hour * 12, "shifts": [
        {"deputy_id": deputy_id, "starts_at": now + hour, "ends_at": now + hour * 3}
    ]})
}

async fn suspending_a_deputy_sends_their_cases_back_and_takes_them_off_rosters_and_routing(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let duty = app.deputy_on_duty(&demo).await;
    let resident = app.resident("status-resident").await;
    let case_id = app.raise(&resident).await;
    let case_path = format!("/api/v1/cases/{case_id}");
    let case = app.get(&case_path, Some(&duty.admin)).await.expect(200);
    assert_eq!(
        case.body["assignee_id"], duty.deputy_id,
        "routed to the deputy"
    );

    let county = app.login(&demo.county_admin).await;
    let path = format!("/api/v1/deputies/{}", duty.deputy_id);
    let suspended = app
        .patch(
            &path,
            Some(&county),
            json!({"status": "suspended", "status_reason": "外出学习三个月", "status_since": "2026-12-01"}),
        )
        .await
        .expect(200);
    assert_eq!(suspended.body["status"], "suspended");
    assert_eq!(suspended.body["status_reason"], "外出学习三个月");
    assert_eq!(suspended.body["status_since"], "2026-12-01");

    let case = app.get(&case_path, Some(&duty.admin)).await.expect(200);
    assert_eq!(
        case.body["assignee_id"],
        Value::Null,
        "back to the station queue"
    );
    assert_eq!(
        kinds(&case.body).last().map(String::as_str),
        Some("released")
    );
    assert!(app
        .inbox(&duty.admin)
        .await
        .contains(&"released".to_owned()));

    // Routing passes the deputy by: a new case waits in the station queue.
    let next = app.raise(&resident).await;
    let next = app
        .get(&format!("/api/v1/cases/{next}"), Some(&duty.admin))
        .await
        .expect(200);
    assert_eq!(next.body["assignee_id"], Value::Null);
    // Nor can an admin hand the deputy a case or a shift.
    let reassigned = app
        .post(
            &format!("{case_path}/reassign"),
            Some(&duty.admin),
            json!({"deputy_id": duty.deputy_id}),
        )
        .await;
    assert_eq!(reassigned.status, 422, "{}", reassigned.body);
    let rostered = app
        .put(
            "/api/v1/stations/1/roster",
            Some(&duty.admin),
            roster_with(duty.deputy_id),
        )
        .await
        .expect(422);
    assert_eq!(rostered.body["errors"][0]["code"], "not_serving");
    assert_eq!(rostered.fields(), ["shifts[0].deputy_id"]);

    let audit = app.get("/api/v1/audit", Some(&county)).await.expect(200);
    let entry = &audit.body["items"][0];
    assert_eq!(entry["action"], "deputy_status_changed");
    assert_eq!(entry["target_kind"], "deputy");
    assert_eq!(entry["target_id"], duty.deputy_id);

    // Active again: back on rosters.
    app.patch(&path, Some(&county), json!({"status": "active"}))
        .await
        .expect(200);
    app.put(
        "/api/v1/stations/1/roster",
        Some(&duty.admin),
        roster_with(duty.deputy_id),
    )
    .await
    .expect(200);
}

async fn a_deputy_leaves_service_only_with_a_reason_and_by_their_admins(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let duty = app.deputy_on_duty(&demo).await;
    let resident = app.resident("status-refused").await;
    let case_id = app.raise(&resident).await;
    let path = format!("/api/v1/deputies/{}", duty.deputy_id);
    let no_reason = app
        .patch(&path, Some(&duty.admin), json!({"status": "terminated"}))
        .await;
    assert_eq!(no_reason.expect(422).fields(), ["status_reason"]);
    let unknown = app
        .patch(
            &path,
            Some(&duty.admin),
            json!({"status": "retired", "status_reason": "x"}),
        )
        .await;
    assert_eq!(unknown.expect(422).fields(), ["status"]);
    let other = app.login(&demo.other_station_admin).await;
    let by_other = app
        .patch(
            &path,
            Some(&other),
            json!({"status": "terminated", "status_reason": "x"}),
        )
        .await;
    assert_eq!(by_other.status, 403);
    let by_deputy = app
        .patch(
            &path,
            Some(&duty.deputy),
            json!({"status": "terminated", "status_reason": "x"}),
        )
        .await;
    assert_eq!(by_deputy.status, 403);
    // Every refusal left the deputy serving and the case with them.
    let deputy = app.get(&path, None).await.expect(200);
    assert_eq!(deputy.body["status"], "active");
    let case = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&duty.admin))
        .await
        .expect(200);
    assert_eq!(case.body["assignee_id"], duty.deputy_id);
    // The deputy's own station admin may.
    let done = app
        .patch(
            &path,
            Some(&duty.admin),
            json!({"status": "terminated", "status_reason": "辞去代表职务"}),
        )
        .await
        .expect(200);
    assert_eq!(done.body["status"], "terminated");
    assert!(
        done.body["status_since"].is_string(),
        "today when not given"
    );
}

async fn term_and_constituency_are_kept_and_cleared(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county = app.login(&demo.county_admin).await;
    let set = app
        .patch(
            "/api/v1/deputies/1",
            Some(&county),
            json!({"term": "第十八届", "constituency": "柏城街道第三选区"}),
        )
        .await
        .expect(200);
    assert_eq!(set.body["term"], "第十八届");
    assert_eq!(set.body["constituency"], "柏城街道第三选区");
    assert_eq!(set.body["status"], "active", "status untouched");
    let cleared = app
        .patch("/api/v1/deputies/1", Some(&county), json!({"term": null}))
        .await
        .expect(200);
    assert_eq!(cleared.body["term"], Value::Null);
    assert_eq!(cleared.body["constituency"], "柏城街道第三选区");
    let too_long = "届".repeat(300);
    let refused = app
        .patch(
            "/api/v1/deputies/1",
            Some(&county),
            json!({"term": too_long}),
        )
        .await;
    assert_eq!(refused.expect(422).fields(), ["term"]);
}

async fn the_demo_has_a_suspended_deputy(backend: Backend) {
    let app = spawn_app(backend).await;
    app.seed_demo().await;
    let all = app
        .get("/api/v1/deputies?limit=100", None)
        .await
        .expect(200);
    let suspended: Vec<&Value> = all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"] == "suspended")
        .collect();
    assert_eq!(suspended.len(), 1);
    assert!(suspended[0]["status_reason"].is_string());
}

async fn a_shift_ahead_that_names_a_group_is_left_to_it_when_its_deputy_leaves(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let duty = app.deputy_on_duty(&demo).await;
    let member = crate::roster::deputy_at(&app, 1, "王秀英").await;
    let group = app
        .post(
            "/api/v1/stations/1/groups",
            Some(&duty.admin),
            json!({"name": "一组", "deputy_ids": [member]}),
        )
        .await
        .expect(201)
        .id();
    let mut roster = roster_with(duty.deputy_id);
    roster["shifts"][0]["group_id"] = json!(group);
    let lone = roster_with(duty.deputy_id)["shifts"][0].clone();
    let hour = chrono::Duration::hours(1);
    let mut lone_later = lone.clone();
    lone_later["starts_at"] = json!(chrono::Utc::now() + hour * 5);
    lone_later["ends_at"] = json!(chrono::Utc::now() + hour * 6);
    roster["shifts"].as_array_mut().unwrap().push(lone_later);
    let written = app
        .put("/api/v1/stations/1/roster", Some(&duty.admin), roster)
        .await
        .expect(200)
        .body;
    let grouped = written["shifts"][0]["id"].clone();

    let county = app.login(&demo.county_admin).await;
    app.patch(
        &format!("/api/v1/deputies/{}", duty.deputy_id),
        Some(&county),
        json!({"status": "suspended", "status_reason": "外出学习三个月"}),
    )
    .await
    .expect(200);
    // The grouped shift stays, the group's alone; the deputy's own shift ahead is gone.
    let now = chrono::Utc::now();
    let shifts = crate::roster::shifts(&app, 1, now, now + hour * 12).await;
    let shifts = shifts.as_array().unwrap();
    assert_eq!(shifts.len(), 1, "{shifts:?}");
    assert_eq!(shifts[0]["id"], grouped);
    assert_eq!(shifts[0]["deputy_id"], Value::Null);
    assert_eq!(shifts[0]["group_id"], group);
}

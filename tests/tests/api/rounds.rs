//! Rounds of work over HTTP (issue 11, parts 8 and 9): the outcome a resolution records, the
//! re-assignment queue an unsatisfied rating leads to, re-assigning from it, and the deputy's
//! anonymous rating of the department.

use chrono::{Duration, Utc};
use liaison_tests::{on_every_backend, spawn_app, Backend, Reply, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    a_resolution_records_its_outcome_and_the_resident_sees_it,
    a_resolution_without_the_outcome_s_details_changes_nothing,
    an_unsatisfied_case_waits_in_the_queue_and_the_county_re_assigns_it,
    only_the_queue_s_admins_re_assign_and_only_from_the_queue,
    the_deputy_rates_the_department_once_per_round_and_anonymously,
    a_county_says_whose_queue_re_assigns_its_cases,
);

struct World {
    app: TestApp,
    admin: String,
    other_admin: String,
    county_admin: String,
    deputy: String,
    deputy_id: i64,
    handler: String,
    department_id: i64,
}

async fn world(backend: Backend) -> World {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let admin = app.login(&demo.station_admin).await;
    let other_admin = app.login(&demo.other_station_admin).await;
    let county_admin = app.login(&demo.county_admin).await;
    let deputy = app.login(&demo.deputy).await;
    let deputy_id = app.me(&deputy).await["scopes"]["deputy_id"]
        .as_i64()
        .unwrap();
    let handler = app.login(&demo.handler).await;
    let department_id = app.me(&handler).await["scopes"]["department_id"]
        .as_i64()
        .unwrap();
    app.on_duty(&admin, &[deputy_id]).await;
    World {
        app,
        admin,
        other_admin,
        county_admin,
        deputy,
        deputy_id,
        handler,
        department_id,
    }
}

impl World {
    async fn step(&self, token: &str, id: i64, action: &str, body: Value) -> Reply {
        self.app
            .post(&format!("/api/v1/cases/{id}/{action}"), Some(token), body)
            .await
    }

    async fn case(&self, token: &str, id: i64) -> Value {
        self.app
            .get(&format!("/api/v1/cases/{id}"), Some(token))
            .await
            .expect(200)
            .body
    }

    /// A case the deputy accepted, handed to the department, which reported back.
    async fn handled(&self, resident: &str) -> i64 {
        let id = self.app.raise(resident).await;
        self.step(&self.deputy, id, "accept", json!({}))
            .await
            .expect(200);
        self.step(
            &self.deputy,
            id,
            "assign",
            json!({"department_id": self.department_id}),
        )
        .await
        .expect(200);
        self.step(&self.handler, id, "handle", json!({"content": "已修复"}))
            .await
            .expect(200);
        id
    }

    async fn resolve(&self, id: i64) {
        self.step(
            &self.deputy,
            id,
            "resolve",
            json!({"summary": "已修复", "outcome": "implemented"}),
        )
        .await
        .expect(200);
    }

    /// A case resolved and rated unsatisfied: in the re-assignment queue.
    async fn queued(&self, resident: &str) -> i64 {
        let id = self.handled(resident).await;
        self.resolve(id).await;
        let rated = self
            .step(resident, id, "rate", json!({"rating": "unsatisfied"}))
            .await
            .expect(200);
        assert_eq!(rated.body["status"], "reopened");
        id
    }

    async fn queue(&self, token: &str) -> Vec<i64> {
        let page = self
            .app
            .get("/api/v1/cases?status=reopened&limit=100", Some(token))
            .await
            .expect(200)
            .body;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    }
}

fn event<'a>(case: &'a Value, kind: &str) -> &'a Value {
    case["events"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {case}"))
}

async fn a_resolution_records_its_outcome_and_the_resident_sees_it(backend: Backend) {
    let w = world(backend).await;
    let resident = w.app.resident("o-outcome").await;
    let planned = w.app.raise(&resident).await;
    w.step(&w.deputy, planned, "accept", json!({}))
        .await
        .expect(200);
    let on = (Utc::now() + Duration::days(60)).date_naive().to_string();
    let resolved = w
        .step(
            &w.deputy,
            planned,
            "resolve",
            json!({"summary": "已列入明年道路改造计划", "outcome": "planned", "planned_on": on}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(resolved["outcome"], "planned");
    assert_eq!(resolved["planned_on"], on);
    let seen = w.case(&resident, planned).await;
    let shown = event(&seen, "resolved");
    assert_eq!(
        (&shown["outcome"], &shown["planned_on"], &shown["round"]),
        (&json!("planned"), &json!(on), &json!(1))
    );

    let infeasible = w.app.raise(&resident).await;
    w.step(&w.deputy, infeasible, "accept", json!({}))
        .await
        .expect(200);
    w.step(
        &w.deputy,
        infeasible,
        "resolve",
        json!({"summary": "已答复", "outcome": "not_feasible", "reason": "该路段属省道，不在县里权限内"}),
    )
    .await
    .expect(200);
    let seen = w.case(&resident, infeasible).await;
    let shown = event(&seen, "resolved");
    assert_eq!(shown["outcome"], "not_feasible");
    assert_eq!(shown["outcome_reason"], "该路段属省道，不在县里权限内");
    assert_eq!(seen["outcome_reason"], "该路段属省道，不在县里权限内");
}

async fn a_resolution_without_the_outcome_s_details_changes_nothing(backend: Backend) {
    let w = world(backend).await;
    let resident = w.app.resident("o-no-outcome").await;
    let id = w.app.raise(&resident).await;
    w.step(&w.deputy, id, "accept", json!({})).await.expect(200);
    let before = w.case(&w.deputy, id).await;
    let yesterday = (Utc::now() - Duration::days(2)).date_naive().to_string();
    for (body, field) in [
        (
            json!({"summary": "好了", "outcome": "planned"}),
            "planned_on",
        ),
        (
            json!({"summary": "好了", "outcome": "planned", "planned_on": yesterday}),
            "planned_on",
        ),
        (
            json!({"summary": "好了", "outcome": "not_feasible"}),
            "reason",
        ),
        (
            json!({"summary": "好了", "outcome": "implemented", "reason": "无"}),
            "reason",
        ),
        (json!({"summary": "好了", "outcome": "done"}), "outcome"),
    ] {
        let reply = w.step(&w.deputy, id, "resolve", body.clone()).await;
        assert_eq!(reply.status, 422, "{body}: {:?}", reply.body);
        assert!(
            reply.fields().contains(&field.to_owned()),
            "{body}: {:?}",
            reply.body
        );
    }
    let missing = w
        .step(&w.deputy, id, "resolve", json!({"summary": "好了"}))
        .await;
    assert!(
        [400, 422].contains(&missing.status.as_u16()),
        "{:?}",
        missing.body
    );
    assert_eq!(w.case(&w.deputy, id).await, before, "nothing changed");
}

async fn an_unsatisfied_case_waits_in_the_queue_and_the_county_re_assigns_it(backend: Backend) {
    let w = world(backend).await;
    let resident = w.app.resident("o-queue").await;
    let to_department = w.queued(&resident).await;
    let to_deputy = w.queued(&resident).await;
    let queue = w.queue(&w.county_admin).await;
    assert!(queue.contains(&to_department) && queue.contains(&to_deputy));
    let waiting = w.case(&w.county_admin, to_department).await;
    assert_eq!(event(&waiting, "reopened")["round"], 2);
    assert_eq!(
        event(&waiting, "rated")["round"],
        1,
        "the rating judges round 1"
    );

    // To the department, with a new deadline; the deputy still answers for the case.
    let no_deadline = w
        .step(
            &w.county_admin,
            to_department,
            "reassign",
            json!({"department_id": w.department_id}),
        )
        .await;
    assert_eq!(no_deadline.status, 422);
    assert_eq!(no_deadline.fields(), ["resolve_by"]);
    let deadline = Utc::now() + Duration::days(7);
    let assigned = w
        .step(
            &w.county_admin,
            to_department,
            "reassign",
            json!({"department_id": w.department_id, "resolve_by": deadline}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(assigned["status"], "assigned");
    assert_eq!(assigned["assignee_id"], w.deputy_id);
    assert_eq!(event(&assigned, "assigned")["round"], 2);
    // Round 2 runs as round 1 did, and round 1 stays on the timeline.
    w.step(
        &w.handler,
        to_department,
        "handle",
        json!({"content": "已返工"}),
    )
    .await
    .expect(200);
    w.resolve(to_department).await;
    let seen = w.case(&resident, to_department).await;
    let rounds: Vec<(String, i64)> = seen["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["round"].as_i64().unwrap(),
            )
        })
        .collect();
    for (kind, round) in [
        ("handled", 1),
        ("resolved", 1),
        ("handled", 2),
        ("resolved", 2),
    ] {
        assert!(
            rounds.contains(&(kind.to_owned(), round)),
            "{kind} of round {round} in {rounds:?}"
        );
    }

    // To a deputy of the station, with instructions the deputy reads (the resident does not).
    let no_instructions = w
        .step(
            &w.county_admin,
            to_deputy,
            "reassign",
            json!({"deputy_id": w.deputy_id}),
        )
        .await;
    assert_eq!(no_instructions.status, 422);
    assert_eq!(no_instructions.fields(), ["instructions"]);
    let back = w
        .step(
            &w.county_admin,
            to_deputy,
            "reassign",
            json!({"deputy_id": w.deputy_id, "instructions": "请上门核实后再办"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(back["status"], "accepted");
    assert_eq!(back["department_id"], Value::Null);
    let read = w.case(&w.deputy, to_deputy).await;
    assert_eq!(event(&read, "reassigned")["text"], "请上门核实后再办");
    assert!(w
        .app
        .inbox(&w.deputy)
        .await
        .iter()
        .any(|n| n == "reassigned"));
    let queue = w.queue(&w.county_admin).await;
    assert!(!queue.contains(&to_department) && !queue.contains(&to_deputy));
}

async fn only_the_queue_s_admins_re_assign_and_only_from_the_queue(backend: Backend) {
    let w = world(backend).await;
    let resident = w.app.resident("o-refused").await;
    let id = w.queued(&resident).await;
    let before = w.case(&w.county_admin, id).await;
    let body =
        json!({"department_id": w.department_id, "resolve_by": Utc::now() + Duration::days(7)});
    // The station's own admin and the deputy see the case but the queue is the county's.
    for token in [&w.admin, &w.deputy] {
        let reply = w.step(token, id, "reassign", body.clone()).await;
        assert_eq!(reply.status, 403, "{:?}", reply.body);
    }
    // Out of scope: as if it did not exist.
    for token in [&w.other_admin, &w.handler, &resident] {
        let reply = w.step(token, id, "reassign", body.clone()).await;
        assert!(
            [403, 404].contains(&reply.status.as_u16()),
            "{:?}",
            reply.body
        );
    }
    let hidden = w.step(&w.other_admin, id, "reassign", body.clone()).await;
    assert_eq!(hidden.status, 404);
    assert_eq!(w.case(&w.county_admin, id).await, before, "nothing changed");
    assert!(
        w.queue(&w.admin).await.contains(&id),
        "the station sees it wait"
    );

    // A case not in the queue is not re-assigned to a department.
    let in_progress = w.handled(&resident).await;
    let before = w.case(&w.county_admin, in_progress).await;
    let reply = w
        .step(&w.county_admin, in_progress, "reassign", body.clone())
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.code(), "case.invalid_transition");
    assert_eq!(w.case(&w.county_admin, in_progress).await, before);
    // Naming both a deputy and a department is one request too many.
    let both = w
        .step(
            &w.county_admin,
            id,
            "reassign",
            json!({"department_id": w.department_id, "deputy_id": w.deputy_id}),
        )
        .await;
    assert_eq!(both.status, 422);
}

async fn the_deputy_rates_the_department_once_per_round_and_anonymously(backend: Backend) {
    let w = world(backend).await;
    let resident = w.app.resident("o-appraisal").await;
    let id = w.handled(&resident).await;
    let rate = |token: String, rating: &'static str| {
        let w = &w;
        async move {
            w.step(&token, id, "department-rating", json!({"rating": rating}))
                .await
        }
    };
    // Not before the resolution.
    assert_eq!(rate(w.deputy.clone(), "satisfied").await.status, 409);
    w.resolve(id).await;
    // Nobody but the case's deputy rates it.
    for token in [&w.handler, &w.admin, &w.county_admin, &resident] {
        let reply = rate(token.clone(), "satisfied").await;
        assert_eq!(reply.status, 403, "{:?}", reply.body);
    }
    assert_eq!(rate(w.other_admin.clone(), "satisfied").await.status, 404);
    let bad = rate(w.deputy.clone(), "great").await;
    assert_eq!(bad.status, 422);

    let before = w.case(&w.county_admin, id).await;
    assert_eq!(before["department_rated"], false);
    let rated = rate(w.deputy.clone(), "basically_satisfied")
        .await
        .expect(200)
        .body;
    assert_eq!(rated["department_rated"], true);
    // Anonymous: the case reads as before but for the flag, with no step naming anyone.
    for token in [&w.county_admin, &w.admin, &w.handler, &w.deputy] {
        let mut after = w.case(token, id).await;
        assert_eq!(after["department_rated"], true);
        after["department_rated"] = json!(false);
        let mut was = w.case(token, id).await;
        was["department_rated"] = json!(false);
        assert_eq!(after, was);
        assert_eq!(
            after["events"].as_array().unwrap().len(),
            before["events"].as_array().unwrap().len(),
            "no timeline step for the rating"
        );
    }
    let mut after = w.case(&w.county_admin, id).await;
    after["department_rated"] = json!(false);
    assert_eq!(after, before);
    let text = rated.to_string();
    assert!(
        !text.contains("rated_by") && !text.contains("rater"),
        "no field names the rater: {text}"
    );

    // Once per round: again is a conflict, and the next round may be rated anew.
    let again = rate(w.deputy.clone(), "unsatisfied").await;
    assert_eq!(again.status, 409);
    w.step(&resident, id, "rate", json!({"rating": "unsatisfied"}))
        .await
        .expect(200);
    w.step(
        &w.county_admin,
        id,
        "reassign",
        json!({"department_id": w.department_id, "resolve_by": Utc::now() + Duration::days(5)}),
    )
    .await
    .expect(200);
    w.step(&w.handler, id, "handle", json!({"content": "已返工"}))
        .await
        .expect(200);
    w.resolve(id).await;
    assert_eq!(w.case(&w.deputy, id).await["department_rated"], false);
    rate(w.deputy.clone(), "satisfied").await.expect(200);
}

async fn a_county_says_whose_queue_re_assigns_its_cases(backend: Backend) {
    let w = world(backend).await;
    let county = w.app.get("/api/v1/regions/1", None).await.expect(200).body;
    assert_eq!(county["reassign_by"], "county");
    let changed = w
        .app
        .patch(
            "/api/v1/regions/1",
            Some(&w.county_admin),
            json!({"reassign_by": "township"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(changed["reassign_by"], "township");
    let townships = w
        .app
        .get("/api/v1/regions?county_id=1&level=township", None)
        .await
        .expect(200)
        .body;
    let township = townships["items"][0]["id"].as_i64().unwrap();
    let refused = w
        .app
        .patch(
            &format!("/api/v1/regions/{township}"),
            Some(&w.county_admin),
            json!({"reassign_by": "county"}),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.fields(), ["reassign_by"]);
    let unknown = w
        .app
        .patch(
            "/api/v1/regions/1",
            Some(&w.county_admin),
            json!({"reassign_by": "village"}),
        )
        .await;
    assert_eq!(unknown.status, 422);
    // Until townships have admins of their own, the county keeps the queue either way.
    let resident = w.app.resident("o-township").await;
    let id = w.queued(&resident).await;
    w.step(
        &w.county_admin,
        id,
        "reassign",
        json!({"deputy_id": w.deputy_id, "instructions": "请再跑一趟"}),
    )
    .await
    .expect(200);
}

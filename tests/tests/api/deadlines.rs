//! The deadline watcher: overdue once per missed deadline, escalation after the delay, one
//! watcher at a time. Deadlines pass by sweeping with a later `now`, not by waiting.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use liaison_api::deadlines::{sweep, Swept};
use liaison_infra::entities::cases;
use liaison_infra::lease;
use liaison_tests::{on_every_backend, spawn_app, spawn_app_with, Backend, OnDuty, TestApp};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};

on_every_backend!(
    a_case_past_respond_by_is_marked_overdue_once_for_the_deputy_and_the_station,
    past_resolve_by_is_a_second_separate_overdue,
    a_deadline_still_missed_after_the_delay_goes_to_the_county_admins,
    cases_answered_in_time_or_finished_are_left_alone,
    two_watchers_sweeping_at_once_act_once,
    the_lease_has_one_holder_until_it_expires_or_is_released,
    the_running_watcher_acts_only_while_it_holds_the_lease,
);

/// The demo organisation with the people a deadline concerns.
struct World {
    app: TestApp,
    admin: String,
    other_admin: String,
    county_admin: String,
    deputy: String,
    resident: String,
}

async fn world(app: TestApp) -> World {
    let demo = app.seed_demo().await;
    let OnDuty { admin, deputy, .. } = app.deputy_on_duty(&demo).await;
    World {
        other_admin: app.login(&demo.other_station_admin).await,
        county_admin: app.login(&demo.county_admin).await,
        resident: app.resident("o-deadlines").await,
        admin,
        deputy,
        app,
    }
}

impl World {
    async fn raise(&self) -> i64 {
        self.app.raise(&self.resident).await
    }

    async fn case(&self, token: &str, id: i64) -> Value {
        self.app
            .get(&format!("/api/v1/cases/{id}"), Some(token))
            .await
            .expect(200)
            .body
    }

    /// `respond_by` and `resolve_by` of a case.
    async fn deadlines(&self, id: i64) -> (DateTime<Utc>, DateTime<Utc>) {
        let case = self.case(&self.admin, id).await;
        let at = |field: &str| case[field].as_str().unwrap().parse().unwrap();
        (at("respond_by"), at("resolve_by"))
    }

    async fn step(&self, token: &str, id: i64, action: &str, body: Value) {
        self.app
            .post(&format!("/api/v1/cases/{id}/{action}"), Some(token), body)
            .await
            .expect(200);
    }

    async fn sweep(&self, now: DateTime<Utc>) -> Swept {
        sweep(&self.app.state, now).await.unwrap()
    }

    /// The timeline entries of `kind` as `token` sees them.
    async fn events(&self, token: &str, id: i64, kind: &str) -> Vec<Value> {
        self.case(token, id).await["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == kind)
            .cloned()
            .collect()
    }

    async fn inbox(&self, token: &str) -> Vec<String> {
        self.app.inbox(token).await
    }
}

fn swept(overdue: usize, escalated: usize) -> Swept {
    Swept { overdue, escalated }
}

async fn a_case_past_respond_by_is_marked_overdue_once_for_the_deputy_and_the_station(
    backend: Backend,
) {
    let w = world(spawn_app(backend).await).await;
    let id = w.raise().await;
    let (respond_by, _) = w.deadlines(id).await;
    assert_eq!(w.sweep(respond_by).await, swept(0, 0), "not past it yet");

    let late = respond_by + Duration::seconds(1);
    assert_eq!(w.sweep(late).await, swept(1, 0));
    let marked = w.events(&w.admin, id, "overdue").await;
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0]["text"], "超过答复时限");
    assert_eq!(marked[0]["actor_role"], "system");
    assert_eq!(marked[0]["internal"], true);
    assert_eq!(w.events(&w.deputy, id, "overdue").await.len(), 1);
    assert!(
        w.events(&w.resident, id, "overdue").await.is_empty(),
        "residents never see the office's business"
    );
    let after = w.case(&w.admin, id).await;
    assert_eq!(after["status"], "submitted", "marked overdue, not moved");
    let updated_at =
        |case: &Value| -> DateTime<Utc> { case["updated_at"].as_str().unwrap().parse().unwrap() };
    assert_eq!(updated_at(&after), late, "a step like any other");
    assert_eq!(w.inbox(&w.admin).await, ["overdue"]);
    assert_eq!(w.inbox(&w.deputy).await, ["submitted", "overdue"]);
    assert!(w.inbox(&w.other_admin).await.is_empty());
    assert!(w.inbox(&w.county_admin).await.is_empty());
    assert!(w.inbox(&w.resident).await.is_empty());

    assert_eq!(w.sweep(late).await, swept(0, 0), "once per deadline");
    assert_eq!(
        w.sweep(late + Duration::hours(1)).await,
        swept(0, 0),
        "and not again later"
    );
    assert_eq!(w.events(&w.admin, id, "overdue").await.len(), 1);
    assert_eq!(w.inbox(&w.admin).await, ["overdue"]);
}

async fn past_resolve_by_is_a_second_separate_overdue(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    let unanswered = w.raise().await;
    let answered = w.raise().await;
    w.step(&w.deputy, answered, "accept", json!({})).await;
    let (respond_by, _) = w.deadlines(unanswered).await;
    let (_, resolve_by) = w.deadlines(answered).await;

    assert_eq!(
        w.sweep(respond_by + Duration::seconds(1)).await,
        swept(1, 0)
    );
    let latest = resolve_by.max(w.deadlines(unanswered).await.1) + Duration::seconds(1);
    assert_eq!(w.sweep(latest).await.overdue, 2, "one more for each case");
    let texts = |events: Vec<Value>| -> Vec<String> {
        events
            .iter()
            .map(|e| e["text"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        texts(w.events(&w.admin, unanswered, "overdue").await),
        ["超过答复时限", "超过办结时限"]
    );
    assert_eq!(
        texts(w.events(&w.admin, answered, "overdue").await),
        ["超过办结时限"],
        "answered in time, resolved late"
    );
}

async fn a_deadline_still_missed_after_the_delay_goes_to_the_county_admins(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.deadlines.escalate_after_hours = 2).await;
    let w = world(app).await;
    let id = w.raise().await;
    let (respond_by, resolve_by) = w.deadlines(id).await;
    assert!(resolve_by > respond_by + Duration::hours(3));

    assert_eq!(
        w.sweep(respond_by + Duration::seconds(1)).await,
        swept(1, 0)
    );
    assert_eq!(
        w.sweep(respond_by + Duration::minutes(119)).await,
        swept(0, 0),
        "the station has two hours"
    );
    assert!(w.inbox(&w.county_admin).await.is_empty());

    let after_delay = respond_by + Duration::hours(2);
    assert_eq!(w.sweep(after_delay).await, swept(0, 1));
    assert_eq!(w.inbox(&w.county_admin).await, ["escalated"]);
    let case = w.case(&w.county_admin, id).await;
    assert_eq!(case["escalated"], true);
    assert_eq!(case["status"], "submitted");
    let raised = w.events(&w.county_admin, id, "escalated").await;
    assert_eq!(raised.len(), 1);
    assert!(raised[0]["text"].as_str().unwrap().contains("超期"));
    assert_eq!(raised[0]["actor_role"], "system");
    assert!(w.events(&w.resident, id, "escalated").await.is_empty());
    assert_eq!(
        w.inbox(&w.admin).await,
        ["overdue"],
        "the county is told, the station already was"
    );

    assert_eq!(w.sweep(after_delay + Duration::hours(1)).await, swept(0, 0));
    assert_eq!(w.inbox(&w.county_admin).await, ["escalated"]);
}

async fn cases_answered_in_time_or_finished_are_left_alone(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    let accepted = w.raise().await;
    w.step(&w.deputy, accepted, "accept", json!({})).await;
    let resolved = w.raise().await;
    w.step(&w.deputy, resolved, "accept", json!({})).await;
    w.step(
        &w.deputy,
        resolved,
        "resolve",
        json!({"outcome": "implemented", "summary": "修好了"}),
    )
    .await;
    let rated = w.raise().await;
    w.step(&w.deputy, rated, "accept", json!({})).await;
    w.step(
        &w.deputy,
        rated,
        "resolve",
        json!({"outcome": "implemented", "summary": "修好了"}),
    )
    .await;
    w.step(&w.resident, rated, "rate", json!({"rating": "satisfied"}))
        .await;
    let declined = w.raise().await;
    w.step(
        &w.deputy,
        declined,
        "decline",
        json!({"reason": "请走信访渠道"}),
    )
    .await;
    let (respond_by, _) = w.deadlines(accepted).await;
    let (_, resolve_by) = w.deadlines(declined).await;

    assert_eq!(
        w.sweep(respond_by + Duration::hours(1)).await,
        swept(0, 0),
        "every case was answered in time"
    );
    // Only the accepted case is still in progress when resolve_by passes.
    let overdue = w.sweep(resolve_by + Duration::hours(1)).await;
    assert_eq!(overdue.overdue, 1);
    assert_eq!(w.events(&w.admin, accepted, "overdue").await.len(), 1);
    for finished in [resolved, rated, declined] {
        assert!(w.events(&w.admin, finished, "overdue").await.is_empty());
    }
    // The delay runs out for the accepted case alone.
    let much_later = resolve_by + Duration::days(30);
    assert_eq!(w.sweep(much_later).await, swept(0, 1));
    assert_eq!(w.inbox(&w.county_admin).await, ["escalated"]);

    // Resolved before the delay ran out: a missed deadline settled in time is not escalated.
    let late_but_done = w.raise().await;
    w.step(&w.deputy, late_but_done, "accept", json!({})).await;
    let (_, resolve_by) = w.deadlines(late_but_done).await;
    assert_eq!(w.sweep(resolve_by + Duration::hours(1)).await.overdue, 1);
    w.step(
        &w.deputy,
        late_but_done,
        "resolve",
        json!({"outcome": "implemented", "summary": "晚了些"}),
    )
    .await;
    assert_eq!(w.sweep(resolve_by + Duration::days(30)).await, swept(0, 0));
    assert!(w
        .events(&w.admin, late_but_done, "escalated")
        .await
        .is_empty());
}

async fn two_watchers_sweeping_at_once_act_once(backend: Backend) {
    let w = world(spawn_app(backend).await).await;
    let ids = [w.raise().await, w.raise().await, w.raise().await];
    let (respond_by, _) = w.deadlines(ids[2]).await;

    let late = respond_by + Duration::seconds(1);
    let (a, b) = tokio::join!(sweep(&w.app.state, late), sweep(&w.app.state, late));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.overdue + b.overdue, 3, "{a:?} {b:?}");
    let escalating = respond_by + Duration::days(1);
    let (c, d) = tokio::join!(
        sweep(&w.app.state, escalating),
        sweep(&w.app.state, escalating)
    );
    let (c, d) = (c.unwrap(), d.unwrap());
    assert_eq!(c.escalated + d.escalated, 3, "{c:?} {d:?}");
    for id in ids {
        assert_eq!(w.events(&w.admin, id, "overdue").await.len(), 1);
        assert_eq!(w.events(&w.admin, id, "escalated").await.len(), 1);
    }
    assert_eq!(w.inbox(&w.admin).await, ["overdue"; 3]);
    assert_eq!(w.inbox(&w.county_admin).await, ["escalated"; 3]);
}

async fn the_lease_has_one_holder_until_it_expires_or_is_released(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = app.db();
    let (ttl, now) = (Duration::minutes(3), Utc::now());
    let take = |holder: &'static str, at: DateTime<Utc>| async move {
        lease::acquire(db, "deadline_watcher", holder, ttl, at)
            .await
            .unwrap()
    };
    assert!(take("node-a", now).await);
    assert!(!take("node-b", now).await);
    assert!(take("node-a", now + Duration::minutes(1)).await, "renewed");
    assert!(!take("node-b", now + Duration::minutes(3)).await);
    assert!(take("node-b", now + Duration::minutes(5)).await, "expired");
    assert!(!take("node-a", now + Duration::minutes(5)).await);
    lease::release(db, "deadline_watcher", "node-b")
        .await
        .unwrap();
    assert!(take("node-a", now + Duration::minutes(5)).await, "released");
}

async fn the_running_watcher_acts_only_while_it_holds_the_lease(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.deadlines.check_every_seconds = 1).await;
    let w = world(app).await;
    let id = w.raise().await;
    // The watcher runs on the real clock: the case's answer was due a minute ago.
    let stored = cases::Entity::find_by_id(id)
        .one(w.app.db())
        .await
        .unwrap()
        .unwrap();
    let mut late: cases::ActiveModel = stored.into();
    late.respond_by = Set(Utc::now() - Duration::minutes(1));
    late.update(w.app.db()).await.unwrap();

    // Another node watches: this one waits.
    let now = Utc::now();
    assert!(lease::acquire(
        w.app.db(),
        "deadline_watcher",
        "other-node",
        Duration::hours(1),
        now
    )
    .await
    .unwrap());
    let watcher = tokio::spawn(liaison_api::deadlines::run(w.app.state.clone()));
    tokio::time::sleep(StdDuration::from_millis(1500)).await;
    assert!(w.events(&w.admin, id, "overdue").await.is_empty());

    // It stops: this node takes over at its next tick.
    lease::release(w.app.db(), "deadline_watcher", "other-node")
        .await
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..50 {
        seen = w.events(&w.admin, id, "overdue").await;
        if !seen.is_empty() {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert_eq!(seen.len(), 1);

    // On shutdown the watcher gives its lease up for the next node.
    w.app.state.shutdown.cancel();
    tokio::time::timeout(StdDuration::from_secs(5), watcher)
        .await
        .unwrap()
        .unwrap();
    assert!(lease::acquire(
        w.app.db(),
        "deadline_watcher",
        "other-node",
        Duration::hours(1),
        now
    )
    .await
    .unwrap());
}

//! Writers wait their turn: admin writes of every kind while residents raise cases in parallel
//! answer as they would alone, never 5xx (on SQLite, "database is locked" once was a 500).

use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use serde_json::json;

on_every_backend!(admin_writes_and_submits_in_parallel_never_fail_on_the_database);

const ROUNDS: usize = 8;

async fn admin_writes_and_submits_in_parallel_never_fail_on_the_database(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let station_admin = app.login(&demo.station_admin).await;
    let category = app.first_category().await;
    let deputy = app
        .get("/api/v1/stations/1/deputies", None)
        .await
        .expect(200)
        .body[0]["id"]
        .as_i64()
        .unwrap();

    let residents = (0..3).map(|n| {
        let app = &app;
        let category = category.clone();
        async move {
            let token = app.resident(&format!("o-contention-{n}")).await;
            let mut statuses = Vec::new();
            for round in 0..ROUNDS {
                let body = json!({"station_id": 1, "category_id": category, "title": "路灯不亮", "content": format!("第{round}次")});
                statuses.push(app.post("/api/v1/cases", Some(&token), body).await.status.as_u16());
            }
            statuses
        }
    });
    let admin = async {
        let mut statuses = Vec::new();
        for round in 0..ROUNDS {
            statuses.push(admin_round(&app, &county_admin, &station_admin, deputy, round).await);
        }
        statuses.concat()
    };
    let (submits, admin) = tokio::join!(futures_util::future::join_all(residents), admin);
    let submits: Vec<u16> = submits.concat();
    assert!(submits.iter().all(|s| *s == 201), "{submits:?}");
    assert!(admin.iter().all(|s| *s < 500), "{admin:?}");
    assert!(admin.iter().all(|s| (200..300).contains(s)), "{admin:?}");
}

/// One write of each kind an admin makes; answers their statuses.
async fn admin_round(
    app: &TestApp,
    county_admin: &str,
    station_admin: &str,
    deputy: i64,
    round: usize,
) -> Vec<u16> {
    let now = chrono::Utc::now() + chrono::Duration::days(30 + round as i64);
    let hour = chrono::Duration::hours(1);
    let roster = json!({"from": now, "to": now + hour * 4, "shifts": [{"deputy_id": deputy, "starts_at": now, "ends_at": now + hour}]});
    let phone = format!("1390000{:04}", 9000 + round);
    let writes = [
        app.post(
            "/api/v1/users",
            Some(county_admin),
            json!({"role": "county_admin", "name": "管理员", "phone": phone, "password": "a long enough password"}),
        )
        .await,
        app.put("/api/v1/stations/1/roster", Some(station_admin), roster)
            .await,
        app.patch(
            &format!("/api/v1/deputies/{deputy}"),
            Some(county_admin),
            json!({"office_hours": format!("周{}上午", round % 7 + 1)}),
        )
        .await,
        app.post(
            "/api/v1/deputies",
            Some(station_admin),
            json!({"name": format!("代表{round}"), "level": "township", "station_ids": [1]}),
        )
        .await,
        app.patch(
            "/api/v1/stations/1",
            Some(station_admin),
            json!({"opening_hours": format!("每周{}开放", round % 7 + 1)}),
        )
        .await,
        app.post(
            "/api/v1/categories",
            Some(county_admin),
            json!({"name": format!("类别{round}"), "department_id": 1, "respond_within_hours": 24, "resolve_within_days": 10}),
        )
        .await,
    ];
    writes.into_iter().map(|w| w.status.as_u16()).collect()
}

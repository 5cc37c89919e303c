//! The five registers (五簿) over HTTP: automatic entries read from a reception, an accepted
//! case and a missed shift; manual entries added, edited until verified, verified once; bad
//! input named; who may; the workbook read back by calamine, five sheets holding the JSON's
//! entries, its download on the audit list.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use chrono::{Datelike, Duration, Utc};
use liaison_domain::clock::local_day;
use liaison_infra::store::registers;
use liaison_tests::{on_every_backend, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

use crate::roster::{put_roster, shift};

on_every_backend!(
    automatic_entries_come_from_a_reception_an_accepted_case_and_a_missed_shift,
    manual_entries_are_edited_until_an_admin_verifies_them_once,
    bad_entries_and_years_are_named,
    only_the_deputy_and_the_admins_of_their_stations_keep_the_registers,
    the_workbook_holds_five_sheets_named_as_the_seed_with_the_jsons_entries,
);

const SHEETS: [&str; 5] = [
    "年度述职登记簿",
    "代表接待选民登记簿",
    "代表履职情况登记簿",
    "代表参加活动登记簿",
    "代表提出议案、建议、批评和意见登记簿",
];

struct People {
    admin: String,
    deputy: String,
    deputy_id: i64,
}

async fn people(app: &TestApp) -> People {
    let demo = app.seed_demo().await;
    people_of(app, &demo).await
}

fn this_year() -> i32 {
    local_day(Utc::now()).year()
}

fn today() -> String {
    local_day(Utc::now()).to_string()
}

async fn registers_of(app: &TestApp, token: &str, deputy_id: i64) -> Value {
    app.get(
        &format!("/api/v1/deputies/{deputy_id}/registers"),
        Some(token),
    )
    .await
    .expect(200)
    .body
}

/// The entries of register `kind`.
fn entries<'a>(registers: &'a Value, kind: &str) -> &'a Vec<Value> {
    registers["registers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} register in {registers}"))["entries"]
        .as_array()
        .unwrap()
}

async fn add(app: &TestApp, token: &str, deputy_id: i64, body: Value) -> liaison_tests::Reply {
    app.post(
        &format!("/api/v1/deputies/{deputy_id}/registers"),
        Some(token),
        body,
    )
    .await
}

fn training() -> Value {
    json!({"kind": "activity", "date": today(), "title": "参加县人大代表履职培训",
           "activity_kind": "training"})
}

async fn automatic_entries_come_from_a_reception_an_accepted_case_and_a_missed_shift(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let p = people(&app).await;
    // A shift over without a check-in, and the one on now that new cases go to.
    let now = Utc::now();
    let hour = Duration::hours(1);
    let missed = now - hour * 5;
    put_roster(
        &app,
        Some(&p.admin),
        1,
        // A day either side, so that the demo's shift of today (09:00 to 17:00) is replaced
        // whatever the hour the test runs at.
        (now - hour * 24, now + hour * 24),
        vec![
            shift(p.deputy_id, missed, missed + hour * 2),
            shift(p.deputy_id, now - hour, now + hour),
        ],
    )
    .await
    .expect(200);
    let resident = app.resident("registers-resident").await;
    let case = app.raise_at(&resident, 1).await;
    app.post(
        &format!("/api/v1/cases/{case}/accept"),
        Some(&p.deputy),
        json!({}),
    )
    .await
    .expect(200);
    let reception = app
        .post(
            "/api/v1/receptions",
            Some(&p.admin),
            json!({"station_id": 1, "kind": "market_day", "held_at": now - hour * 2,
                   "visitors": 37, "officials": [], "deputy_ids": [p.deputy_id]}),
        )
        .await
        .expect(201)
        .id();

    let read = registers_of(&app, &p.deputy, p.deputy_id).await;
    assert_eq!(read["year"], this_year());
    let kinds: Vec<&Value> = read["registers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["kind"])
        .collect();
    assert_eq!(
        kinds,
        [
            "report_back",
            "reception",
            "performance",
            "activity",
            "proposal"
        ]
    );
    let received = entries(&read, "reception");
    assert_eq!(received.len(), 1, "{read}");
    assert_eq!(received[0]["source"], "auto");
    assert_eq!(received[0]["reception_id"], reception);
    assert_eq!(received[0]["verified"], true);
    let performance = entries(&read, "performance");
    let accepted: Vec<&Value> = performance
        .iter()
        .filter(|e| e["case_id"] == case)
        .collect();
    assert_eq!(accepted.len(), 1, "{read}");
    assert!(accepted[0]["case_number"].is_string());
    // The shift on now is neither held nor missed yet: only the missed one is there.
    let shifts: Vec<&Value> = performance
        .iter()
        .filter(|e| e["shift_id"].is_i64())
        .collect();
    assert_eq!(shifts.len(), 1, "{read}");
    assert_eq!(shifts[0]["attendance"], "missed");
    assert_eq!(read["may_verify"], false);

    let counts = registers::counts(app.db(), p.deputy_id, this_year())
        .await
        .unwrap();
    assert_eq!(counts.receptions_attended, 1);
    assert_eq!(counts.cases_accepted, 1);
    assert_eq!(counts.shifts_missed, 1);
    assert_eq!(counts.shifts_held, 0);
    // Another year holds none of it.
    let last_year = app
        .get(
            &format!(
                "/api/v1/deputies/{}/registers?year={}",
                p.deputy_id,
                this_year() - 1
            ),
            Some(&p.admin),
        )
        .await
        .expect(200)
        .body;
    assert!(entries(&last_year, "performance").is_empty());
}

async fn manual_entries_are_edited_until_an_admin_verifies_them_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let p = people(&app).await;
    let added = add(&app, &p.deputy, p.deputy_id, training())
        .await
        .expect(201)
        .body;
    assert_eq!(added["source"], "manual");
    assert_eq!(added["verified"], false);
    let id = added["id"].as_i64().unwrap();
    let path = format!("/api/v1/register-entries/{id}");
    let edited = app
        .patch(&path, Some(&p.deputy), json!({"detail": "全天,县委党校"}))
        .await
        .expect(200)
        .body;
    assert_eq!(edited["detail"], "全天,县委党校");
    assert_eq!(edited["title"], "参加县人大代表履职培训");
    // A field given as null is cleared, one left out is kept; a required one cannot be.
    let cleared = app
        .patch(&path, Some(&p.deputy), json!({"detail": null}))
        .await
        .expect(200)
        .body;
    assert!(cleared["detail"].is_null(), "{cleared}");
    assert_eq!(cleared["activity_kind"], "training");
    let refused = app
        .patch(&path, Some(&p.deputy), json!({"activity_kind": null}))
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["activity_kind"], "{}", refused.body);
    let verify = format!("{path}/verify");
    // The deputy does not vouch for their own entry.
    app.post(&verify, Some(&p.deputy), json!({}))
        .await
        .expect(403);
    let counted = registers::counts(app.db(), p.deputy_id, this_year())
        .await
        .unwrap();
    assert_eq!(counted.trainings, 0, "unverified entries are not counted");
    let verified = app
        .post(&verify, Some(&p.admin), json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(verified["verified"], true);
    assert!(verified["verified_at"].is_string());
    assert_eq!(
        app.post(&verify, Some(&p.admin), json!({}))
            .await
            .expect(409)
            .code(),
        "register_entry.already_verified"
    );
    for token in [&p.deputy, &p.admin] {
        let refused = app
            .patch(&path, Some(token), json!({"title": "改过的"}))
            .await
            .expect(409);
        assert_eq!(refused.code(), "register_entry.verified");
    }
    let read = registers_of(&app, &p.deputy, p.deputy_id).await;
    let activities = entries(&read, "activity");
    assert_eq!(activities.len(), 1);
    assert_eq!(activities[0]["title"], "参加县人大代表履职培训");
    assert_eq!(activities[0]["verified"], true);
    let counted = registers::counts(app.db(), p.deputy_id, this_year())
        .await
        .unwrap();
    assert_eq!(counted.trainings, 1);

    // A proposal answered and rated, and a report-back with its score, by the admin.
    let proposal = json!({"kind": "proposal", "date": today(), "title": "关于改善农村道路的建议",
                          "proposal_kind": "suggestion", "answer": "已列入明年计划",
                          "answered_on": today(), "satisfaction": "satisfied"});
    add(&app, &p.admin, p.deputy_id, proposal).await.expect(201);
    let report = json!({"kind": "report_back", "date": today(), "title": "向选民述职",
                        "attendees": 42, "score": 92});
    let report = add(&app, &p.admin, p.deputy_id, report)
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/api/v1/register-entries/{report}/verify"),
        Some(&p.admin),
        json!({}),
    )
    .await
    .expect(200);
    let counted = registers::counts(app.db(), p.deputy_id, this_year())
        .await
        .unwrap();
    assert_eq!(counted.report_backs, 1);
    assert_eq!(counted.report_back_attendees, 42);
    assert_eq!(counted.report_back_score, Some(92.0));
    assert_eq!(
        counted.proposals_filed, 0,
        "the proposal is not verified yet"
    );
}

async fn bad_entries_and_years_are_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let p = people(&app).await;
    let cases = [
        (
            json!({"kind": "activity", "date": today(), "title": "培训"}),
            "activity_kind",
        ),
        (
            json!({"kind": "notes", "date": today(), "title": "培训"}),
            "kind",
        ),
        (
            json!({"kind": "activity", "date": today(), "title": " ", "activity_kind": "training"}),
            "title",
        ),
        (
            json!({"kind": "reception", "date": today(), "title": "接待", "score": 50}),
            "score",
        ),
        (
            json!({"kind": "report_back", "date": today(), "title": "述职", "attendees": 10, "score": 101}),
            "score",
        ),
        (
            json!({"kind": "proposal", "date": today(), "title": "建议", "proposal_kind": "suggestion",
                "satisfaction": "satisfied"}),
            "satisfaction",
        ),
        (
            json!({"kind": "activity", "date": "1999-12-31", "title": "培训", "activity_kind": "training"}),
            "date",
        ),
    ];
    for (body, field) in cases {
        let refused = add(&app, &p.deputy, p.deputy_id, body.clone())
            .await
            .expect(422);
        assert_eq!(refused.fields(), [field], "{body}");
    }
    for year in ["abc", "1999", "10000", "2026.5"] {
        let refused = app
            .get(
                &format!("/api/v1/deputies/{}/registers?year={year}", p.deputy_id),
                Some(&p.deputy),
            )
            .await
            .expect(422);
        assert_eq!(refused.fields(), ["year"], "{year}");
        app.get(
            &format!(
                "/api/v1/deputies/{}/registers.xlsx?year={year}",
                p.deputy_id
            ),
            Some(&p.deputy),
        )
        .await
        .expect(422);
    }
    // A bad change to an entry is named too, and changes nothing.
    let id = add(&app, &p.deputy, p.deputy_id, training())
        .await
        .expect(201)
        .id();
    let refused = app
        .patch(
            &format!("/api/v1/register-entries/{id}"),
            Some(&p.deputy),
            json!({"activity_kind": "party", "score": 5}),
        )
        .await
        .expect(422);
    assert_eq!(refused.fields(), ["activity_kind"]);
}

async fn only_the_deputy_and_the_admins_of_their_stations_keep_the_registers(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let p = people_of(&app, &demo).await;
    let id = add(&app, &p.deputy, p.deputy_id, training())
        .await
        .expect(201)
        .id();
    let entry = format!("/api/v1/register-entries/{id}");
    let registers = format!("/api/v1/deputies/{}/registers", p.deputy_id);
    let other_admin = app.login(&demo.other_station_admin).await;
    let resident = app.resident("registers-outsider").await;
    let handler = app.login(&demo.handler).await;
    for token in [&other_admin, &resident, &handler] {
        app.get(&registers, Some(token)).await.expect(403);
        app.get(&format!("{registers}.xlsx"), Some(token))
            .await
            .expect(403);
        // Refused before the body is read.
        add(&app, token, p.deputy_id, json!({"kind": "nonsense"}))
            .await
            .expect(403);
        app.patch(&entry, Some(token), json!({"title": "改"}))
            .await
            .expect(404);
        app.post(&format!("{entry}/verify"), Some(token), json!({}))
            .await
            .expect(404);
    }
    // The township's and the county's admins keep and verify them.
    let county = app.login(&demo.county_admin).await;
    assert_eq!(
        registers_of(&app, &county, p.deputy_id).await["may_verify"],
        true
    );
    app.post(&format!("{entry}/verify"), Some(&county), json!({}))
        .await
        .expect(200);
    app.get("/api/v1/deputies/99999/registers", Some(&county))
        .await
        .expect(404);
}

/// The demo's station admin and deputy, the deputy on duty at station 1.
async fn people_of(app: &TestApp, demo: &liaison_tests::Demo) -> People {
    let on_duty = app.deputy_on_duty(demo).await;
    People {
        admin: on_duty.admin,
        deputy: on_duty.deputy,
        deputy_id: on_duty.deputy_id,
    }
}

async fn the_workbook_holds_five_sheets_named_as_the_seed_with_the_jsons_entries(backend: Backend) {
    let app = spawn_app(backend).await;
    let p = people(&app).await;
    add(&app, &p.deputy, p.deputy_id, training())
        .await
        .expect(201);
    let report = json!({"kind": "report_back", "date": today(), "title": "向选民述职",
                        "attendees": 42, "score": 92});
    add(&app, &p.admin, p.deputy_id, report).await.expect(201);
    let now = Utc::now();
    app.post(
        "/api/v1/receptions",
        Some(&p.admin),
        json!({"station_id": 1, "kind": "market_day", "held_at": now - Duration::hours(2),
               "visitors": 12, "officials": [], "deputy_ids": [p.deputy_id]}),
    )
    .await
    .expect(201);
    let read = registers_of(&app, &p.admin, p.deputy_id).await;
    let download = app
        .get(
            &format!("/api/v1/deputies/{}/registers.xlsx", p.deputy_id),
            Some(&p.admin),
        )
        .await
        .expect(200);
    assert!(download.content_type().contains("spreadsheetml"));
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(download.bytes.clone())).unwrap();
    assert_eq!(workbook.sheet_names(), SHEETS);
    for (sheet, register) in SHEETS.iter().zip(read["registers"].as_array().unwrap()) {
        assert_eq!(register["name"], *sheet);
        let range = workbook.worksheet_range(sheet).unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|row| row.iter().map(|cell| cell.to_string()).collect())
            .collect();
        assert_eq!(rows[0][..3], ["日期", "来源", "事项"]);
        let entries = register["entries"].as_array().unwrap();
        assert_eq!(rows.len() - 1, entries.len(), "{sheet}");
        for (row, entry) in rows[1..].iter().zip(entries) {
            assert_eq!(row[0], entry["date"].as_str().unwrap());
            assert_eq!(row[2], entry["title"].as_str().unwrap());
        }
    }
    let report_back = workbook.worksheet_range(SHEETS[0]).unwrap();
    let row: Vec<String> = report_back
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row[1], "手工");
    assert_eq!(row[9], "42");
    assert_eq!(row[10], "92");
    assert_eq!(row[11], "未核实");
    // The download is on the audit list, naming the deputy and the year.
    let audit = app
        .get("/api/v1/audit?limit=100", Some(&p.admin))
        .await
        .expect(200)
        .body;
    let exports: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "registers_exported")
        .collect();
    assert_eq!(exports.len(), 1, "{audit}");
    assert_eq!(exports[0]["target_id"], p.deputy_id);
    assert!(exports[0]["summary"]
        .as_str()
        .unwrap()
        .ends_with(&this_year().to_string()));
}

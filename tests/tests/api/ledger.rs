//! The ledger (台账) as CSV and XLSX: read back by independent readers (the csv crate,
//! calamine), the same rows in both, one per case the admin oversees, filtered like the queue,
//! without a phone number or a visitor's name; each download on the audit list.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use liaison_tests::{on_every_backend, spawn_app, Backend, Demo, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    the_ledger_holds_a_row_per_case_alike_in_csv_and_xlsx,
    the_ledger_filters_like_the_queue_within_what_the_admin_oversees,
    only_admins_take_the_ledger_and_a_bad_filter_is_named,
);

const HEADERS: [&str; 18] = [
    "编号",
    "标题",
    "登记时间",
    "联络站",
    "乡镇",
    "渠道",
    "类别",
    "代表",
    "承办单位",
    "答复时限",
    "办结时限",
    "首次答复",
    "办结时间",
    "办理结果",
    "评价",
    "状态",
    "超期",
    "重新交办次数",
];
const RESIDENT_PHONE: &str = "13912345678";
const VISITOR_PHONE: &str = "13800001111";

/// Three cases: a resident's at station 1 with a phone to call back, resolved by the station's
/// admin; a resident's at station 2; a visitor's recorded at station 1 with name and phone.
async fn three_cases(app: &TestApp) -> (Demo, [i64; 3]) {
    let demo = app.seed_demo().await;
    let resident = app.resident("ledger-resident").await;
    let category = app.first_category().await;
    let own = json!({"station_id": 1, "category_id": category, "title": "路灯不亮",
                     "content": "一周了", "contact_phone": RESIDENT_PHONE});
    let first = app
        .post("/api/v1/cases", Some(&resident), own)
        .await
        .expect(201)
        .id();
    let admin = app.login(&demo.station_admin).await;
    for (step, body) in [
        ("accept", json!({})),
        (
            "resolve",
            json!({"summary": "已修好", "outcome": "implemented"}),
        ),
    ] {
        app.post(&format!("/api/v1/cases/{first}/{step}"), Some(&admin), body)
            .await
            .expect(200);
    }
    let second = app.raise_at(&resident, 2).await;
    let visitor = json!({"station_id": 1, "category_id": category, "title": "低保申请进度",
                         "content": "上月提交的申请一直没有消息", "channel": "walk_in",
                         "visitor_name": "王大爷", "visitor_phone": VISITOR_PHONE});
    let third = app
        .post("/api/v1/cases", Some(&admin), visitor)
        .await
        .expect(201)
        .id();
    (demo, [first, second, third])
}

/// The CSV's records, headers first, after checking the byte-order mark Excel needs.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("the CSV starts with a UTF-8 byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text)
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The XLSX's one sheet, 台账, headers first.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(workbook.sheet_names(), ["台账"]);
    let sheet = workbook.worksheet_range("台账").unwrap();
    sheet
        .rows()
        .map(|row| row.iter().map(|cell| cell.to_string()).collect())
        .collect()
}

async fn download(app: &TestApp, token: &str, format: &str, query: &str) -> Vec<Vec<String>> {
    let reply = app
        .get(&format!("/api/v1/ledger.{format}?{query}"), Some(token))
        .await
        .expect(200);
    let disposition = reply.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment") && disposition.contains(&format!(".{format}")),
        "{disposition}"
    );
    let rows = match format {
        "csv" => csv_rows(&reply.bytes),
        _ => xlsx_rows(&reply.bytes),
    };
    assert_eq!(rows[0], HEADERS, "{format}");
    rows
}

/// The numbers of the rows after the headers.
fn numbers(rows: &[Vec<String>]) -> Vec<String> {
    rows[1..].iter().map(|row| row[0].clone()).collect()
}

async fn case(app: &TestApp, token: &str, id: i64) -> Value {
    app.get(&format!("/api/v1/cases/{id}"), Some(token))
        .await
        .expect(200)
        .body
}

async fn the_ledger_holds_a_row_per_case_alike_in_csv_and_xlsx(backend: Backend) {
    let app = spawn_app(backend).await;
    let (demo, ids) = three_cases(&app).await;
    let county = app.login(&demo.county_admin).await;
    let csv = download(&app, &county, "csv", "").await;
    let xlsx = download(&app, &county, "xlsx", "").await;
    assert_eq!(csv, xlsx, "the two files hold the same ledger");

    // One row per case, oldest first.
    let mut expected = Vec::new();
    for id in ids {
        expected.push(
            case(&app, &county, id).await["number"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(numbers(&csv), expected);
    let column = |name: &str| HEADERS.iter().position(|h| *h == name).unwrap();
    let [resolved, elsewhere, visitor] = [&csv[1], &csv[2], &csv[3]];
    assert_eq!(resolved[column("标题")], "路灯不亮");
    assert_eq!(resolved[column("渠道")], "小程序");
    assert_eq!(resolved[column("办理结果")], "已落实");
    assert_eq!(resolved[column("状态")], "已办结");
    assert!(!resolved[column("首次答复")].is_empty());
    assert!(!resolved[column("办结时间")].is_empty());
    assert_eq!(resolved[column("超期")], "否");
    assert_eq!(resolved[column("重新交办次数")], "0");
    assert_eq!(visitor[column("渠道")], "来访");
    assert_eq!(visitor[column("办结时间")], "");
    assert_eq!(elsewhere[column("状态")], "待受理");
    // Names, not ids: the stations and their townships as the regions call them.
    let station = |id: i64| {
        let app = &app;
        async move {
            app.get(&format!("/api/v1/stations/{id}"), None)
                .await
                .expect(200)
                .body["name"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(resolved[column("联络站")], station(1).await);
    assert_eq!(elsewhere[column("联络站")], station(2).await);
    assert_eq!(elsewhere[column("乡镇")], "出山镇");
    // The ledger leaves the system: no phone number and no visitor's name in it.
    let text = csv.concat().concat();
    for secret in [RESIDENT_PHONE, VISITOR_PHONE, "王大爷"] {
        assert!(!text.contains(secret), "{secret}");
        assert!(!xlsx.concat().concat().contains(secret), "{secret}");
    }

    // Each download is on the audit list, with the format and the filter.
    let audit = app
        .get("/api/v1/audit?limit=100", Some(&county))
        .await
        .expect(200)
        .body;
    let exports: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "ledger_exported")
        .collect();
    assert_eq!(exports.len(), 2, "{audit}");
    assert!(
        exports.iter().any(|e| e["summary"] == "csv: 全部"),
        "{audit}"
    );
    assert!(
        exports.iter().any(|e| e["summary"] == "xlsx: 全部"),
        "{audit}"
    );
}

async fn the_ledger_filters_like_the_queue_within_what_the_admin_oversees(backend: Backend) {
    let app = spawn_app(backend).await;
    let (demo, [resolved, elsewhere, visitor]) = three_cases(&app).await;
    let county = app.login(&demo.county_admin).await;
    let number = |id: i64| {
        let (app, county) = (&app, county.clone());
        async move {
            case(app, &county, id).await["number"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    for format in ["csv", "xlsx"] {
        let done = download(&app, &county, format, "status=resolved").await;
        assert_eq!(numbers(&done), [number(resolved).await]);
        let found = download(&app, &county, format, "q=低保").await;
        assert_eq!(numbers(&found), [number(visitor).await]);
        let at_two = download(&app, &county, format, "station_id=2").await;
        assert_eq!(numbers(&at_two), [number(elsewhere).await]);
        let none = download(&app, &county, format, "light=red").await;
        assert!(numbers(&none).is_empty(), "{format}: headers only");
    }
    // A station admin's ledger is its own station's; the township admin's, its township's.
    let other = app.login(&demo.other_station_admin).await;
    let own = download(&app, &other, "csv", "").await;
    assert_eq!(numbers(&own), [number(elsewhere).await]);
    let township = app.login(&demo.township_admin).await;
    let theirs = download(&app, &township, "xlsx", "").await;
    assert_eq!(numbers(&theirs), [number(elsewhere).await]);
    // And what the station admin took away is on the audit list its admins read.
    let audit = app
        .get("/api/v1/audit?limit=100", Some(&other))
        .await
        .expect(200)
        .body;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "ledger_exported"),
        "{audit}"
    );
}

async fn only_admins_take_the_ledger_and_a_bad_filter_is_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("ledger-nobody").await;
    for format in ["csv", "xlsx"] {
        let path = format!("/api/v1/ledger.{format}");
        app.get(&path, None).await.expect(401);
        for token in [
            resident.clone(),
            app.login(&demo.deputy).await,
            app.login(&demo.handler).await,
        ] {
            let refused = app.get(&path, Some(&token)).await.expect(403);
            assert_eq!(refused.code(), "forbidden");
            // Refused whatever the filter holds.
            app.get(&format!("{path}?status=open"), Some(&token))
                .await
                .expect(403);
        }
        let county = app.login(&demo.county_admin).await;
        let wrong = app
            .get(&format!("{path}?status=open"), Some(&county))
            .await
            .expect(422);
        assert_eq!(wrong.fields(), ["status"]);
        let wrong = app
            .get(&format!("{path}?light=amber"), Some(&county))
            .await
            .expect(422);
        assert_eq!(wrong.fields(), ["light"]);
    }
    // Refused and failed downloads are not on the audit list; none was taken.
    let county = app.login(&demo.county_admin).await;
    let audit = app
        .get("/api/v1/audit?limit=100", Some(&county))
        .await
        .expect(200)
        .body;
    assert!(
        !audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "ledger_exported"),
        "{audit}"
    );
}

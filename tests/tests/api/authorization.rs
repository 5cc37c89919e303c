//! The authorization matrix: every operation of the API that needs a caller, against every kind
//! of caller, each with a valid request against a thing of the demo's station 1 (柏城街道), and
//! the status class each caller gets. A second test holds the matrix to openapi/openapi.json,
//! so a new operation cannot land without its row.
//!
//! Rules the table holds: a caller without the right gets 403 whatever the body holds; things
//! hidden from a caller (cases, accounts, receptions, notifications out of its scope) are 404;
//! a township admin reaches everything under its township as a county admin does for the
//! county, and another township's hidden things are 404. Public things (a station's card, its
//! roster, its deputies) are visible to everyone, so a forbidden write on them is 403: a 404
//! would pretend not to know a station anyone can look up.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::{Duration, Utc};
use liaison_tests::{on_every_backend, read, spawn_app_with, Backend, Demo, TestApp, PNG};
use reqwest::Method;
use serde_json::{json, Value};

use crate::regions::other_county;

on_every_backend!(every_operation_answers_each_caller_as_the_matrix_says);

/// The callers, in the matrix's column order. "Ours" is the thing's own: its station (1), its
/// township (柏城街道), its department (the handler's 县住建局), its county (西平县).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// The case's author (for things that are no one's case: a resident).
    Resident,
    OtherResident,
    /// Sits at station 1 and is on duty there.
    Deputy,
    StationAdmin,
    OtherStationAdmin,
    TownshipAdmin,
    OtherTownshipAdmin,
    Handler,
    OtherHandler,
    CountyAdmin,
    OtherCountyAdmin,
}

const COLUMNS: [Who; 12] = [
    Who::Anonymous,
    Who::Resident,
    Who::OtherResident,
    Who::Deputy,
    Who::StationAdmin,
    Who::OtherStationAdmin,
    Who::TownshipAdmin,
    Who::OtherTownshipAdmin,
    Who::Handler,
    Who::OtherHandler,
    Who::CountyAdmin,
    Who::OtherCountyAdmin,
];

/// Any 2xx.
const OK: u16 = 200;

/// What a row's request acts on, built fresh for the row (and again after a write succeeded,
/// so each caller meets the thing in the state the row names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Nothing,
    /// A resident's case at station 1, taken this far.
    Case(Stage),
    /// A resident's photo, attached to their case at station 1.
    Attachment,
    /// A walk-in visitor's case at station 1 that staff recorded; `extra` holds its claim code.
    Receipt,
    /// A walk-in visitor's case at station 1, resolved, for staff to record the rating.
    VisitorResolved,
    Reception,
    Group,
    /// A deputy who sits at station 1 only.
    Deputy,
    /// A station admin account of station 1.
    Account,
    /// A manual register entry of the deputy who sits at station 1 (the `Deputy` caller).
    RegisterEntry,
    /// The deputy's shift at station 1 now; `CheckedIn` once they checked in.
    Shift,
    CheckedIn,
    /// The case author's first notification.
    Notification,
    ReplyTemplate,
    /// A scoring scheme of the county (西平县) for 2021.
    ScoringScheme,
    Webhook,
    Category,
    Department,
    /// The township 柏城街道.
    Township,
    /// A dead webhook delivery of the county.
    DeadDelivery,
    /// Everyone freshly logged in: the row ends the caller's session.
    Session,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd)]
enum Stage {
    Submitted,
    Accepted,
    Assigned,
    Handled,
    Resolved,
    Reopened,
}

/// The thing a row acts on: the id its path names, the resident it belongs to, and whatever
/// else its body needs.
struct Thing {
    id: i64,
    resident: Option<String>,
    extra: Value,
}

enum Body {
    None,
    Json(Value),
    Photo,
}

struct Row {
    op: &'static str,
    method: Method,
    /// `{id}` stands for the thing's id.
    path: &'static str,
    needs: Needs,
    body: fn(&Ctx, &Thing) -> Body,
    /// Per column of `COLUMNS`: the status, `OK` for any 2xx.
    expect: [u16; 12],
}

fn none(_: &Ctx, _: &Thing) -> Body {
    Body::None
}

/// The matrix.        anon res  res2 dep  sa   sa2  ta   ta2  h    h2   ca   ca2
fn matrix() -> Vec<Row> {
    use Needs::*;
    use Stage::*;
    let (get, post, patch, put, delete) = (
        Method::GET,
        Method::POST,
        Method::PATCH,
        Method::PUT,
        Method::DELETE,
    );
    vec![
        // Attachments: a resident's photo is theirs and, once attached, its case's readers'.
        row(
            "attachments_upload",
            post.clone(),
            "/api/v1/attachments",
            Nothing,
            |_, _| Body::Photo,
            [401, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
        ),
        row(
            "attachments_download",
            get.clone(),
            "/api/v1/attachments/{id}",
            Attachment,
            none,
            [401, OK, 404, OK, OK, 404, OK, 404, 404, 404, OK, 404],
        ),
        row(
            "audit_list",
            get.clone(),
            "/api/v1/audit",
            Nothing,
            none,
            [401, 403, 403, 403, OK, OK, OK, OK, 403, 403, OK, OK],
        ),
        // The figures: admins of what they oversee, a deputy of their own cases.
        row(
            "stats_get",
            get.clone(),
            "/api/v1/stats",
            Nothing,
            none,
            [401, 403, 403, OK, OK, OK, OK, OK, 403, 403, OK, OK],
        ),
        // The ledger: any admin, of what it oversees (another county's admin takes its own).
        row(
            "ledger_csv",
            get.clone(),
            "/api/v1/ledger.csv",
            Nothing,
            none,
            [401, 403, 403, 403, OK, OK, OK, OK, 403, 403, OK, OK],
        ),
        row(
            "ledger_xlsx",
            get.clone(),
            "/api/v1/ledger.xlsx",
            Nothing,
            none,
            [401, 403, 403, 403, OK, OK, OK, OK, 403, 403, OK, OK],
        ),
        // Cases.
        row(
            "cases_list",
            get.clone(),
            "/api/v1/cases",
            Nothing,
            none,
            [401, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
        ),
        row(
            "cases_create",
            post.clone(),
            "/api/v1/cases",
            Nothing,
            |c, _| {
                Body::Json(
                    json!({"station_id": 1, "category_id": c.category_id, "title": "井盖缺失", "content": "路口井盖丢了"}),
                )
            },
            [401, OK, OK, 403, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        // A visitor's case recorded by staff: the deputy on duty and the station's admins. Staff
        // whose reach the station lies outside find no station to record at (404, as the
        // station desk issue asks); roles that never record are refused (403).
        row(
            "cases_create",
            post.clone(),
            "/api/v1/cases",
            Nothing,
            |c, _| {
                Body::Json(
                    json!({"station_id": 1, "category_id": c.category_id, "title": "低保申请进度",
                   "content": "上月提交的申请一直没有消息", "channel": "walk_in"}),
                )
            },
            [401, 403, 403, OK, OK, 404, OK, 404, 403, 403, OK, 404],
        ),
        row(
            "cases_claim",
            post.clone(),
            "/api/v1/cases/claim",
            Receipt,
            |_, t| Body::Json(json!({"claim_code": t.extra["claim_code"]})),
            [401, OK, OK, 403, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            "cases_get",
            get.clone(),
            "/api/v1/cases/{id}",
            Case(Assigned),
            none,
            [401, OK, 404, OK, OK, 404, OK, 404, OK, 404, OK, 404],
        ),
        row(
            "cases_accept",
            post.clone(),
            "/api/v1/cases/{id}/accept",
            Case(Submitted),
            none,
            [401, 403, 404, OK, OK, 404, 403, 404, 404, 404, 403, 404],
        ),
        row(
            "cases_assign",
            post.clone(),
            "/api/v1/cases/{id}/assign",
            Case(Accepted),
            |c, _| Body::Json(json!({"department_id": c.department_id, "note": "请尽快处理"})),
            [401, 403, 404, OK, OK, 404, OK, 404, 404, 404, OK, 404],
        ),
        row(
            "cases_decline",
            post.clone(),
            "/api/v1/cases/{id}/decline",
            Case(Submitted),
            |_, _| Body::Json(json!({"reason": "属于信访事项，请到县信访局反映"})),
            [401, 403, 404, OK, OK, 404, 403, 404, 404, 404, 403, 404],
        ),
        row(
            "cases_department_rating",
            post.clone(),
            "/api/v1/cases/{id}/department-rating",
            Case(Resolved),
            |_, _| Body::Json(json!({"rating": "satisfied"})),
            [401, 403, 404, OK, 403, 404, 403, 404, 403, 404, 403, 404],
        ),
        row(
            "cases_handle",
            post.clone(),
            "/api/v1/cases/{id}/handle",
            Case(Assigned),
            |_, _| Body::Json(json!({"content": "已派人修复"})),
            [401, 403, 404, 403, 403, 404, 403, 404, OK, 404, 403, 404],
        ),
        row(
            "cases_note",
            post.clone(),
            "/api/v1/cases/{id}/note",
            Case(Accepted),
            |_, _| Body::Json(json!({"content": "已电话联系群众"})),
            [401, 403, 404, OK, OK, 404, OK, 404, 404, 404, OK, 404],
        ),
        row(
            "cases_rate",
            post.clone(),
            "/api/v1/cases/{id}/rate",
            Case(Resolved),
            |_, _| Body::Json(json!({"rating": "satisfied"})),
            [401, OK, 404, 403, 403, 404, 403, 404, 403, 404, 403, 404],
        ),
        // A visitor's unclaimed case: staff record the rating for them.
        row(
            "cases_rate",
            post.clone(),
            "/api/v1/cases/{id}/rate",
            VisitorResolved,
            |_, _| Body::Json(json!({"rating": "satisfied"})),
            [401, 404, 404, OK, OK, 404, OK, 404, 404, 404, OK, 404],
        ),
        row(
            "cases_reassign",
            post.clone(),
            "/api/v1/cases/{id}/reassign",
            Case(Reopened),
            |c, _| {
                Body::Json(
                    json!({"department_id": c.department_id, "resolve_by": Utc::now() + Duration::days(10)}),
                )
            },
            [401, 403, 404, 403, 403, 404, 403, 404, 403, 404, OK, 404],
        ),
        row(
            "cases_reply",
            post.clone(),
            "/api/v1/cases/{id}/reply",
            Case(Accepted),
            |_, _| Body::Json(json!({"content": "已收到，正在核实"})),
            [401, 403, 404, OK, OK, 404, 403, 404, 404, 404, 403, 404],
        ),
        row(
            "cases_resolve",
            post.clone(),
            "/api/v1/cases/{id}/resolve",
            Case(Handled),
            |_, _| Body::Json(json!({"summary": "已修复", "outcome": "implemented"})),
            [401, 403, 404, OK, OK, 404, 403, 404, 403, 404, 403, 404],
        ),
        row(
            "cases_urge",
            post.clone(),
            "/api/v1/cases/{id}/urge",
            Case(Assigned),
            |_, _| Body::Json(json!({"note": "请加快办理"})),
            [401, 403, 404, 403, OK, 404, OK, 404, 403, 404, OK, 404],
        ),
        // The county's catalogue, public: another county's admin is refused, not kept in the dark.
        // It creates in its own county, where our department is unknown: a field it named wrong.
        row(
            "categories_create",
            post.clone(),
            "/api/v1/categories",
            Nothing,
            |c, _| {
                Body::Json(
                    json!({"name": c.unique("环境保护"), "department_id": c.department_id,
                   "respond_within_hours": 48, "resolve_within_days": 15}),
                )
            },
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, 422],
        ),
        row(
            "categories_update",
            patch.clone(),
            "/api/v1/categories/{id}",
            Category,
            |c, _| Body::Json(json!({"name": c.unique("环境卫生")})),
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, 403],
        ),
        // Into its own county.
        row(
            "departments_create",
            post.clone(),
            "/api/v1/departments",
            Nothing,
            |c, _| Body::Json(json!({"name": c.unique("县环保局")})),
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, OK],
        ),
        // The department appraisal: county and township admins, each over what it oversees.
        row(
            "departments_appraisal",
            get.clone(),
            "/api/v1/departments/appraisal",
            Nothing,
            none,
            [401, 403, 403, 403, 403, 403, OK, OK, 403, 403, OK, OK],
        ),
        // Scoring schemes: read by the county's staff, published by its admins (another
        // county's admin publishes its own; its staff do not see ours).
        row(
            "scoring_schemes_list",
            get.clone(),
            "/api/v1/scoring-schemes",
            Nothing,
            none,
            [401, 403, 403, OK, OK, OK, OK, OK, OK, OK, OK, OK],
        ),
        row(
            "scoring_schemes_create",
            post.clone(),
            "/api/v1/scoring-schemes",
            Nothing,
            |_, _| Body::Json(scheme()),
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, OK],
        ),
        row(
            "scoring_schemes_get",
            get.clone(),
            "/api/v1/scoring-schemes/{id}",
            ScoringScheme,
            none,
            [401, 403, 403, OK, OK, OK, OK, OK, OK, OK, OK, 404],
        ),
        // The ranking of deputies: county and township admins, each over what it oversees.
        row(
            "deputies_ranking",
            get.clone(),
            "/api/v1/deputies/performance",
            Nothing,
            none,
            [401, 403, 403, 403, 403, 403, OK, OK, 403, 403, OK, OK],
        ),
        row(
            "departments_update",
            patch.clone(),
            "/api/v1/departments/{id}",
            Department,
            |c, _| Body::Json(json!({"name": c.unique("县生态环境局")})),
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, 403],
        ),
        row(
            "regions_create",
            post.clone(),
            "/api/v1/regions",
            Township,
            |c, t| {
                Body::Json(json!({"name": c.unique("新村"), "level": "village", "parent_id": t.id}))
            },
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, 403],
        ),
        row(
            "regions_update",
            patch.clone(),
            "/api/v1/regions/{id}",
            Township,
            |c, _| Body::Json(json!({"name": c.unique("柏城街道")})),
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, 403],
        ),
        // Deliveries of the county's webhooks.
        row(
            "deliveries_list",
            get.clone(),
            "/api/v1/deliveries",
            Nothing,
            none,
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, OK],
        ),
        row(
            "deliveries_retry",
            post.clone(),
            "/api/v1/deliveries/{id}/retry",
            DeadDelivery,
            none,
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, 404],
        ),
        // Deputies.
        row(
            "deputies_create",
            post.clone(),
            "/api/v1/deputies",
            Nothing,
            |_, _| Body::Json(json!({"name": "新代表", "level": "county", "station_ids": [1]})),
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "deputies_update",
            patch.clone(),
            "/api/v1/deputies/{id}",
            Deputy,
            |_, _| Body::Json(json!({"office_hours": "每周一 9:00-12:00"})),
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "deputies_code",
            get.clone(),
            "/api/v1/deputies/{id}/code",
            Deputy,
            none,
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        // A deputy's performance record: as their code.
        row(
            "deputies_performance",
            get.clone(),
            "/api/v1/deputies/{id}/performance",
            Deputy,
            none,
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "deputies_code_png",
            get.clone(),
            "/api/v1/deputies/{id}/code.png",
            Deputy,
            none,
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        // The five registers of a deputy of station 1: the deputy is public, so a caller
        // who may not keep them is refused; an entry is hidden from those callers, and only
        // admins verify it.
        row(
            "deputies_registers",
            get.clone(),
            "/api/v1/deputies/{id}/registers",
            Deputy,
            none,
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "deputies_registers_add",
            post.clone(),
            "/api/v1/deputies/{id}/registers",
            Deputy,
            |_, _| {
                Body::Json(json!({"kind": "activity", "date": "2026-03-01",
                                  "title": "参加培训", "activity_kind": "training"}))
            },
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "deputies_registers_xlsx",
            get.clone(),
            "/api/v1/deputies/{id}/registers.xlsx",
            Deputy,
            none,
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "register_entries_update",
            patch.clone(),
            "/api/v1/register-entries/{id}",
            RegisterEntry,
            |_, _| Body::Json(json!({"title": "参加县人大培训"})),
            [401, 404, 404, OK, OK, 404, OK, 404, 404, 404, OK, 404],
        ),
        row(
            "register_entries_verify",
            post.clone(),
            "/api/v1/register-entries/{id}/verify",
            RegisterEntry,
            none,
            [401, 404, 404, 403, OK, 404, OK, 404, 404, 404, OK, 404],
        ),
        // Deputy groups of station 1: the station is public, so listing or adding to its groups
        // is refused; a group itself is the station's own, hidden from those who do not run it.
        row(
            "stations_groups",
            get.clone(),
            "/api/v1/stations/1/groups",
            Nothing,
            none,
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "stations_create_group",
            post.clone(),
            "/api/v1/stations/1/groups",
            Nothing,
            |c, _| {
                Body::Json(json!({"name": c.unique("第一代表小组"), "deputy_ids": [c.deputy_id]}))
            },
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "groups_update",
            patch.clone(),
            "/api/v1/groups/{id}",
            Group,
            |c, _| Body::Json(json!({"name": c.unique("第二代表小组")})),
            [401, 403, 403, 403, OK, 404, OK, 404, 403, 403, OK, 404],
        ),
        row(
            "groups_remove",
            delete.clone(),
            "/api/v1/groups/{id}",
            Group,
            none,
            [401, 403, 403, 403, OK, 404, OK, 404, 403, 403, OK, 404],
        ),
        // One's own.
        row(
            "me_get",
            get.clone(),
            "/api/v1/me",
            Nothing,
            none,
            [401, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
        ),
        row(
            "notifications_list",
            get.clone(),
            "/api/v1/notifications",
            Nothing,
            none,
            [401, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
        ),
        row(
            "notifications_read_all",
            post.clone(),
            "/api/v1/notifications/read-all",
            Nothing,
            none,
            [401, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
        ),
        row(
            "notifications_read",
            post.clone(),
            "/api/v1/notifications/{id}/read",
            Notification,
            none,
            [401, OK, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        row(
            "subscriptions_record",
            post.clone(),
            "/api/v1/subscriptions",
            Nothing,
            |_, _| Body::Json(json!({"template_ids": [crate::subscriptions::PROGRESS]})),
            [401, OK, OK, 403, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            "stream_get",
            get.clone(),
            "/api/v1/stream",
            Nothing,
            none,
            [401, 403, 403, OK, OK, OK, OK, OK, OK, OK, OK, OK],
        ),
        // Receptions at station 1, hidden from those who do not work there. Recording or
        // changing one is refused by role first, before the reception is looked up.
        row(
            "receptions_list",
            get.clone(),
            "/api/v1/receptions?station_id=1",
            Nothing,
            none,
            [401, 403, 403, OK, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "receptions_create",
            post.clone(),
            "/api/v1/receptions",
            Nothing,
            |c, _| Body::Json(reception(c)),
            [401, 403, 403, OK, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "receptions_get",
            get.clone(),
            "/api/v1/receptions/{id}",
            Reception,
            none,
            [401, 404, 404, OK, OK, 404, OK, 404, 404, 404, OK, 404],
        ),
        row(
            "receptions_update",
            patch.clone(),
            "/api/v1/receptions/{id}",
            Reception,
            |_, _| Body::Json(json!({"visitors": 41})),
            [401, 403, 403, OK, OK, 404, OK, 404, 403, 403, OK, 404],
        ),
        // Saved replies of station 1, hidden from those who do not work there.
        row(
            "reply_templates_list",
            get.clone(),
            "/api/v1/reply-templates?station_id=1",
            Nothing,
            none,
            [401, 403, 403, OK, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "reply_templates_create",
            post.clone(),
            "/api/v1/reply-templates",
            Nothing,
            |_, _| {
                Body::Json(
                    json!({"station_id": 1, "title": "已受理", "body": "您反映的问题已受理"}),
                )
            },
            // Another county's admin writes into its own county, where station 1 is unknown.
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 422],
        ),
        row(
            "reply_templates_update",
            patch.clone(),
            "/api/v1/reply-templates/{id}",
            ReplyTemplate,
            |_, _| Body::Json(json!({"body": "您反映的问题已受理，我们将尽快办理"})),
            [401, 403, 403, 403, OK, 404, OK, 404, 403, 403, OK, 404],
        ),
        row(
            "reply_templates_remove",
            delete.clone(),
            "/api/v1/reply-templates/{id}",
            ReplyTemplate,
            none,
            [401, 403, 403, 403, OK, 404, OK, 404, 403, 403, OK, 404],
        ),
        // Duty shifts: the deputy's own.
        row(
            "shifts_check_in",
            post.clone(),
            "/api/v1/shifts/{id}/check-in",
            Shift,
            none,
            [401, 403, 403, OK, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            "shifts_check_out",
            post.clone(),
            "/api/v1/shifts/{id}/check-out",
            CheckedIn,
            none,
            [401, 403, 403, OK, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        // Station 1: public, so a forbidden write is 403 (see the module's comment).
        row(
            "stations_create",
            post.clone(),
            "/api/v1/stations",
            Township,
            |_, t| {
                Body::Json(
                    json!({"name": "西关社区联络点", "kind": "point", "region_id": t.id, "address": "西关社区居委会"}),
                )
            },
            [401, 403, 403, 403, 403, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "stations_update",
            patch.clone(),
            "/api/v1/stations/1",
            Nothing,
            |_, _| Body::Json(json!({"opening_hours": "周一至周五 8:30-17:30"})),
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "stations_code",
            get.clone(),
            "/api/v1/stations/1/code",
            Nothing,
            none,
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "stations_code_png",
            get.clone(),
            "/api/v1/stations/1/code.png",
            Nothing,
            none,
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "stations_put_reception_days",
            put.clone(),
            "/api/v1/stations/1/reception-days",
            Nothing,
            |_, _| {
                Body::Json(
                    json!({"days": [{"date": (Utc::now() + Duration::days(1)).date_naive().to_string(), "starts": "09:00", "ends": "11:30"}]}),
                )
            },
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        row(
            "stations_put_roster",
            put.clone(),
            "/api/v1/stations/1/roster",
            Nothing,
            |c, _| Body::Json(roster(c.deputy_id)),
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 403],
        ),
        // Staff accounts: a station 1 admin's account is seen by those who run station 1.
        row(
            "users_list",
            get.clone(),
            "/api/v1/users",
            Nothing,
            none,
            [401, 403, 403, 403, OK, OK, OK, OK, 403, 403, OK, OK],
        ),
        row(
            "users_create",
            post.clone(),
            "/api/v1/users",
            Nothing,
            |c, _| {
                Body::Json(
                    json!({"role": "station_admin", "name": "联络员", "phone": c.phone(), "password": liaison_tests::DEMO_PASSWORD, "station_ids": [1]}),
                )
            },
            // Another county's admin creates in its own county, where station 1 is unknown: a
            // field it named wrong, as for a department or deputy of another county.
            [401, 403, 403, 403, OK, 403, OK, 403, 403, 403, OK, 422],
        ),
        row(
            "users_get",
            get.clone(),
            "/api/v1/users/{id}",
            Account,
            none,
            [401, 403, 403, 403, OK, 404, OK, 404, 403, 403, OK, 404],
        ),
        row(
            "users_update",
            patch.clone(),
            "/api/v1/users/{id}",
            Account,
            |_, _| Body::Json(json!({"name": "联络员甲"})),
            [401, 403, 403, 403, OK, 404, OK, 404, 403, 403, OK, 404],
        ),
        row(
            "users_disable",
            post.clone(),
            "/api/v1/users/{id}/disable",
            Account,
            none,
            [401, 403, 403, 403, OK, 404, OK, 404, 403, 403, OK, 404],
        ),
        row(
            "users_enable",
            post.clone(),
            "/api/v1/users/{id}/enable",
            Account,
            none,
            [401, 403, 403, 403, OK, 404, OK, 404, 403, 403, OK, 404],
        ),
        row(
            "users_reset_password",
            post.clone(),
            "/api/v1/users/{id}/reset-password",
            Account,
            none,
            [401, 403, 403, 403, OK, 404, OK, 404, 403, 403, OK, 404],
        ),
        // The county's webhooks.
        row(
            "webhooks_list",
            get.clone(),
            "/api/v1/webhooks",
            Nothing,
            none,
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, OK],
        ),
        row(
            "webhooks_create",
            post.clone(),
            "/api/v1/webhooks",
            Nothing,
            |_, _| {
                Body::Json(
                    json!({"url": "https://hotline.xiping.invalid/in", "events": ["submitted"]}),
                )
            },
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, OK],
        ),
        row(
            "webhooks_update",
            patch.clone(),
            "/api/v1/webhooks/{id}",
            Webhook,
            |_, _| Body::Json(json!({"active": false})),
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, 404],
        ),
        row(
            "webhooks_remove",
            delete.clone(),
            "/api/v1/webhooks/{id}",
            Webhook,
            none,
            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, OK, 404],
        ),
        // These end the caller's session, so they run last, on sessions of their own.
        row(
            "auth_logout",
            post.clone(),
            "/api/v1/auth/logout",
            Session,
            none,
            [401, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
        ),
        row(
            "me_change_password",
            post,
            "/api/v1/me/password",
            Session,
            |_, _| {
                Body::Json(json!({"current": liaison_tests::DEMO_PASSWORD, "new": NEW_PASSWORD}))
            },
            [401, 403, 403, OK, OK, OK, OK, OK, OK, OK, OK, OK],
        ),
    ]
}

const NEW_PASSWORD: &str = "liaison-changed-2026";

/// Operations that answer anyone: the public face of stations and deputies, sign-in, and the
/// operators' endpoints. Each is asked anonymously and must not answer 401 or 403.
const PUBLIC: [(&str, &str); 24] = [
    ("auth_dev_login", "POST /api/v1/auth/dev"),
    ("auth_password_login", "POST /api/v1/auth/password"),
    ("auth_refresh", "POST /api/v1/auth/refresh"),
    ("auth_wechat_login", "POST /api/v1/auth/wechat"),
    ("categories_list", "GET /api/v1/categories?county_id=1"),
    ("departments_list", "GET /api/v1/departments?county_id=1"),
    ("deputies_list", "GET /api/v1/deputies"),
    ("deputies_get", "GET /api/v1/deputies/1"),
    ("regions_list", "GET /api/v1/regions"),
    ("regions_get", "GET /api/v1/regions/1"),
    ("scan_get", "GET /api/v1/scan/unknown"),
    ("stations_list", "GET /api/v1/stations"),
    ("stations_get", "GET /api/v1/stations/1"),
    ("stations_deputies", "GET /api/v1/stations/1/deputies"),
    (
        "stations_get_reception_days",
        "GET /api/v1/stations/1/reception-days",
    ),
    ("stations_get_roster", "GET /api/v1/stations/1/roster"),
    ("stations_get_board", "GET /api/v1/stations/1/board"),
    ("stations_board_page", "GET /s/1/board"),
    ("stations_deputy_landing", "GET /d/unknown"),
    ("stations_landing", "GET /s/unknown"),
    ("operations_healthz", "GET /healthz"),
    ("operations_metrics", "GET /metrics"),
    ("operations_openapi_json", "GET /openapi.json"),
    ("operations_readyz", "GET /readyz"),
];

fn row(
    op: &'static str,
    method: Method,
    path: &'static str,
    needs: Needs,
    body: fn(&Ctx, &Thing) -> Body,
    expect: [u16; 12],
) -> Row {
    Row {
        op,
        method,
        path,
        needs,
        body,
        expect,
    }
}

fn reception(c: &Ctx) -> Value {
    json!({
        "station_id": 1,
        "kind": "market_day",
        "held_at": Utc::now() - Duration::days(1),
        "visitors": 37,
        "officials": [{"name": "王建国", "body": "县交通运输局"}],
        "deputy_ids": [c.deputy_id],
    })
}

/// The deputy on duty at station 1 for the day around now.
fn roster(deputy_id: i64) -> Value {
    let now = Utc::now();
    let hour = Duration::hours(1);
    json!({"from": now - hour * 12, "to": now + hour * 12,
           "shifts": [{"deputy_id": deputy_id, "starts_at": now - hour, "ends_at": now + hour}]})
}

/// What every row shares: the app, a token per caller, the ids fixtures refer to.
struct Ctx {
    app: TestApp,
    /// How each caller logs in, and its current token.
    callers: Vec<(Who, Login)>,
    tokens: Mutex<Vec<(Who, String)>>,
    deputy_id: i64,
    /// The handler's department, 县住建局.
    department_id: i64,
    category_id: Value,
    /// 柏城街道, where station 1 lies.
    township_id: i64,
    serial: AtomicUsize,
}

impl Ctx {
    fn next(&self) -> usize {
        self.serial.fetch_add(1, Ordering::Relaxed)
    }

    /// A name no earlier row used, for things whose names are unique.
    fn unique(&self, name: &str) -> String {
        format!("{name}{}", self.next())
    }

    /// A phone number no account has.
    fn phone(&self) -> String {
        format!("1370000{:04}", self.next())
    }

    fn token(&self, who: Who) -> Option<String> {
        let tokens = self.tokens.lock().unwrap();
        tokens
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, t)| t.clone())
    }

    async fn log_in_again(&self) {
        let mut fresh = Vec::new();
        for (who, login) in &self.callers {
            fresh.push((*who, login.token(&self.app).await));
        }
        *self.tokens.lock().unwrap() = fresh;
    }

    /// The caller's token for a request about `thing`: the resident column is its author.
    fn caller(&self, who: Who, thing: &Thing) -> Option<String> {
        match (who, &thing.resident) {
            (Who::Resident, Some(author)) => Some(author.clone()),
            _ => self.token(who),
        }
    }

    async fn new_resident(&self) -> String {
        self.app.resident(&format!("o-authz-{}", self.next())).await
    }

    async fn step(&self, who: Who, case: i64, step: &str, body: Value) {
        let path = format!("/api/v1/cases/{case}/{step}");
        let token = self.token(who);
        self.app
            .post(&path, token.as_deref(), body)
            .await
            .expect(200);
    }

    /// A resident's case at station 1, taken to `stage` the way the product takes it.
    async fn case(&self, stage: Stage) -> Thing {
        let resident = self.new_resident().await;
        let id = self.app.raise_at(&resident, 1).await;
        let stages = [
            Stage::Accepted,
            Stage::Assigned,
            Stage::Handled,
            Stage::Resolved,
            Stage::Reopened,
        ];
        for reached in stages.into_iter().take_while(|s| *s <= stage) {
            match reached {
                Stage::Submitted => {}
                Stage::Accepted => self.step(Who::Deputy, id, "accept", json!({})).await,
                Stage::Assigned => {
                    let body = json!({"department_id": self.department_id});
                    self.step(Who::Deputy, id, "assign", body).await
                }
                Stage::Handled => {
                    let body = json!({"content": "已修复"});
                    self.step(Who::Handler, id, "handle", body).await
                }
                Stage::Resolved => {
                    let body = json!({"summary": "已修复", "outcome": "implemented"});
                    self.step(Who::Deputy, id, "resolve", body).await
                }
                Stage::Reopened => {
                    let path = format!("/api/v1/cases/{id}/rate");
                    let body = json!({"rating": "unsatisfied"});
                    self.app
                        .post(&path, Some(&resident), body)
                        .await
                        .expect(200);
                }
            }
        }
        Thing {
            id,
            resident: Some(resident),
            extra: Value::Null,
        }
    }

    /// A visitor's case at station 1, recorded by its station admin.
    async fn walk_in(&self) -> Value {
        let body = json!({"station_id": 1, "category_id": self.category_id, "title": "低保申请进度",
                          "content": "上月提交的申请一直没有消息", "channel": "walk_in"});
        let token = self.token(Who::StationAdmin);
        self.app
            .post("/api/v1/cases", token.as_deref(), body)
            .await
            .expect(201)
            .body
    }

    /// Creates as the county admin; answers the new thing's id.
    async fn create(&self, path: &str, body: Value) -> i64 {
        let token = self.token(Who::CountyAdmin);
        self.app
            .post(path, token.as_deref(), body)
            .await
            .expect(201)
            .id()
    }

    async fn build(&self, needs: Needs) -> Thing {
        let made = |id: i64| Thing {
            id,
            resident: None,
            extra: Value::Null,
        };
        match needs {
            Needs::Nothing => made(0),
            Needs::Case(stage) => self.case(stage).await,
            Needs::Attachment => {
                let resident = self.new_resident().await;
                let photo = self.app.upload_photo(&resident).await;
                let body = json!({"station_id": 1, "category_id": self.category_id, "title": "路灯不亮",
                                  "content": "一周了", "attachment_ids": [photo]});
                self.app
                    .post("/api/v1/cases", Some(&resident), body)
                    .await
                    .expect(201);
                Thing {
                    id: photo,
                    resident: Some(resident),
                    extra: Value::Null,
                }
            }
            Needs::Receipt => {
                let case = self.walk_in().await;
                Thing {
                    id: case["id"].as_i64().unwrap(),
                    resident: None,
                    extra: case["receipt"].clone(),
                }
            }
            Needs::VisitorResolved => {
                let id = self.walk_in().await["id"].as_i64().unwrap();
                self.step(Who::StationAdmin, id, "accept", json!({})).await;
                let body = json!({"summary": "已答复", "outcome": "explained"});
                self.step(Who::StationAdmin, id, "resolve", body).await;
                made(id)
            }
            Needs::Reception => made(self.create("/api/v1/receptions", reception(self)).await),
            Needs::Group => {
                let body = json!({"name": self.unique("代表小组"), "deputy_ids": [self.deputy_id]});
                made(self.create("/api/v1/stations/1/groups", body).await)
            }
            Needs::Deputy => {
                let body = json!({"name": "孙建华", "level": "county", "station_ids": [1]});
                made(self.create("/api/v1/deputies", body).await)
            }
            Needs::RegisterEntry => {
                let body = json!({"kind": "activity", "date": "2026-03-01",
                                  "title": "参加培训", "activity_kind": "training"});
                let path = format!("/api/v1/deputies/{}/registers", self.deputy_id);
                made(self.create(&path, body).await)
            }
            Needs::Account => {
                let body = json!({"role": "station_admin", "name": "联络员", "phone": self.phone(),
                                  "password": liaison_tests::DEMO_PASSWORD, "station_ids": [1]});
                made(self.create("/api/v1/users", body).await)
            }
            Needs::Shift | Needs::CheckedIn => {
                let token = self.token(Who::StationAdmin);
                let written = self
                    .app
                    .put(
                        "/api/v1/stations/1/roster",
                        token.as_deref(),
                        roster(self.deputy_id),
                    )
                    .await
                    .expect(200)
                    .body;
                let id = written["shifts"][0]["id"].as_i64().unwrap();
                if needs == Needs::CheckedIn {
                    let path = format!("/api/v1/shifts/{id}/check-in");
                    let deputy = self.token(Who::Deputy);
                    self.app
                        .post(&path, deputy.as_deref(), json!({}))
                        .await
                        .expect(200);
                }
                made(id)
            }
            Needs::Notification => {
                let case = self.case(Stage::Accepted).await;
                self.app.dispatch().await;
                let author = case.resident.clone();
                let page = self
                    .app
                    .get("/api/v1/notifications", author.as_deref())
                    .await
                    .expect(200)
                    .body;
                Thing {
                    id: page["items"][0]["id"].as_i64().unwrap(),
                    ..case
                }
            }
            Needs::ReplyTemplate => {
                let body =
                    json!({"station_id": 1, "title": "已受理", "body": "您反映的问题已受理"});
                made(self.create("/api/v1/reply-templates", body).await)
            }
            Needs::ScoringScheme => made(self.create("/api/v1/scoring-schemes", scheme()).await),
            Needs::Webhook => {
                let body =
                    json!({"url": "https://hotline.xiping.invalid/in", "events": ["submitted"]});
                made(self.create("/api/v1/webhooks", body).await)
            }
            Needs::Category => {
                let body = json!({"name": self.unique("环境"), "department_id": self.department_id,
                                  "respond_within_hours": 48, "resolve_within_days": 15});
                made(self.create("/api/v1/categories", body).await)
            }
            Needs::Department => {
                let body = json!({"name": self.unique("县环保局")});
                made(self.create("/api/v1/departments", body).await)
            }
            Needs::Township => made(self.township_id),
            Needs::DeadDelivery => made(self.dead_delivery().await),
            Needs::Session => {
                self.log_in_again().await;
                made(0)
            }
        }
    }

    /// A webhook delivery of the county that gave up: a webhook hears of a new case, and its
    /// message is marked dead as the dispatcher marks one after its last attempt.
    async fn dead_delivery(&self) -> i64 {
        use liaison_domain::delivery::DeliveryStatus;
        use liaison_infra::entities::{deliveries, Word};
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
        let body = json!({"url": "https://hotline.xiping.invalid/in", "events": ["submitted"]});
        self.create("/api/v1/webhooks", body).await;
        let case = self.case(Stage::Submitted).await;
        let message = deliveries::Entity::find()
            .filter(deliveries::Column::CaseId.eq(case.id))
            .filter(deliveries::Column::Channel.eq("webhook"))
            .order_by_desc(deliveries::Column::Id)
            .one(self.app.db())
            .await
            .unwrap()
            .expect("a new case writes a webhook message");
        let mut dead: deliveries::ActiveModel = message.into();
        dead.status = Set(Word(DeliveryStatus::Dead));
        let dead = dead.update(self.app.db()).await.unwrap();
        dead.id
    }
}

/// Logs in the demo's staff, makes the callers the demo lacks (a township admin of 柏城街道, a
/// handler of another department, another county's admin) and puts the deputy on duty at
/// station 1, so new cases there are theirs.
async fn context(backend: Backend) -> Ctx {
    // Subscribe-message templates to grant, with WeChat itself off, so that printed codes
    // are drawn here instead of asked of WeChat.
    let wechat = wiremock::MockServer::start().await;
    let app = spawn_app_with(backend, |settings| {
        crate::subscriptions::use_templates(settings, &wechat);
        settings.wechat.appid = None;
        settings.wechat.secret = None;
        // The matrix raises far more cases and logs in far more often than anyone would.
        settings.cases.per_resident_per_hour = 10_000;
        settings.cases.per_resident_per_day = 10_000;
        settings.auth.login_attempts_per_ip = 10_000;
        settings.auth.login_attempts_per_phone_ip = 10_000;
        settings.auth.token_requests_per_ip = 10_000;
    })
    .await;
    let demo: Demo = app.seed_demo().await;
    let county_admin = app.login(&demo.county_admin).await;
    let departments = app
        .get("/api/v1/departments?county_id=1", None)
        .await
        .expect(200)
        .body;
    let department = |name: &str| {
        departments["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let department_id = department("县住建局");
    let townships = app
        .get("/api/v1/regions?level=township", None)
        .await
        .expect(200)
        .body;
    let township_id = townships["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "XPBC")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let staff = |role: &str, phone: &str, scope: Value| {
        let mut body = json!({"role": role, "name": "新同事", "phone": phone,
                              "password": liaison_tests::DEMO_PASSWORD});
        body.as_object_mut()
            .unwrap()
            .extend(scope.as_object().unwrap().clone());
        body
    };
    let township_admin = staff(
        "township_admin",
        "13900000201",
        json!({"region_id": township_id}),
    );
    let other_handler = staff(
        "handler",
        "13900000202",
        json!({"department_id": department("县水利局")}),
    );
    for body in [township_admin, other_handler] {
        app.post("/api/v1/users", Some(&county_admin), body)
            .await
            .expect(201);
    }
    let on_duty = app.deputy_on_duty(&demo).await;
    let other_county_admin = other_county(&app).await;
    let callers = vec![
        (Who::Resident, Login::Resident("o-authz-resident")),
        (Who::OtherResident, Login::Resident("o-authz-other")),
        (Who::Deputy, Login::Staff(demo.deputy)),
        (Who::StationAdmin, Login::Staff(demo.station_admin)),
        (
            Who::OtherStationAdmin,
            Login::Staff(demo.other_station_admin),
        ),
        (Who::TownshipAdmin, Login::Staff("13900000201".to_owned())),
        (Who::OtherTownshipAdmin, Login::Staff(demo.township_admin)),
        (Who::Handler, Login::Staff(demo.handler)),
        (Who::OtherHandler, Login::Staff("13900000202".to_owned())),
        (Who::CountyAdmin, Login::Staff(demo.county_admin)),
        (
            Who::OtherCountyAdmin,
            Login::Staff(other_county_admin.phone.to_owned()),
        ),
    ];
    let category_id = app.first_category().await;
    let ctx = Ctx {
        app,
        callers,
        tokens: Mutex::new(Vec::new()),
        deputy_id: on_duty.deputy_id,
        department_id,
        category_id,
        township_id,
        serial: AtomicUsize::new(0),
    };
    ctx.log_in_again().await;
    ctx
}

enum Login {
    Staff(String),
    Resident(&'static str),
}

impl Login {
    async fn token(&self, app: &TestApp) -> String {
        match self {
            Login::Staff(phone) => app.login(phone).await,
            Login::Resident(openid) => app.resident(openid).await,
        }
    }
}

/// Sends a request and answers its status; a live stream is not read to its end.
async fn status_of(
    app: &TestApp,
    method: &Method,
    path: &str,
    token: Option<&str>,
    body: Body,
) -> (u16, String) {
    let mut request = app.client.request(method.clone(), app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request = match body {
        Body::None => request,
        Body::Json(value) => request.json(&value),
        Body::Photo => {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(PNG)
                .unwrap();
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name("photo.png")
                .mime_str("image/png")
                .unwrap();
            request.multipart(reqwest::multipart::Form::new().part("file", part))
        }
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let streaming = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if streaming {
        return (status, String::new());
    }
    (status, read(response).await.body.to_string())
}

fn matches(expected: u16, got: u16) -> bool {
    if expected == OK {
        (200..300).contains(&got)
    } else {
        expected == got
    }
}

async fn every_operation_answers_each_caller_as_the_matrix_says(backend: Backend) {
    let ctx = context(backend).await;
    let mut wrong = Vec::new();
    for row in matrix() {
        let mut thing = ctx.build(row.needs).await;
        for (who, expected) in COLUMNS.into_iter().zip(row.expect) {
            let token = ctx.caller(who, &thing);
            let path = row.path.replace("{id}", &thing.id.to_string());
            let body = (row.body)(&ctx, &thing);
            let (got, answer) =
                status_of(&ctx.app, &row.method, &path, token.as_deref(), body).await;
            if !matches(expected, got) {
                wrong.push(format!(
                    "{} {} {path} as {who:?}: expected {expected}, got {got}: {answer:.200}",
                    row.op, row.method
                ));
            }
            // A write that went through changed the thing: the next caller meets a new one.
            // (A session ended is that caller's alone: the others' still stand.)
            let changed = row.method != Method::GET && row.needs != Needs::Session;
            if changed && (200..300).contains(&got) {
                thing = ctx.build(row.needs).await;
            }
        }
    }
    for (op, request) in PUBLIC {
        let (method, path) = request.split_once(' ').unwrap();
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let body = if method == Method::POST {
            Body::Json(json!({}))
        } else {
            Body::None
        };
        let (got, _) = status_of(&ctx.app, &method, path, None, body).await;
        if got == 401 || got == 403 {
            wrong.push(format!(
                "{op} {request} is public, but answered {got} anonymously"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "the matrix differs:\n{}",
        wrong.join("\n")
    );
}

/// Every operation of openapi/openapi.json that needs a caller has a row, and every other one
/// is listed as public; a row or a public entry naming no operation is stale.
#[test]
fn the_matrix_covers_every_operation_of_the_api() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let document: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let needs_caller = |operation: &Value| {
        operation
            .get("security")
            .or(document.get("security"))
            .and_then(Value::as_array)
            .is_some_and(|schemes| !schemes.is_empty())
    };
    let (mut authenticated, mut public) = (BTreeSet::new(), BTreeSet::new());
    for methods in document["paths"].as_object().unwrap().values() {
        for operation in methods.as_object().unwrap().values() {
            let id = operation["operationId"].as_str().unwrap().to_owned();
            if needs_caller(operation) {
                authenticated.insert(id);
            } else {
                public.insert(id);
            }
        }
    }
    let rows: BTreeSet<String> = matrix().iter().map(|r| r.op.to_owned()).collect();
    let listed: BTreeSet<String> = PUBLIC.iter().map(|(op, _)| (*op).to_owned()).collect();
    let missing: Vec<_> = authenticated.difference(&rows).collect();
    assert!(
        missing.is_empty(),
        "operations that need a caller have no row in the matrix: {missing:?}"
    );
    let unlisted: Vec<_> = public.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "public operations missing from PUBLIC: {unlisted:?}"
    );
    let stale: Vec<_> = rows
        .difference(&authenticated)
        .chain(listed.difference(&public))
        .collect();
    assert!(
        stale.is_empty(),
        "rows or public entries that name no such operation: {stale:?}"
    );
}

/// A valid scoring scheme for 2021.
fn scheme() -> Value {
    json!({"year": 2021, "weights": {"cases_resolved": 5}, "thresholds": [1, 2, 3, 4, 5]})
}

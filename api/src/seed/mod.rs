//! `liaison seed --cases N`: a county's year of cases, for measuring the server at scale.
//!
//! Reuses the demo county (seeding it if absent), gives it a county's worth of stations and a
//! station admin and handler for each part of the work, then raises N cases spread over its
//! stations, categories and the past year, each lived forward to now by the domain's case
//! machine (so statuses, timestamps, ratings and the timeline agree as for real cases), with
//! the deadline watcher's marks for deadlines missed on the way. Rows go in large multi-row
//! inserts, one transaction per chunk of cases, so a million cases take minutes.

mod life;

use std::collections::HashMap;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Duration, Utc};
use liaison_domain::actor::{Actor, Role};
use liaison_domain::case::access::Scope;
use liaison_domain::case::{deadline, number, Rules};
use liaison_domain::category::Limits;
use liaison_domain::region::RegionLevel;
use liaison_domain::search;
use liaison_domain::station::StationKind;
use liaison_infra::db::Backend;
use liaison_infra::db::Db;
use liaison_infra::entities::Word;
use liaison_infra::entities::{
    case_counters, case_events, cases, categories, deadline_marks, departments, regions, stations,
    user_stations, users,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

use self::life::{Cast, Life, Rulebook, StepBy};
use crate::demo;
use crate::settings::Settings;

/// Stations a county runs: the demo's four and village points up to this many.
const STATIONS: usize = 20;
/// Cases per resident on average: most raise one or two, some many.
const CASES_PER_RESIDENT: u64 = 10;
/// Cases written per transaction.
const CHUNK: u64 = 10_000;
/// Rows per INSERT, under SQLite's 32,766 bound parameters for the widest table (28 columns).
const CASE_ROWS: usize = 1_000;
const EVENT_ROWS: usize = 3_000;
/// The same numbers on every run, so two runs of the benchmark measure the same data.
const RANDOM_SEED: u64 = 2026;

/// What `seed` wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub cases: u64,
    pub events: u64,
    pub residents: u64,
}

/// The county and who works in it, as the generated cases need them.
struct County {
    id: i64,
    code: String,
    /// Station id and the name of its township.
    stations: Vec<(i64, String)>,
    /// Category id, its limits, and the handler of its department.
    categories: Vec<(i64, Limits, Actor, String)>,
    admin: (Actor, String),
}

/// Seeds `cases` cases dated over the year before `now`, living by `settings`' rules.
pub async fn seed(
    db: &Db,
    settings: &Settings,
    cases: u64,
    now: DateTime<Utc>,
) -> anyhow::Result<Seeded> {
    demo::seed(db, now).await?;
    let county = organise(db, now).await?;
    let residents = residents(db, cases.div_ceil(CASES_PER_RESIDENT).max(1), now).await?;
    let book = Rulebook {
        rules: Rules {
            reopen_limit: settings.cases.reopen_limit,
            close_unrated_after: Duration::days(settings.cases.close_unrated_after_days),
        },
        escalate_after: Duration::hours(i64::from(settings.deadlines.escalate_after_hours)),
        now,
    };
    let mut rng = StdRng::seed_from_u64(RANDOM_SEED);
    let mut counters = counters(db, &county.code).await?;
    let mut next_id = next_id(db).await?;
    let first_id = next_id;
    let start = now - Duration::days(365);
    let mut events = 0;
    let mut done = 0;
    while done < cases {
        let chunk = CHUNK.min(cases - done);
        let mut rows = Vec::new();
        let mut steps = Vec::new();
        let mut marks = Vec::new();
        for i in done..done + chunk {
            // Ascending in time as ids are, as a real year's cases would be.
            let raised = start + Duration::seconds((365 * 86_400 * i / cases) as i64);
            let (case, case_steps, case_marks) = one_case(
                &mut rng,
                &county,
                &residents,
                &book,
                &mut counters,
                next_id,
                raised,
            );
            rows.push(case);
            steps.extend(case_steps);
            marks.extend(case_marks);
            next_id += 1;
        }
        events += steps.len() as u64;
        let txn = db.begin().await?;
        for batch in rows.chunks(CASE_ROWS) {
            cases::Entity::insert_many(batch.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        for batch in steps.chunks(EVENT_ROWS) {
            case_events::Entity::insert_many(batch.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        for batch in marks.chunks(EVENT_ROWS) {
            deadline_marks::Entity::insert_many(batch.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        done += chunk;
        tracing::info!(done, of = cases, "cases seeded");
    }
    store_counters(db, &county.code, &counters).await?;
    if next_id > first_id {
        if Backend::of_connection(db) == Backend::Postgres {
            // Ids were given here; the sequence must hand out the ones after them.
            db.execute_unprepared(
                "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))",
            )
            .await?;
            // Folds the GIN index's pending entries in, which every search would scan.
            db.execute_unprepared("VACUUM ANALYZE").await?;
        } else {
            // The planner's statistics: without them SQLite guesses ten rows for any equality.
            db.execute_unprepared("ANALYZE").await?;
        }
    }
    Ok(Seeded {
        cases,
        events,
        residents: residents.len() as u64,
    })
}

/// One case's row, timeline and deadline marks.
fn one_case(
    rng: &mut StdRng,
    county: &County,
    residents: &[(Actor, String)],
    book: &Rulebook,
    counters: &mut HashMap<String, i32>,
    id: i64,
    raised: DateTime<Utc>,
) -> (
    cases::ActiveModel,
    Vec<case_events::ActiveModel>,
    Vec<deadline_marks::ActiveModel>,
) {
    let (station_id, township) = &county.stations[rng.gen_range(0..county.stations.len())];
    let (category_id, limits, handler, handler_name) =
        &county.categories[rng.gen_range(0..county.categories.len())];
    let (resident, resident_name) = &residents[rng.gen_range(0..residents.len())];
    let texts = life::texts(rng, township);
    let (respond_by, resolve_by) = deadline::due(*limits, raised);
    let scope = Scope {
        station_id: *station_id,
        county_id: county.id,
        resident_id: resident.user_id,
        assignee_id: None,
        department_id: None,
    };
    let mut admin = county.admin.0.clone();
    admin.station_ids = vec![*station_id];
    let cast = Cast {
        resident,
        admin: &admin,
        handler,
    };
    let Life {
        case,
        respond_by,
        rating,
        steps,
        marks,
    } = life::live(rng, scope, &cast, (raised, respond_by, resolve_by), book);
    let day = number::day(raised);
    let seq = counters.entry(day.clone()).or_insert(0);
    *seq += 1;
    let number = number::format(&county.code, &day, u32::try_from(*seq).unwrap_or(u32::MAX));
    let search_terms =
        search::index_terms(&number, &texts.title, &texts.content, Some(&texts.location));
    let updated = steps.last().map_or(raised, |step| step.at);
    let version = i32::try_from(steps.len()).unwrap_or(i32::MAX) - 1;
    let row = cases::ActiveModel {
        id: Set(id),
        number: Set(number),
        station_id: Set(*station_id),
        county_id: Set(county.id),
        category_id: Set(*category_id),
        resident_id: Set(resident.user_id),
        assignee_id: Set(case.scope.assignee_id),
        department_id: Set(case.scope.department_id),
        title: Set(texts.title),
        content: Set(texts.content),
        location: Set(Some(texts.location)),
        search_terms: Set(search_terms),
        anonymous: Set(rng.gen_bool(0.1)),
        contact_phone: Set(None),
        status: Set(Word(case.status)),
        flagged: Set(false),
        reopen_count: Set(i32::try_from(case.reopen_count).unwrap_or(i32::MAX)),
        escalated: Set(case.escalated),
        respond_by: Set(respond_by),
        resolve_by: Set(case.resolve_by),
        first_response_at: Set(case.first_response_at),
        resolved_at: Set(case.resolved_at),
        closed_at: Set(case.closed_at),
        rating: Set(rating.map(Word)),
        rating_comment: Set(None),
        version: Set(version.max(0)),
        created_at: Set(raised),
        updated_at: Set(updated),
    };
    let events = steps
        .into_iter()
        .map(|step| {
            let (actor_id, role, name) = match step.by {
                Some(StepBy::Resident) => (
                    Some(resident.user_id),
                    Role::Resident.as_str(),
                    resident_name,
                ),
                Some(StepBy::Admin) => (Some(admin.user_id), admin.role.as_str(), &county.admin.1),
                Some(StepBy::Handler) => {
                    (Some(handler.user_id), Role::Handler.as_str(), handler_name)
                }
                None => (None, "system", &SYSTEM_NAME.to_owned()),
            };
            case_events::ActiveModel {
                case_id: Set(id),
                internal: Set(step.kind.is_internal()),
                kind: Set(Word(step.kind)),
                actor_id: Set(actor_id),
                actor_role: Set(role.to_owned()),
                actor_name: Set(name.clone()),
                text: Set(step.text),
                created_at: Set(step.at),
                ..Default::default()
            }
        })
        .collect();
    let marks = marks
        .into_iter()
        .map(|mark| deadline_marks::ActiveModel {
            case_id: Set(id),
            deadline: Set(mark.deadline.as_str().to_owned()),
            due_at: Set(mark.due_at),
            overdue_at: Set(mark.overdue_at),
            escalated_at: Set(mark.escalated_at),
            ..Default::default()
        })
        .collect();
    (row, events, marks)
}

/// How the timeline names what the server did by itself (as `store_system_step` does).
const SYSTEM_NAME: &str = "系统";

/// The demo county with `STATIONS` stations, one station admin for all of them, and a handler
/// for every department; made once, found on later runs.
async fn organise(db: &Db, now: DateTime<Utc>) -> anyhow::Result<County> {
    let county = regions::Entity::find()
        .filter(regions::Column::Code.eq(demo::COUNTY.1))
        .one(db)
        .await?
        .context("the demo county is missing")?;
    let code = county.code.clone().context("the demo county has no code")?;
    let regions = regions::Entity::find()
        .filter(regions::Column::CountyId.eq(county.id))
        .order_by_asc(regions::Column::Id)
        .all(db)
        .await?;
    if regions.is_empty() {
        return Err(anyhow!("the demo county has no townships"));
    }
    let find_stations = || {
        stations::Entity::find()
            .filter(stations::Column::CountyId.eq(county.id))
            .order_by_asc(stations::Column::Id)
            .all(db)
    };
    let mut found = find_stations().await?;
    if found.len() < STATIONS {
        let txn = db.begin().await?;
        for n in found.len()..STATIONS {
            let region = &regions[n % regions.len()];
            stations::ActiveModel {
                county_id: Set(county.id),
                region_id: Set(region.id),
                name: Set(format!("{}第{}人大代表联络点", region.name, n + 1)),
                kind: Set(Word(StationKind::Point)),
                address: Set(format!("{}{}", county.name, region.name)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        txn.commit().await?;
        found = find_stations().await?;
    }
    let station_ids: Vec<i64> = found.iter().map(|s| s.id).collect();
    let admin = staff(db, Role::StationAdmin, ADMIN_NAME, county.id, None, now).await?;
    for station_id in &station_ids {
        user_stations::Entity::insert(user_stations::ActiveModel {
            user_id: Set(admin.user_id),
            station_id: Set(*station_id),
        })
        .on_conflict(
            OnConflict::columns([
                user_stations::Column::UserId,
                user_stations::Column::StationId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    let mut handlers = HashMap::new();
    for department in departments::Entity::find()
        .filter(departments::Column::CountyId.eq(county.id))
        .all(db)
        .await?
    {
        let name = format!("{}承办人", department.name);
        let handler = staff(
            db,
            Role::Handler,
            &name,
            county.id,
            Some(department.id),
            now,
        )
        .await?;
        handlers.insert(department.id, (handler, name));
    }
    let mut categories = Vec::new();
    for category in categories::Entity::find()
        .filter(categories::Column::CountyId.eq(county.id))
        .filter(categories::Column::Active.eq(true))
        .order_by_asc(categories::Column::Id)
        .all(db)
        .await?
    {
        let limits = Limits::parse(
            i64::from(category.respond_within_hours),
            i64::from(category.resolve_within_days),
        )
        .map_err(|e| anyhow!("category {} has invalid limits: {e}", category.id))?;
        let (handler, name) = handlers
            .get(&category.department_id)
            .cloned()
            .with_context(|| format!("category {} has no department", category.id))?;
        categories.push((category.id, limits, handler, name));
    }
    if categories.is_empty() {
        return Err(anyhow!("the demo county has no active category"));
    }
    Ok(County {
        id: county.id,
        code,
        stations: found
            .iter()
            .map(|s| (s.id, township_of(&regions, s.region_id)))
            .collect(),
        categories,
        admin: (
            Actor {
                station_ids,
                ..admin
            },
            ADMIN_NAME.to_owned(),
        ),
    })
}

/// The township a station lies in, by name: its region's, or its village's township's.
fn township_of(regions: &[regions::Model], region_id: i64) -> String {
    let find = |id: Option<i64>| regions.iter().find(|r| Some(r.id) == id);
    match find(Some(region_id)) {
        Some(region) if *region.level == RegionLevel::Village => find(region.parent_id)
            .map(|township| township.name.clone())
            .unwrap_or_default(),
        Some(region) => region.name.clone(),
        None => String::new(),
    }
}

/// The station admin every generated step of the stations' side is taken by.
const ADMIN_NAME: &str = "联络员";

/// A staff account without a password (no one logs in as it), found by role and name.
async fn staff(
    db: &Db,
    role: Role,
    name: &str,
    county_id: i64,
    department_id: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<Actor> {
    let existing = users::Entity::find()
        .filter(users::Column::Role.eq(role.as_str()))
        .filter(users::Column::Name.eq(name))
        .filter(users::Column::CountyId.eq(county_id))
        .one(db)
        .await?;
    let user = match existing {
        Some(user) => user,
        None => {
            users::ActiveModel {
                role: Set(Word(role)),
                name: Set(name.to_owned()),
                county_id: Set(Some(county_id)),
                department_id: Set(department_id),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    Ok(Actor {
        user_id: user.id,
        role,
        county_id: Some(county_id),
        station_ids: Vec::new(),
        department_id: user.department_id,
        deputy_id: None,
    })
}

/// `count` residents `seed-resident-1`, `seed-resident-2`, …: those missing are created, so
/// a benchmark can log in as them with `POST /api/v1/auth/dev`.
async fn residents(
    db: &Db,
    count: u64,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(Actor, String)>> {
    let openid = |n: u64| format!("seed-resident-{n}");
    let find = || {
        users::Entity::find()
            .filter(users::Column::Role.eq(Role::Resident.as_str()))
            .filter(users::Column::Openid.starts_with("seed-resident-"))
            .all(db)
    };
    let existing: std::collections::HashSet<String> =
        find().await?.into_iter().filter_map(|u| u.openid).collect();
    let missing: Vec<users::ActiveModel> = (1..=count)
        .filter(|n| !existing.contains(&openid(*n)))
        .map(|n| users::ActiveModel {
            role: Set(Word(Role::Resident)),
            name: Set(format!("居民{n}")),
            openid: Set(Some(openid(n))),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    let txn = db.begin().await?;
    for batch in missing.chunks(EVENT_ROWS) {
        users::Entity::insert_many(batch.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(find()
        .await?
        .into_iter()
        .map(|user| {
            (
                Actor {
                    user_id: user.id,
                    role: Role::Resident,
                    county_id: None,
                    station_ids: Vec::new(),
                    department_id: None,
                    deputy_id: None,
                },
                user.name,
            )
        })
        .collect())
}

/// The day counters of the county's case numbers, which the seeded numbers continue.
async fn counters(db: &Db, code: &str) -> anyhow::Result<HashMap<String, i32>> {
    Ok(case_counters::Entity::find()
        .filter(case_counters::Column::Prefix.eq(code))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.day, c.seq))
        .collect())
}

/// Leaves every day's counter at the last number given, so new cases continue after them.
async fn store_counters(
    db: &Db,
    code: &str,
    counters: &HashMap<String, i32>,
) -> anyhow::Result<()> {
    let rows: Vec<case_counters::ActiveModel> = counters
        .iter()
        .map(|(day, seq)| case_counters::ActiveModel {
            prefix: Set(code.to_owned()),
            day: Set(day.clone()),
            seq: Set(*seq),
        })
        .collect();
    let txn = db.begin().await?;
    for batch in rows.chunks(EVENT_ROWS) {
        case_counters::Entity::insert_many(batch.to_vec())
            .on_conflict(
                OnConflict::columns([case_counters::Column::Prefix, case_counters::Column::Day])
                    .update_column(case_counters::Column::Seq)
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn next_id(db: &Db) -> anyhow::Result<i64> {
    let max: Option<i64> = cases::Entity::find()
        .select_only()
        .column_as(Expr::col(cases::Column::Id).max(), "max")
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    Ok(max.unwrap_or(0) + 1)
}

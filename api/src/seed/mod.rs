//! `liaison seed --cases N`: a county's year of cases, for measuring the server at scale.
//!
//! Reuses the demo county (seeding it if absent), gives it a county's worth of stations and a
//! station admin and handler for each part of the work, then raises N cases spread over its
//! stations, categories and the past year, each lived forward to now by the domain's case
//! machine (so statuses, timestamps, ratings and the timeline agree as for real cases), with
//! the deadline watcher's marks for deadlines missed on the way. Rows go in large multi-row
//! inserts, one transaction per chunk of cases, so a million cases take minutes.

mod life;

use liaison_infra::store::cases::figures::rollup::{self, Rolled};
use std::collections::HashMap;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Duration, Utc};
use liaison_domain::actor::{Actor, Role};
use liaison_domain::case::access::Scope;
use liaison_domain::case::{deadline, number, Channel, Rules};
use liaison_domain::category::Limits;
use liaison_domain::region::RegionLevel;
use liaison_domain::search;
use liaison_domain::station::StationKind;
use liaison_infra::db::Db;
use liaison_infra::entities::{cases, regions, Word};
use liaison_infra::store::cases::events::Author;
use liaison_infra::store::organisation::regions as region_store;
use liaison_infra::store::organisation::stations::NewStation;
use liaison_infra::store::organisation::{categories, counties, departments, stations};
use liaison_infra::store::seeding::{self, NewEvent, NewMark, NewResident};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::TransactionTrait;

use self::life::{Cast, Life, Rulebook, StepBy};
use crate::demo;
use crate::settings::Settings;

/// Stations a county runs: the demo's four and village points up to this many.
const STATIONS: usize = 20;
/// Cases per resident on average: most raise one or two, some many.
const CASES_PER_RESIDENT: u64 = 10;
/// Cases written per transaction.
const CHUNK: u64 = 10_000;
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
    let mut counters = seeding::day_counters(db, &county.code).await?;
    let mut next_id = seeding::next_case_id(db).await?;
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
        seeding::insert_cases(&txn, rows).await?;
        seeding::insert_events(&txn, steps).await?;
        seeding::insert_marks(&txn, marks).await?;
        txn.commit().await?;
        done += chunk;
        tracing::info!(done, of = cases, "cases seeded");
    }
    let txn = db.begin().await?;
    seeding::set_day_counters(&txn, &county.code, &counters).await?;
    txn.commit().await?;
    if next_id > first_id {
        seeding::settle(db).await?;
        // The cases were written around the steps, which keep the figures' rollup: it is
        // built again, here rather than by the first server's worker, so that the figures
        // are as fast as they will be as soon as the seeder is done.
        rollup::forget(db).await?;
        loop {
            let rolled = rollup::roll(db, now).await?;
            if rolled == Rolled::default() {
                break;
            }
            tracing::info!(
                days = rolled.new,
                months = rolled.months,
                "figures rolled up"
            );
        }
    }
    Ok(Seeded {
        cases,
        events,
        residents: residents.len() as u64,
    })
}

/// One case's row, timeline and deadline marks.
fn one_case<'a>(
    rng: &mut StdRng,
    county: &'a County,
    residents: &'a [(Actor, String)],
    book: &Rulebook,
    counters: &mut HashMap<String, i32>,
    id: i64,
    raised: DateTime<Utc>,
) -> (cases::Model, Vec<NewEvent<'a>>, Vec<NewMark>) {
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
    let resolution = steps
        .iter()
        .rev()
        .find_map(|step| step.event.resolution.clone());
    let version = i32::try_from(steps.len()).unwrap_or(i32::MAX) - 1;
    let row = cases::Model {
        id,
        number,
        station_id: *station_id,
        county_id: county.id,
        category_id: *category_id,
        resident_id: resident.user_id,
        assignee_id: case.scope.assignee_id,
        department_id: case.scope.department_id,
        title: texts.title,
        content: texts.content,
        location: Some(texts.location),
        search_terms,
        anonymous: rng.gen_bool(0.1),
        contact_phone: None,
        status: Word(case.status),
        flagged: false,
        reopen_count: i32::try_from(case.reopen_count).unwrap_or(i32::MAX),
        escalated: case.escalated,
        respond_by,
        resolve_by: case.resolve_by,
        resolve_within_days: i32::try_from(limits.resolve_within_days()).unwrap_or(i32::MAX),
        first_response_at: case.first_response_at,
        resolved_at: case.resolved_at,
        closed_at: case.closed_at,
        rating: rating.map(Word),
        rating_comment: None,
        reception_id: None,
        outcome: resolution.as_ref().map(|r| Word(r.outcome())),
        planned_on: resolution.as_ref().and_then(|r| r.planned_on()),
        outcome_reason: resolution
            .as_ref()
            .and_then(|r| r.reason())
            .map(str::to_owned),
        version: version.max(0),
        created_at: raised,
        updated_at: updated,
        channel: Word(Channel::MiniProgram),
        visitor_name: None,
        claimed_at: None,
        // A share of the results on the public boards, without another draw from `rng`.
        publishable: id % 3 == 0,
    };
    let events = steps
        .into_iter()
        .map(|step| {
            let author = match step.by {
                Some(StepBy::Resident) => Author {
                    actor_id: Some(resident.user_id),
                    role: Role::Resident.as_str(),
                    name: resident_name,
                },
                Some(StepBy::Admin) => Author {
                    actor_id: Some(county.admin.0.user_id),
                    role: county.admin.0.role.as_str(),
                    name: &county.admin.1,
                },
                Some(StepBy::Handler) => Author {
                    actor_id: Some(handler.user_id),
                    role: Role::Handler.as_str(),
                    name: handler_name,
                },
                None => Author {
                    actor_id: None,
                    role: "system",
                    name: SYSTEM_NAME,
                },
            };
            NewEvent {
                case_id: id,
                event: step.event,
                author,
                at: step.at,
            }
        })
        .collect();
    let marks = marks
        .into_iter()
        .map(|mark| NewMark {
            case_id: id,
            deadline: mark.deadline,
            due_at: mark.due_at,
            overdue_at: mark.overdue_at,
            escalated_at: mark.escalated_at,
        })
        .collect();
    (row, events, marks)
}

/// How the timeline names what the server did by itself (as `store_system_step` does).
const SYSTEM_NAME: &str = "系统";

/// The demo county with `STATIONS` stations, one station admin for all of them, and a handler
/// for every department; made once, found on later runs.
async fn organise(db: &Db, now: DateTime<Utc>) -> anyhow::Result<County> {
    let county = counties::holder_of_code(db, demo::COUNTY.1)
        .await?
        .context("the demo county is missing")?;
    let code = county.code.clone().context("the demo county has no code")?;
    let regions = region_store::below(db, county.id).await?;
    if regions.is_empty() {
        return Err(anyhow!("the demo county has no townships"));
    }
    let mut found = stations::of_county(db, county.id).await?;
    if found.len() < STATIONS {
        let txn = db.begin().await?;
        for n in found.len()..STATIONS {
            let region = &regions[n % regions.len()];
            let station = NewStation {
                county_id: county.id,
                region_id: region.id,
                name: format!("{}第{}人大代表联络点", region.name, n + 1),
                kind: StationKind::Point,
                address: format!("{}{}", county.name, region.name),
                opening_hours: None,
                location: None,
            };
            stations::insert(&txn, station, now).await?;
        }
        txn.commit().await?;
        found = stations::of_county(db, county.id).await?;
    }
    let station_ids: Vec<i64> = found.iter().map(|s| s.id).collect();
    let admin = staff(db, Role::StationAdmin, ADMIN_NAME, county.id, None, now).await?;
    seeding::run_stations(db, admin.user_id, &station_ids).await?;
    let mut handlers = HashMap::new();
    for department in departments::of_county(db, county.id).await? {
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
    for category in categories::active_in(db, county.id).await? {
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
    let user = seeding::staff(db, role, name, county_id, department_id, now).await?;
    Ok(Actor {
        user_id: user.id,
        role,
        county_id: Some(county_id),
        station_ids: Vec::new(),
        township_id: None,
        department_id: user.department_id,
        deputy_id: None,
    })
}

/// How the residents' openids start: `seed-resident-1`, `seed-resident-2`, …
const RESIDENT_OPENID: &str = "seed-resident-";

/// `count` residents `seed-resident-1`, `seed-resident-2`, …: those missing are created, so
/// a benchmark can log in as them with `POST /api/v1/auth/dev`.
async fn residents(
    db: &Db,
    count: u64,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(Actor, String)>> {
    let openid = |n: u64| format!("{RESIDENT_OPENID}{n}");
    let existing: std::collections::HashSet<String> = seeding::residents(db, RESIDENT_OPENID)
        .await?
        .into_iter()
        .filter_map(|u| u.openid)
        .collect();
    let missing: Vec<NewResident> = (1..=count)
        .filter(|n| !existing.contains(&openid(*n)))
        .map(|n| NewResident {
            name: format!("居民{n}"),
            openid: openid(n),
        })
        .collect();
    let txn = db.begin().await?;
    seeding::insert_residents(&txn, missing, now).await?;
    txn.commit().await?;
    Ok(seeding::residents(db, RESIDENT_OPENID)
        .await?
        .into_iter()
        .map(|user| {
            (
                Actor {
                    user_id: user.id,
                    role: Role::Resident,
                    county_id: None,
                    station_ids: Vec::new(),
                    township_id: None,
                    department_id: None,
                    deputy_id: None,
                },
                user.name,
            )
        })
        .collect())
}

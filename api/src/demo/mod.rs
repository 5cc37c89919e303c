//! A demo county, 西平县 (code XP), with stations, deputies, rosters and one account per staff
//! role, so a fresh install can be shown and tried without typing in an organisation first.

use std::collections::HashMap;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use liaison_domain::actor::Role;
use liaison_domain::deputy::{DeputyLevel, DeputyStatus};
use liaison_domain::reception::{Official, ReceptionKind};
use liaison_domain::reception_day::{Days, ReceptionDay, Schedule, Weekday};
use liaison_domain::region::RegionLevel;
use liaison_domain::roster::{Period, Shift};
use liaison_domain::station::{Location, StationKind};
use liaison_infra::db::Db;
use liaison_infra::password;
use liaison_infra::store::accounts::{self, NewStaff};
use liaison_infra::store::organisation::categories::{self, NewCategory};
use liaison_infra::store::organisation::deputies::{self, DeputyChange, NewDeputy, StatusChange};
use liaison_infra::store::organisation::receptions::{self, Sitting};
use liaison_infra::store::organisation::regions::{self, NewRegion};
use liaison_infra::store::organisation::stations::{self, NewStation};
use liaison_infra::store::organisation::{counties, departments, reception_days, rosters};
use sea_orm::{ConnectionTrait, TransactionTrait};

mod cases;

pub use cases::seed_cases;

/// Published with the demo: every demo account logs in with it.
pub const DEMO_PASSWORD: &str = "liaison-demo-2026";

/// What `seed` did, and the accounts to log in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSeed {
    /// `false` when the demo county was already there and nothing was written.
    pub created: bool,
    pub accounts: Vec<DemoAccount>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub role: &'static str,
    pub name: String,
    pub phone: String,
}

/// The demo county's name and the letters of its case numbers.
pub(crate) const COUNTY: (&str, &str) = ("西平县", "XP");

/// Townships with their codes and villages. Codes are unique across all regions.
const TOWNSHIPS: [(&str, &str, &[&str]); 4] = [
    ("柏城街道", "XPBC", &["西关社区", "东关社区"]),
    ("出山镇", "XPCS", &["出山村", "棠溪村"]),
    ("专探乡", "XPZT", &["专探村"]),
    ("杨庄乡", "XPYZ", &["杨庄村"]),
];

struct DemoStation {
    name: &'static str,
    kind: StationKind,
    /// The township or village it lies in, by name.
    region: &'static str,
    address: &'static str,
    opening_hours: &'static str,
    location: Location,
}

const STATIONS: [DemoStation; 4] = [
    DemoStation {
        name: "柏城街道人大代表联络站",
        kind: StationKind::Station,
        region: "柏城街道",
        address: "西平县柏城街道人民路88号",
        opening_hours: "周一至周五 9:00-17:00",
        location: Location {
            latitude: 33.3832,
            longitude: 114.0216,
        },
    },
    DemoStation {
        name: "出山镇人大代表之家",
        kind: StationKind::Home,
        region: "出山镇",
        address: "西平县出山镇人民政府院内",
        opening_hours: "周一至周五 9:00-17:00",
        location: Location {
            latitude: 33.3510,
            longitude: 113.8650,
        },
    },
    DemoStation {
        name: "专探村人大代表工作室",
        kind: StationKind::Studio,
        region: "专探村",
        address: "西平县专探乡专探村党群服务中心",
        opening_hours: "每周二、周四 9:00-17:00",
        location: Location {
            latitude: 33.3290,
            longitude: 114.0950,
        },
    },
    DemoStation {
        name: "杨庄村人大代表联络点",
        kind: StationKind::Point,
        region: "杨庄村",
        address: "西平县杨庄乡杨庄村村委会大院",
        opening_hours: "赶集日（农历逢二、五、八）8:00-12:00",
        location: Location {
            latitude: 33.4460,
            longitude: 114.0730,
        },
    },
];

struct DemoDeputy {
    name: &'static str,
    level: DeputyLevel,
    office_hours: &'static str,
    public_contact: Option<&'static str>,
    /// Indexes into `STATIONS`.
    stations: &'static [usize],
    /// Why the deputy is suspended, for the one who is: on no roster, routed nothing.
    suspended: Option<&'static str>,
}

const DEPUTIES: [DemoDeputy; 12] = [
    DemoDeputy {
        name: "王秀英",
        level: DeputyLevel::National,
        office_hours: "每月第一个周一 9:00-12:00",
        public_contact: None,
        stations: &[0],
        suspended: None,
    },
    DemoDeputy {
        name: "李建国",
        level: DeputyLevel::Provincial,
        office_hours: "每月第二个周三 9:00-12:00",
        public_contact: None,
        stations: &[0, 1],
        suspended: None,
    },
    DemoDeputy {
        name: "张丽华",
        level: DeputyLevel::City,
        office_hours: "每周二 14:30-17:00",
        public_contact: Some("13800000111"),
        stations: &[1],
        suspended: None,
    },
    DemoDeputy {
        name: "陈志强",
        level: DeputyLevel::City,
        office_hours: "每周四 9:00-12:00",
        public_contact: None,
        stations: &[1, 2],
        suspended: None,
    },
    DemoDeputy {
        name: "刘桂兰",
        level: DeputyLevel::County,
        office_hours: "周一至周五 9:00-17:00（轮值日）",
        public_contact: Some("13800000112"),
        stations: &[0],
        suspended: None,
    },
    DemoDeputy {
        name: "杨卫东",
        level: DeputyLevel::County,
        office_hours: "每周一 9:00-17:00",
        public_contact: None,
        stations: &[0, 3],
        suspended: None,
    },
    DemoDeputy {
        name: "赵红梅",
        level: DeputyLevel::County,
        office_hours: "每周三 9:00-17:00",
        public_contact: Some("13800000113"),
        stations: &[1],
        suspended: None,
    },
    DemoDeputy {
        name: "黄永刚",
        level: DeputyLevel::County,
        office_hours: "每周二、周四 9:00-17:00",
        public_contact: None,
        stations: &[2],
        suspended: None,
    },
    DemoDeputy {
        name: "周玉芳",
        level: DeputyLevel::Township,
        office_hours: "每周五 9:00-17:00",
        public_contact: Some("13800000114"),
        stations: &[1],
        suspended: None,
    },
    DemoDeputy {
        name: "吴海涛",
        level: DeputyLevel::Township,
        office_hours: "每周二 9:00-17:00",
        public_contact: None,
        stations: &[2],
        suspended: Some("外出务工，暂停履职"),
    },
    DemoDeputy {
        name: "孙淑珍",
        level: DeputyLevel::Township,
        office_hours: "赶集日 8:00-12:00",
        public_contact: Some("13800000115"),
        stations: &[3],
        suspended: None,
    },
    DemoDeputy {
        name: "马振华",
        level: DeputyLevel::Township,
        office_hours: "赶集日 8:00-12:00",
        public_contact: None,
        stations: &[3, 2],
        suspended: None,
    },
];

const DEPARTMENTS: [&str; 7] = [
    "县住建局",
    "县水利局",
    "县教育局",
    "县交通运输局",
    "县卫健委",
    "县民政局",
    "县人社局",
];

/// Name, default department, respond within hours, resolve within days.
const CATEGORIES: [(&str, &str, i32, i32); 7] = [
    ("道路交通", "县交通运输局", 48, 15),
    ("住房城建", "县住建局", 48, 30),
    ("农田水利", "县水利局", 72, 30),
    ("教育", "县教育局", 48, 15),
    ("医疗卫生", "县卫健委", 24, 10),
    ("养老救助", "县民政局", 24, 7),
    ("就业社保", "县人社局", 48, 15),
];

/// What a staff account is tied to, which also fixes its role.
enum Post {
    CountyAdmin,
    /// Runs the station at this index of `STATIONS`.
    StationAdmin(usize),
    /// Runs the township of this name.
    TownshipAdmin(&'static str),
    /// Is the deputy at this index of `DEPUTIES`.
    Deputy(usize),
    /// Works in the department of this name.
    Handler(&'static str),
}

impl Post {
    fn role(&self) -> Role {
        match self {
            Post::CountyAdmin => Role::CountyAdmin,
            Post::StationAdmin(_) => Role::StationAdmin,
            Post::TownshipAdmin(_) => Role::TownshipAdmin,
            Post::Deputy(_) => Role::Deputy,
            Post::Handler(_) => Role::Handler,
        }
    }
}

/// The deputy with a demo account: one who sits at the first station.
const DEPUTY_ACCOUNT: usize = 4;

const STAFF: [(&str, &str, Post); 6] = [
    ("魏晓东", "13800000001", Post::CountyAdmin),
    ("郭明", "13800000002", Post::StationAdmin(0)),
    ("何静", "13800000003", Post::StationAdmin(1)),
    (
        DEPUTIES[DEPUTY_ACCOUNT].name,
        "13800000004",
        Post::Deputy(DEPUTY_ACCOUNT),
    ),
    ("宋立新", "13800000005", Post::Handler("县住建局")),
    ("陈永红", "13800000006", Post::TownshipAdmin("出山镇")),
];

/// Days of duty shifts the demo plans ahead, weekends included, so that whenever the demo is
/// shown during office hours someone is on duty to receive a case.
const ROSTER_DAYS: usize = 14;
/// 09:00–17:00 in Beijing (UTC+8) is 01:00–09:00 UTC of the same date.
const BEIJING_OFFSET_HOURS: i64 = 8;
const SHIFT_START_UTC_HOUR: i64 = 1;
const SHIFT_HOURS: i64 = 8;

/// Seeds the demo county in one transaction, or writes nothing if a region with its code exists.
pub async fn seed(db: &Db, now: DateTime<Utc>) -> anyhow::Result<DemoSeed> {
    let txn = db.begin().await?;
    let exists = counties::holder_of_code(&txn, COUNTY.1).await?.is_some();
    if !exists {
        insert_all(&txn, now).await?;
    }
    txn.commit().await?;
    Ok(DemoSeed {
        created: !exists,
        accounts: accounts(db).await?,
    })
}

/// The demo accounts that exist, in `STAFF` order, as the users table has them.
async fn accounts(db: &impl ConnectionTrait) -> anyhow::Result<Vec<DemoAccount>> {
    let rows = accounts::with_phones(db, STAFF.iter().map(|(_, phone, _)| *phone)).await?;
    let mut accounts = Vec::new();
    for (_, phone, _) in &STAFF {
        if let Some(user) = rows.iter().find(|u| u.phone.as_deref() == Some(*phone)) {
            accounts.push(DemoAccount {
                role: user.role.as_str(),
                name: user.name.clone(),
                phone: (*phone).to_owned(),
            });
        }
    }
    Ok(accounts)
}

async fn insert_all(db: &impl ConnectionTrait, now: DateTime<Utc>) -> anyhow::Result<()> {
    let county_id = counties::insert(db, COUNTY.0, COUNTY.1, now).await?.id;
    let mut region_ids = HashMap::new();
    for (township, code, villages) in TOWNSHIPS {
        let region = NewRegion {
            name: township.to_owned(),
            level: RegionLevel::Township,
            parent_id: county_id,
            county_id,
            code: Some(code.to_owned()),
        };
        let township_id = regions::insert(db, region, now).await?.id;
        region_ids.insert(township, township_id);
        for village in villages {
            let region = NewRegion {
                name: (*village).to_owned(),
                level: RegionLevel::Village,
                parent_id: township_id,
                county_id,
                code: None,
            };
            region_ids.insert(*village, regions::insert(db, region, now).await?.id);
        }
    }

    let mut station_ids = Vec::new();
    for station in &STATIONS {
        let region_id = *region_ids
            .get(station.region)
            .with_context(|| format!("demo station {} names no demo region", station.name))?;
        let new = NewStation {
            county_id,
            region_id,
            name: station.name.to_owned(),
            kind: station.kind,
            address: station.address.to_owned(),
            opening_hours: Some(station.opening_hours.to_owned()),
            location: Some(station.location),
        };
        station_ids.push(stations::insert(db, new, now).await?.id);
    }

    let mut deputy_ids = Vec::new();
    for deputy in &DEPUTIES {
        let new = NewDeputy {
            county_id,
            name: deputy.name.to_owned(),
            level: deputy.level,
            photo_url: None,
            office_hours: Some(deputy.office_hours.to_owned()),
            public_contact: deputy.public_contact.map(str::to_owned),
        };
        let row = deputies::insert(db, new, now).await?;
        let deputy_id = row.id;
        if let Some(reason) = deputy.suspended {
            let change = DeputyChange {
                status: Some(StatusChange {
                    status: DeputyStatus::Suspended,
                    reason: Some(reason.to_owned()),
                    since: Some(now.date_naive()),
                }),
                ..DeputyChange::default()
            };
            deputies::update(db, row, change, now).await?;
        }
        let seats = deputy.stations.iter().map(|&s| station_ids[s]).collect();
        deputies::replace_stations(db, deputy_id, &seats).await?;
        deputy_ids.push(deputy_id);
    }

    let mut department_ids = HashMap::new();
    for name in DEPARTMENTS {
        let department_id = departments::insert(db, county_id, name, now).await?.id;
        department_ids.insert(name, department_id);
    }
    let department = |name: &str| {
        department_ids
            .get(name)
            .copied()
            .ok_or_else(|| anyhow!("the demo names no department {name}"))
    };
    for (name, department_name, respond_within_hours, resolve_within_days) in CATEGORIES {
        let new = NewCategory {
            county_id,
            name: name.to_owned(),
            department_id: department(department_name)?,
            respond_within_hours,
            resolve_within_days,
        };
        categories::insert(db, new, now).await?;
    }

    let period = roster_period(now)?;
    for (station_id, shifts) in station_ids.iter().zip(roster(period, &deputy_ids)?) {
        rosters::replace(db, *station_id, period, &shifts).await?;
    }

    let mut recorder = None;
    for (name, phone, post) in &STAFF {
        let station_ids = match post {
            Post::StationAdmin(index) => vec![station_ids[*index]],
            _ => Vec::new(),
        };
        let staff = NewStaff {
            role: post.role(),
            name,
            phone,
            password_hash: password::hash(DEMO_PASSWORD)?,
            county_id,
            department_id: match post {
                Post::Handler(name) => Some(department(name)?),
                _ => None,
            },
            deputy_id: match post {
                Post::Deputy(index) => Some(deputy_ids[*index]),
                _ => None,
            },
            township_id: match post {
                Post::TownshipAdmin(name) => Some(
                    region_ids
                        .get(name)
                        .copied()
                        .ok_or_else(|| anyhow!("the demo names no township {name}"))?,
                ),
                _ => None,
            },
            station_ids: &station_ids,
        };
        let user_id = accounts::insert_staff(db, staff, now).await?;
        if matches!(post, Post::StationAdmin(0)) {
            recorder = Some(user_id);
        }
    }
    let recorder = recorder.context("the demo's first station has no admin")?;
    reception_days::replace(db, station_ids[0], &reception_schedule()?).await?;
    // A market day a week ago at the first station, with two of its deputies and an official.
    let sitting = Sitting {
        kind: ReceptionKind::MarketDay,
        held_at: now - Duration::days(7),
        visitors: 23,
        officials: vec![Official {
            name: "王建国".to_owned(),
            body: "县交通运输局".to_owned(),
        }],
        deputy_ids: vec![deputy_ids[0], deputy_ids[1]],
    };
    receptions::insert(db, station_ids[0], county_id, recorder, sitting, now).await?;
    Ok(())
}

/// The first station's reception days: market days (赶集日) every Tuesday morning and an open
/// afternoon every Friday, on the county's clock.
fn reception_schedule() -> anyhow::Result<Schedule> {
    let hours = |from: u32, to: u32| -> anyhow::Result<(NaiveTime, NaiveTime)> {
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0).context("a demo hour");
        Ok((at(from)?, at(to)?))
    };
    let entry = |weekday, (starts, ends)| ReceptionDay {
        days: Days::Every(weekday),
        starts,
        ends,
    };
    Schedule::parse(vec![
        entry(Weekday::Tuesday, hours(8, 12)?),
        entry(Weekday::Friday, hours(14, 17)?),
    ])
    .map_err(|e| anyhow!("the demo's reception days: {e:?}"))
}

/// The days the roster covers: `ROSTER_DAYS` of them from midnight today in Beijing. Counted
/// from today in Beijing, not in UTC: seeded in the small hours in Beijing, when UTC is still
/// on the day before, the roster would otherwise start with a shift already over.
fn roster_period(now: DateTime<Utc>) -> anyhow::Result<Period> {
    let beijing_today = (now + Duration::hours(BEIJING_OFFSET_HOURS)).date_naive();
    let from =
        beijing_today.and_time(NaiveTime::MIN).and_utc() - Duration::hours(BEIJING_OFFSET_HOURS);
    Period::parse(from, from + Duration::days(ROSTER_DAYS as i64))
        .context("the demo roster's period")
}

/// Each station's shifts over `period`, in `STATIONS` order: office hours every day, taken by
/// the station's deputies in turn, except at the first station, where the deputy with a demo
/// account holds them every day: a case raised then reaches someone who can log in and work it
/// (outside office hours it waits in the station queue, which that deputy may take it from). A
/// deputy who sits at two stations is passed over at the second once the first has them that
/// day.
fn roster(period: Period, deputy_ids: &[i64]) -> anyhow::Result<Vec<Vec<Shift>>> {
    let midnight = period.from();
    let first_start = midnight + Duration::hours(BEIJING_OFFSET_HOURS + SHIFT_START_UTC_HOUR);
    let mut shifts: Vec<Vec<Shift>> = STATIONS.iter().map(|_| Vec::new()).collect();
    for day in 0..ROSTER_DAYS {
        let mut on_duty = Vec::new();
        for (station, mine) in shifts.iter_mut().enumerate() {
            let starts_at = first_start + Duration::days(day as i64);
            let sitting: Vec<usize> = (0..DEPUTIES.len())
                .filter(|&d| DEPUTIES[d].stations.contains(&station))
                .filter(|&d| DEPUTIES[d].suspended.is_none())
                .collect();
            let deputy = (0..sitting.len())
                .map(|turn| sitting[(day + turn) % sitting.len()])
                .filter(|d| station != 0 || *d == DEPUTY_ACCOUNT)
                .find(|d| !on_duty.contains(d))
                .with_context(|| {
                    format!(
                        "no free demo deputy for {} on day {day}",
                        STATIONS[station].name
                    )
                })?;
            on_duty.push(deputy);
            mine.push(Shift {
                deputy_id: Some(deputy_ids[deputy]),
                group_id: None,
                starts_at,
                ends_at: starts_at + Duration::hours(SHIFT_HOURS),
            });
        }
    }
    Ok(shifts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    // Whole tables, read as they are to check what the seed left in them.
    use liaison_infra::entities as table;
    use liaison_migrations::MigratorTrait;
    use sea_orm::{EntityTrait, PaginatorTrait};
    use std::collections::HashSet;
    use std::path::PathBuf;

    async fn fresh_db(name: &str) -> (Db, PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "liaison-demo-{name}-{}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()), 1)
            .await
            .unwrap();
        liaison_migrations::Migrator::up(db.writer(), None)
            .await
            .unwrap();
        (db, dir)
    }

    async fn counts(db: &Db) -> [u64; 9] {
        [
            table::regions::Entity::find().count(db).await.unwrap(),
            table::stations::Entity::find().count(db).await.unwrap(),
            table::deputies::Entity::find().count(db).await.unwrap(),
            table::deputy_stations::Entity::find()
                .count(db)
                .await
                .unwrap(),
            table::departments::Entity::find().count(db).await.unwrap(),
            table::categories::Entity::find().count(db).await.unwrap(),
            table::duty_shifts::Entity::find().count(db).await.unwrap(),
            table::users::Entity::find().count(db).await.unwrap(),
            table::user_stations::Entity::find()
                .count(db)
                .await
                .unwrap(),
        ]
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 20, 30, 0).unwrap()
    }

    #[tokio::test]
    async fn seeds_a_whole_county_once() {
        let (db, dir) = fresh_db("once").await;
        let first = seed(&db, now()).await.unwrap();
        assert!(first.created);

        let county = counties::holder_of_code(&db, "XP").await.unwrap().unwrap();
        assert_eq!(
            (county.name.as_str(), county.level.as_str()),
            ("西平县", "county")
        );
        assert_eq!(county.county_id, None);
        let below = regions::below(&db, county.id).await.unwrap();
        assert!(below.iter().any(|r| r.level.as_str() == "township"));
        assert!(below.iter().any(|r| r.level.as_str() == "village"));

        let stations = table::stations::Entity::find().all(&db).await.unwrap();
        assert!(stations.len() >= 3);
        let kinds: HashSet<&str> = stations.iter().map(|s| s.kind.as_str()).collect();
        assert!(kinds.len() >= 3, "{kinds:?}");
        assert!(stations.iter().all(|s| s.county_id == county.id));

        let deputies = table::deputies::Entity::find().all(&db).await.unwrap();
        assert_eq!(deputies.len(), 12);
        let levels: HashSet<&str> = deputies.iter().map(|d| d.level.as_str()).collect();
        assert_eq!(levels.len(), 5);

        for category in table::categories::Entity::find().all(&db).await.unwrap() {
            let limits = liaison_domain::category::Limits::parse(
                category.respond_within_hours.into(),
                category.resolve_within_days.into(),
            );
            assert!(limits.is_ok(), "{}", category.name);
        }

        let roles: Vec<&str> = first.accounts.iter().map(|a| a.role).collect();
        assert_eq!(
            roles,
            [
                "county_admin",
                "station_admin",
                "station_admin",
                "deputy",
                "handler",
                "township_admin"
            ]
        );
        let users = table::users::Entity::find().all(&db).await.unwrap();
        for user in &users {
            assert_eq!(user.county_id, Some(county.id));
            assert!(password::verify(
                DEMO_PASSWORD,
                user.password_hash.as_deref()
            ));
        }
        let deputy_user = users.iter().find(|u| *u.role == Role::Deputy).unwrap();
        let deputy = deputies
            .iter()
            .find(|d| Some(d.id) == deputy_user.deputy_id)
            .unwrap();
        assert_eq!(deputy_user.name, deputy.name);
        let seats: HashSet<(i64, i64)> = table::deputy_stations::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|s| (s.deputy_id, s.station_id))
            .collect();
        assert!(seats.contains(&(deputy.id, stations[0].id)));
        let handler = users.iter().find(|u| u.role.as_str() == "handler").unwrap();
        let department = table::departments::Entity::find_by_id(handler.department_id.unwrap())
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(department.name, "县住建局");
        let runs: HashSet<i64> = table::user_stations::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.station_id)
            .collect();
        assert_eq!(runs.len(), 2);
        assert!(runs.contains(&stations[0].id));

        let shifts = table::duty_shifts::Entity::find().all(&db).await.unwrap();
        assert_eq!(shifts.len(), stations.len() * ROSTER_DAYS);
        // 2026-11-23T20:30Z is already the 24th in Beijing: the roster starts at 09:00 there.
        let first_start = Utc.with_ymd_and_hms(2026, 11, 24, 1, 0, 0).unwrap();
        for (index, station) in stations.iter().enumerate() {
            let mine: Vec<_> = shifts
                .iter()
                .filter(|s| s.station_id == station.id)
                .collect();
            assert_eq!(mine.len(), ROSTER_DAYS, "{}", station.name);
            assert_eq!(mine.iter().map(|s| s.starts_at).min(), Some(first_start));
            let holders: HashSet<Option<i64>> = mine.iter().map(|s| s.deputy_id).collect();
            if index == 0 {
                // The deputy with an account holds the first station's office hours.
                assert_eq!(
                    holders,
                    HashSet::from([Some(deputy.id)]),
                    "{}",
                    station.name
                );
            } else {
                assert!(holders.len() > 1, "{}", station.name);
            }
        }
        for shift in &shifts {
            // The demo names a deputy on every shift.
            assert!(shift
                .deputy_id
                .is_some_and(|d| seats.contains(&(d, shift.station_id))));
            assert!(shift.starts_at < shift.ends_at);
            for other in &shifts {
                let overlap = shift.id != other.id
                    && shift.deputy_id == other.deputy_id
                    && shift.starts_at < other.ends_at
                    && other.starts_at < shift.ends_at;
                assert!(!overlap, "deputy {:?} double-booked", shift.deputy_id);
            }
        }

        let before = counts(&db).await;
        assert_eq!(before, [11, 4, 12, 16, 7, 7, 56, 6, 2]);
        let second = seed(&db, now() + Duration::days(3)).await.unwrap();
        assert!(!second.created);
        assert_eq!(second.accounts, first.accounts);
        assert_eq!(counts(&db).await, before);

        drop(db);
        std::fs::remove_dir_all(dir).unwrap();
    }
}

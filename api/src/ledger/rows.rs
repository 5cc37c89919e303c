//! The ledger's columns, and a case as a row of them: names instead of ids, times on the
//! county's clock, words as staff say them. No phone number and no visitor's name: the ledger
//! leaves the system, and those stay in it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use liaison_domain::case::deadline::is_overdue;
use liaison_domain::clock::local_time;
use liaison_infra::entities::cases;
use liaison_infra::store::organisation::{categories, departments, stations};
use sea_orm::{ConnectionTrait, DbErr};

use crate::console::messages::Messages;

/// The headers, in the order of a row's cells.
pub const HEADERS: [&str; COLUMNS] = [
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

pub const COLUMNS: usize = 18;

/// One case's cells, as text.
pub type Row = [String; COLUMNS];

/// The county's names that rows show for ids: read once per ledger.
pub struct Names {
    /// A station's name, and its township's (none for a station under the county itself).
    stations: HashMap<i64, (String, String)>,
    categories: HashMap<i64, String>,
    departments: HashMap<i64, String>,
}

impl Names {
    pub async fn load(db: &impl ConnectionTrait, county_id: i64) -> Result<Self, DbErr> {
        let mut townships = stations::townships(db, county_id).await?;
        let stations = stations::of_county(db, county_id)
            .await?
            .into_iter()
            .map(|s| {
                let township = townships.remove(&s.id).map(|t| t.name).unwrap_or_default();
                (s.id, (s.name, township))
            })
            .collect();
        let categories = categories::of_county(db, county_id)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let departments = departments::of_county(db, county_id)
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        Ok(Names {
            stations,
            categories,
            departments,
        })
    }
}

/// The row of `case`, whose deputy's name is in `deputies`, as it stands at `now`.
pub fn row(
    case: &cases::Model,
    names: &Names,
    deputies: &HashMap<i64, String>,
    now: DateTime<Utc>,
) -> Row {
    let m = Messages::current();
    let named = |map: &HashMap<i64, String>, id: Option<i64>| {
        id.and_then(|id| map.get(&id).cloned()).unwrap_or_default()
    };
    let (station, township) = names
        .stations
        .get(&case.station_id)
        .cloned()
        .unwrap_or_default();
    let time = |at: Option<DateTime<Utc>>| at.map(local_time).unwrap_or_default();
    let overdue = is_overdue(
        *case.status,
        case.respond_by,
        case.resolve_by,
        case.first_response_at,
        now,
    );
    [
        case.number.clone(),
        case.title.clone(),
        local_time(case.created_at),
        station,
        township,
        m.case_channel(case.channel.as_str()).to_owned(),
        named(&names.categories, Some(case.category_id)),
        named(deputies, case.assignee_id),
        named(&names.departments, case.department_id),
        local_time(case.respond_by),
        local_time(case.resolve_by),
        time(case.first_response_at),
        time(case.resolved_at),
        case.outcome
            .map(|o| m.outcome(o.as_str()).to_owned())
            .unwrap_or_default(),
        case.rating
            .map(|r| m.rating(r.as_str()).to_owned())
            .unwrap_or_default(),
        m.status(case.status.as_str()).to_owned(),
        if overdue { "是" } else { "否" }.to_owned(),
        case.reopen_count.to_string(),
    ]
}

//! The ledger (台账): one row per case an admin oversees, filtered like the queue, taken away
//! as CSV or XLSX. Rows are read from the database in batches and written out as they come,
//! so a county's hundred thousand cases take no more memory than one batch.

pub mod export;
pub mod routes;
pub mod rows;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::stream::{self, Stream};
use liaison_domain::actor::Actor;
use liaison_domain::audit::AuditAction;
use liaison_domain::case::light::YellowAt;
use liaison_domain::policy;
use liaison_infra::db::Db;
use liaison_infra::store::cases::queue::{self as store, Listing, Order};
use liaison_infra::store::organisation::deputies;

use crate::app_error::{AppError, AppResult};
use crate::audit::service::{self as audit, Entry};
use crate::cases::dto::CaseFilter;
use crate::cases::queue::listing;
use rows::{Names, Row};

/// Cases read per statement: enough that the round trips do not dominate, few enough that a
/// batch of rows is a small, fixed amount of memory.
const BATCH: u64 = 500;

/// The two files the ledger is taken away as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// `台账-20261202.csv`, the day on the county's clock.
    pub fn file_name(self, at: DateTime<Utc>) -> String {
        let day = liaison_domain::clock::local_day(at).format("%Y%m%d");
        format!("台账-{day}.{}", self.extension())
    }
}

/// A ledger ready to be read: who asked, what they asked for, and the names its rows show.
pub struct Ledger {
    db: Db,
    actor: Actor,
    listing: Listing,
    names: Arc<Names>,
    now: DateTime<Utc>,
}

/// Opens the ledger of what `filter` selects among the cases `actor` sees, as `format`, and
/// puts the download on the audit list. Who may is asked before the filter is read.
pub async fn open(
    db: &Db,
    actor: &Actor,
    yellow_at: YellowAt,
    filter: &CaseFilter,
    format: Format,
) -> AppResult<Ledger> {
    let Some(county_id) = actor.county_id.filter(|_| policy::may_export_ledger(actor)) else {
        return Err(AppError::Forbidden(
            "the ledger is for the admins of stations, townships and counties",
        ));
    };
    let listing = listing(
        actor,
        yellow_at,
        filter,
        Order::Oldest { after: None },
        BATCH,
    )?;
    let names = Names::load(db, county_id).await?;
    let now = Utc::now();
    let entry = Entry {
        county_id,
        action: AuditAction::LedgerExported,
        target_id: county_id,
        summary: format!("{}: {}", format.extension(), described(filter)),
        station_ids: &actor.station_ids,
    };
    audit::record(db, actor, entry, now).await?;
    tracing::info!(
        user_id = actor.user_id,
        format = format.extension(),
        "ledger exported"
    );
    Ok(Ledger {
        db: db.clone(),
        actor: actor.clone(),
        listing,
        names: Arc::new(names),
        now,
    })
}

/// The filter as the audit list shows it: the parameters given, or that none were.
fn described(filter: &CaseFilter) -> String {
    let given = [
        ("scope", filter.scope.clone()),
        ("station_id", filter.station_id.map(|id| id.to_string())),
        ("status", filter.status.clone()),
        ("overdue", filter.overdue.map(|o| o.to_string())),
        ("light", filter.light.clone()),
        ("q", filter.q.clone()),
    ];
    let given: Vec<String> = given
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| format!("{name}={v}")))
        .collect();
    if given.is_empty() {
        "全部".to_owned()
    } else {
        given.join(" ")
    }
}

impl Ledger {
    /// The rows, oldest case first, a batch at a time.
    pub fn batches(self) -> impl Stream<Item = AppResult<Vec<Row>>> + Send + 'static {
        stream::try_unfold(Some(self), |ledger| async move {
            let Some(mut ledger) = ledger else {
                return Ok(None);
            };
            let mut cases =
                store::page(&ledger.db, &ledger.actor, &ledger.listing, ledger.now).await?;
            let more = cases.len() as u64 > BATCH;
            cases.truncate(BATCH as usize);
            let deputies =
                deputies::names(&ledger.db, cases.iter().filter_map(|c| c.assignee_id)).await?;
            let rows: Vec<Row> = cases
                .iter()
                .map(|case| rows::row(case, &ledger.names, &deputies, ledger.now))
                .collect();
            let next = match (more, cases.last()) {
                (true, Some(last)) => {
                    ledger.listing.order = Order::Oldest {
                        after: Some(last.id),
                    };
                    Some(ledger)
                }
                _ => None,
            };
            Ok(Some((rows, next)))
        })
    }
}

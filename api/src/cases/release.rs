//! Open work back to the station queue: when a deputy stops serving (suspended, terminated, or
//! their account disabled), every case in progress they hold goes back to its station, each
//! with a `released` event saying why, told as every step is.

use chrono::{DateTime, Utc};
use liaison_domain::case::{self, By, Command};
use liaison_infra::store::cases as store;
use sea_orm::DatabaseTransaction;

use super::actions::{record, to_domain, SYSTEM};
use super::Cases;
use crate::app_error::AppResult;
use crate::notifications::News;

/// News of the cases released, to announce once the transaction has committed.
#[must_use = "announce the news once the transaction has committed"]
pub struct Released(Vec<News>);

impl Released {
    pub fn count(&self) -> usize {
        self.0.len()
    }

    pub fn announce(self, cases: &Cases<'_>) {
        for news in self.0 {
            news.announce(&cases.notifier);
        }
    }
}

/// Releases the cases in progress deputy `deputy_id` holds, as the system, in `txn`: the
/// transaction that ends the deputy's service, so that either both happen or neither. The
/// caller writes first, which makes the transaction a writer before it reads the cases.
pub async fn held_by(
    txn: &DatabaseTransaction,
    cases: &Cases<'_>,
    deputy_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<Released> {
    let command = Command::Release {
        reason: reason.to_owned(),
    };
    let mut news = Vec::new();
    for stored in store::held_by(txn, deputy_id).await? {
        let domain_case = to_domain(cases, &stored).await?;
        let transition = case::apply(&domain_case, &command, By::System, now, cases.rules)?;
        let (_, told) = record(txn, cases, &stored, &transition, SYSTEM, now).await?;
        news.push(told);
    }
    if !news.is_empty() {
        tracing::info!(
            deputy_id,
            cases = news.len(),
            "open cases back to the station queue"
        );
    }
    Ok(Released(news))
}

//! Leases through the database: which node runs a singleton job (the deadline watcher), so
//! that the job needs no Redis and keeps running through a Redis outage.
//!
//! A holder keeps its lease by acquiring it again before it expires; a holder that dies lets it
//! expire, and another node takes over. Expiry compares the callers' clocks, so nodes must
//! keep time to well within the TTL.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::leases;

/// Takes or renews the lease `name` for `holder` until `now + ttl`; `true` when `holder`
/// holds it now. Two nodes asking at once: one gets it, on SQLite and PostgreSQL alike.
pub async fn acquire(
    db: &impl ConnectionTrait,
    name: &str,
    holder: &str,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let until = now + ttl;
    // The row must exist for the conditional update to decide; a conflict means it does.
    let insert = Query::insert()
        .into_table(leases::Entity)
        .columns([
            leases::Column::Name,
            leases::Column::Holder,
            leases::Column::ExpiresAt,
        ])
        .values([name.into(), holder.into(), until.into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::column(leases::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    let backend = db.get_database_backend();
    if db.execute(backend.build(&insert)).await?.rows_affected() == 1 {
        return Ok(true);
    }
    // One statement decides, so two nodes cannot both see the lease free: PostgreSQL
    // re-checks the condition on the row the first one wrote, SQLite runs writes one by one.
    let taken = leases::Entity::update_many()
        .col_expr(leases::Column::Holder, Expr::value(holder))
        .col_expr(leases::Column::ExpiresAt, Expr::value(until))
        .filter(leases::Column::Name.eq(name))
        .filter(
            Condition::any()
                .add(leases::Column::Holder.eq(holder))
                .add(leases::Column::ExpiresAt.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Gives the lease up if `holder` has it, so another node need not wait for it to expire.
pub async fn release(db: &impl ConnectionTrait, name: &str, holder: &str) -> Result<(), DbErr> {
    leases::Entity::delete_many()
        .filter(leases::Column::Name.eq(name))
        .filter(leases::Column::Holder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::Schema;
    use tempfile::TempDir;

    use super::*;
    use crate::db::testing::scratch_databases;
    use crate::db::Db;

    async fn databases() -> (TempDir, Vec<Db>) {
        let (dir, found) = scratch_databases().await;
        for db in &found {
            let backend = db.get_database_backend();
            let table = Schema::new(backend).create_table_from_entity(leases::Entity);
            db.execute(backend.build(&table)).await.unwrap();
        }
        (dir, found)
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    const TTL: Duration = Duration::minutes(3);

    #[tokio::test]
    async fn lease_has_one_holder_until_it_expires() {
        let now = at("2026-11-23T08:00:00Z");
        let (_dir, dbs) = databases().await;
        for db in dbs {
            assert!(acquire(&db, "job", "a", TTL, now).await.unwrap());
            assert!(!acquire(&db, "job", "b", TTL, now).await.unwrap());
            // The holder renews; the other still waits past the first term.
            let later = now + Duration::minutes(2);
            assert!(acquire(&db, "job", "a", TTL, later).await.unwrap());
            let first_term_over = now + Duration::minutes(4);
            assert!(!acquire(&db, "job", "b", TTL, first_term_over)
                .await
                .unwrap());
            // The holder stopped renewing: once its lease expires, the other takes over.
            let expired = later + TTL + Duration::seconds(1);
            assert!(acquire(&db, "job", "b", TTL, expired).await.unwrap());
            assert!(!acquire(&db, "job", "a", TTL, expired).await.unwrap());
            // Other jobs have leases of their own.
            assert!(acquire(&db, "other", "a", TTL, expired).await.unwrap());
        }
    }

    #[tokio::test]
    async fn lease_released_is_free_at_once_and_only_its_holder_releases_it() {
        let now = at("2026-11-23T08:00:00Z");
        let (_dir, dbs) = databases().await;
        for db in dbs {
            assert!(acquire(&db, "job", "a", TTL, now).await.unwrap());
            release(&db, "job", "b").await.unwrap();
            assert!(!acquire(&db, "job", "b", TTL, now).await.unwrap());
            release(&db, "job", "a").await.unwrap();
            assert!(acquire(&db, "job", "b", TTL, now).await.unwrap());
        }
    }

    #[tokio::test]
    async fn lease_raced_for_goes_to_one_holder() {
        let (_dir, dbs) = databases().await;
        for db in dbs {
            let now = at("2026-11-23T08:00:00Z");
            // A fresh lease (both insert), then an expired one (both update).
            for (round, now) in [now, now + TTL + Duration::seconds(1)]
                .into_iter()
                .enumerate()
            {
                let [a, b, c] = ["a", "b", "c"].map(|h| format!("{h}{round}"));
                let (a, b, c) = tokio::join!(
                    acquire(&db, "job", &a, TTL, now),
                    acquire(&db, "job", &b, TTL, now),
                    acquire(&db, "job", &c, TTL, now),
                );
                let won = [a.unwrap(), b.unwrap(), c.unwrap()];
                assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
            }
        }
    }
}

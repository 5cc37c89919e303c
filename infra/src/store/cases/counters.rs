//! The daily counters behind case numbers, safe under concurrent submits on every backend.

use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};

/// The next sequence number of `day` under `prefix`: one atomic upsert, so two submits at the
/// same instant (on any number of nodes) never get the same number.
pub async fn next(db: &impl ConnectionTrait, prefix: &str, day: &str) -> Result<i64, DbErr> {
    let table = Alias::new("case_counters");
    let seq = Alias::new("seq");
    let statement = Query::insert()
        .into_table(table.clone())
        .columns([Alias::new("prefix"), Alias::new("day"), seq.clone()])
        .values([prefix.into(), day.into(), 1.into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::columns([Alias::new("prefix"), Alias::new("day")])
                .value(seq.clone(), Expr::col((table, seq.clone())).add(1))
                .to_owned(),
        )
        .returning_col(seq)
        .to_owned();
    let row = db
        .query_one(db.get_database_backend().build(&statement))
        .await?
        .ok_or_else(|| DbErr::Custom("the counter upsert returned no row".to_owned()))?;
    row.try_get::<i32>("", "seq").map(i64::from)
}

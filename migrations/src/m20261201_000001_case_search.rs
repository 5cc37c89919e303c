//! Search and deadline order at a million cases (issue 8).
//!
//! `cases.search_terms` holds the terms `liaison_domain::search::index_terms` makes of a case's
//! number and texts; a full-text index over it answers `q=` without scanning the table. Both
//! backends split the stored terms on spaces only, so neither has to understand Chinese.
//! - PostgreSQL: `search_vector`, `to_tsvector('simple', search_terms)` stored, with a GIN
//!   index. Stored rather than an index on the expression because for a common word the
//!   planner reads newest first and checks each row, and recomputing the vector there costs
//!   some 30 µs a row (a rare one-character word took 150 ms at a million cases).
//! - SQLite: an FTS5 table over `search_terms`, kept in step by triggers.
//!
//! `sort=deadline` lists by `(resolve_by, id)` within what a role may see: one index per
//! visibility column for the narrow ones (a resident, a station, a department), one on
//! `(resolve_by, id)` alone for the broad ones (a county, a deputy's several stations), and a
//! partial one over the cases in progress for `overdue=true`, whose cases sit among the newest
//! deadlines and would otherwise be found after reading every case since the first.

use sea_orm_migration::prelude::*;

use crate::run;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    Number,
    Title,
    Content,
    Location,
    SearchTerms,
    ResidentId,
    StationId,
    DepartmentId,
    ResolveBy,
}

/// The deadline order within one resident's, one station's, one department's cases.
const DEADLINE_INDEXES: [(&str, Cases); 3] = [
    ("cases_resident_deadline_idx", Cases::ResidentId),
    ("cases_station_deadline_idx", Cases::StationId),
    ("cases_department_deadline_idx", Cases::DepartmentId),
];

/// The same on both backends. The partial index's statuses are written exactly as the queue's
/// overdue condition writes them (`api/src/cases/queue.rs`), or no planner will use it.
const BOTH_UP: &[&str] = &[
    "CREATE INDEX cases_deadline_idx ON cases (resolve_by, id)",
    "CREATE INDEX cases_in_progress_deadline_idx ON cases (resolve_by, id) \
     WHERE status IN ('submitted', 'accepted', 'assigned', 'handled')",
];
const BOTH_DOWN: &[&str] = &[
    "DROP INDEX cases_in_progress_deadline_idx",
    "DROP INDEX cases_deadline_idx",
];

/// Rows filled per round trip when existing cases get their terms.
const FILL_BATCH: u64 = 500;

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE cases ADD COLUMN search_vector tsvector \
     GENERATED ALWAYS AS (to_tsvector('simple', search_terms)) STORED",
    "CREATE INDEX cases_search_idx ON cases USING GIN (search_vector)",
];
const POSTGRES_DOWN: &[&str] = &[
    "DROP INDEX cases_search_idx",
    "ALTER TABLE cases DROP COLUMN search_vector",
];

/// External content: the terms live once, in `cases`; the FTS5 table holds only the index.
/// `detail=none` because a query asks whether terms occur, never where (each is stored once).
/// Marks count as letters so that every term the domain makes stays one token.
const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE case_search USING fts5(search_terms, content='cases', \
     content_rowid='id', detail=none, \
     tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* M* Co'\")",
    "INSERT INTO case_search(case_search) VALUES ('rebuild')",
    "CREATE TRIGGER case_search_insert AFTER INSERT ON cases BEGIN \
     INSERT INTO case_search(rowid, search_terms) VALUES (new.id, new.search_terms); END",
    "CREATE TRIGGER case_search_delete AFTER DELETE ON cases BEGIN \
     INSERT INTO case_search(case_search, rowid, search_terms) \
     VALUES ('delete', old.id, old.search_terms); END",
    "CREATE TRIGGER case_search_update AFTER UPDATE OF search_terms ON cases BEGIN \
     INSERT INTO case_search(case_search, rowid, search_terms) \
     VALUES ('delete', old.id, old.search_terms); \
     INSERT INTO case_search(rowid, search_terms) VALUES (new.id, new.search_terms); END",
];
const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER case_search_update",
    "DROP TRIGGER case_search_delete",
    "DROP TRIGGER case_search_insert",
    "DROP TABLE case_search",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(
                        ColumnDef::new(Cases::SearchTerms)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        fill(manager).await?;
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_UP,
            _ => SQLITE_UP,
        };
        run(manager, statements).await?;
        for (name, column) in DEADLINE_INDEXES {
            manager
                .create_index(index(
                    name,
                    Cases::Table,
                    [column, Cases::ResolveBy, Cases::Id],
                ))
                .await?;
        }
        run(manager, BOTH_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, BOTH_DOWN).await?;
        for (name, _) in DEADLINE_INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Cases::Table).to_owned())
                .await?;
        }
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_DOWN,
            _ => SQLITE_DOWN,
        };
        run(manager, statements).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .drop_column(Cases::SearchTerms)
                    .to_owned(),
            )
            .await
    }
}

/// Gives every case already there its terms, by the same function new cases use.
async fn fill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let mut after = 0_i64;
    loop {
        let select = Query::select()
            .columns([
                Cases::Id,
                Cases::Number,
                Cases::Title,
                Cases::Content,
                Cases::Location,
            ])
            .from(Cases::Table)
            .and_where(Expr::col(Cases::Id).gt(after))
            .order_by(Cases::Id, Order::Asc)
            .limit(FILL_BATCH)
            .to_owned();
        let rows = db.query_all(backend.build(&select)).await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get("", "id")?;
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let number: String = row.try_get("", "number")?;
            let title: String = row.try_get("", "title")?;
            let content: String = row.try_get("", "content")?;
            let location: Option<String> = row.try_get("", "location")?;
            let terms =
                liaison_domain::search::index_terms(&number, &title, &content, location.as_deref());
            let update = Query::update()
                .table(Cases::Table)
                .value(Cases::SearchTerms, terms)
                .and_where(Expr::col(Cases::Id).eq(id))
                .to_owned();
            db.execute(backend.build(&update)).await?;
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm_migration::sea_orm::{DatabaseConnection, Statement};

    use super::*;
    use crate::Migrator;

    async fn ids(db: &DatabaseConnection, terms: &str) -> Vec<i64> {
        let rows = db
            .query_all(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "SELECT rowid FROM case_search WHERE case_search MATCH ? ORDER BY rowid",
                [terms.into()],
            ))
            .await
            .unwrap();
        rows.iter()
            .map(|r| r.try_get("", "rowid").unwrap())
            .collect()
    }

    /// Cases that were there before get their terms; the index follows inserts, edits and
    /// deletes; down() leaves the schema as it found it. (PostgreSQL runs it in every
    /// end-to-end test.)
    #[tokio::test]
    async fn existing_cases_are_filled_and_the_index_follows_every_change() {
        // The case only: its organisation is beside the point here.
        let db = crate::testing::before("m20261201_000001_case_search").await;
        let all = Migrator::migrations();
        let before = all
            .iter()
            .position(|m| m.name() == "m20261201_000001_case_search")
            .unwrap();
        let from_here = <u32 as TryFrom<usize>>::try_from(all.len() - before).unwrap();
        db.execute_unprepared(
            "INSERT INTO cases (id, number, station_id, county_id, category_id, resident_id, \
             title, content, location, status, respond_by, resolve_by, created_at, updated_at) \
             VALUES (7, 'XP-20261122-0007', 1, 1, 1, 1, '路灯不亮', '三盏路灯', '人民路', \
             'submitted', '2026-11-23', '2026-12-06', '2026-11-22', '2026-11-22')",
        )
        .await
        .unwrap();
        Migrator::up(&db, None).await.unwrap();
        assert_eq!(ids(&db, "\"路灯\"").await, [7]);
        assert_eq!(ids(&db, "\"xp\"* \"0007\"").await, [7]);

        db.execute_unprepared(
            "INSERT INTO cases (id, number, station_id, county_id, category_id, resident_id, \
             title, content, status, respond_by, resolve_by, created_at, updated_at, \
             search_terms) VALUES (8, 'XP-20261122-0008', 1, 1, 1, 1, '井盖', '井盖丢了', \
             'submitted', '2026-11-23', '2026-12-06', '2026-11-22', '2026-11-22', \
             'xp 20261122 0008 井 井盖 盖')",
        )
        .await
        .unwrap();
        assert_eq!(ids(&db, "\"井盖\"").await, [8]);
        db.execute_unprepared("UPDATE cases SET search_terms = '噪音' WHERE id = 8")
            .await
            .unwrap();
        assert_eq!(ids(&db, "\"井盖\"").await, Vec::<i64>::new());
        assert_eq!(ids(&db, "\"噪音\"").await, [8]);
        db.execute_unprepared("UPDATE cases SET status = 'accepted' WHERE id = 8")
            .await
            .unwrap();
        db.execute_unprepared("DELETE FROM cases WHERE id = 7")
            .await
            .unwrap();
        assert_eq!(ids(&db, "\"路灯\"").await, Vec::<i64>::new());
        assert_eq!(ids(&db, "\"噪音\"").await, [8]);
        db.execute_unprepared("INSERT INTO case_search(case_search) VALUES ('integrity-check')")
            .await
            .unwrap();

        Migrator::down(&db, Some(from_here)).await.unwrap();
        let left: Vec<String> = db
            .query_all(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT name FROM sqlite_master WHERE name LIKE '%search%' \
                 OR name LIKE 'cases_%deadline_idx' \
                 UNION ALL SELECT name FROM pragma_table_info('cases') \
                 WHERE name = 'search_terms'",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("", "name").unwrap())
            .collect();
        assert!(left.is_empty(), "{left:?}");
        // Up again: the terms come from the texts, whatever was stored before.
        Migrator::up(&db, None).await.unwrap();
        assert_eq!(ids(&db, "\"井盖\"").await, [8]);
        assert_eq!(ids(&db, "\"噪音\"").await, Vec::<i64>::new());
    }
}

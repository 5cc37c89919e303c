//! A duty shift may name a deputy group (代表小组) instead of a deputy: `duty_shifts.deputy_id`
//! becomes optional, and a CHECK keeps every shift naming a deputy or a group.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::run;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SOMEONE_ON_DUTY: &str = "duty_shifts_someone_on_duty";

/// The indexes of `duty_shifts`, which a SQLite rebuild drops with the old table.
const INDEXES: [&str; 3] = [
    "CREATE INDEX duty_shifts_station_starts_idx ON duty_shifts (station_id, starts_at)",
    "CREATE INDEX duty_shifts_deputy_starts_idx ON duty_shifts (deputy_id, starts_at)",
    "CREATE INDEX duty_shifts_group_idx ON duty_shifts (group_id)",
];

const COLUMNS: &str =
    "id, station_id, deputy_id, starts_at, ends_at, group_id, checked_in_at, checked_in_by, \
     checked_out_at";

/// SQLite cannot change a column's nullability nor add a CHECK to a table: the table is made
/// again as `deputy` spells its deputy column, with `rest` after the foreign keys, the rows
/// `keep` selects copied over (ids kept), and its indexes made again.
fn rebuild_sqlite(deputy: &str, rest: &str, keep: &str) -> Vec<String> {
    let mut statements = vec![
        format!(
            "CREATE TABLE duty_shifts_rebuilt ( \
             id integer NOT NULL PRIMARY KEY AUTOINCREMENT, \
             station_id bigint NOT NULL, \
             deputy_id {deputy}, \
             starts_at timestamp_with_timezone_text NOT NULL, \
             ends_at timestamp_with_timezone_text NOT NULL, \
             group_id bigint NULL, \
             checked_in_at timestamp_with_timezone_text NULL, \
             checked_in_by bigint NULL, \
             checked_out_at timestamp_with_timezone_text NULL, \
             FOREIGN KEY (station_id) REFERENCES stations (id) ON DELETE CASCADE, \
             FOREIGN KEY (deputy_id) REFERENCES deputies (id) ON DELETE CASCADE{rest} )"
        ),
        format!(
            "INSERT INTO duty_shifts_rebuilt ({COLUMNS}) SELECT {COLUMNS} FROM duty_shifts \
             WHERE {keep}"
        ),
        "DROP TABLE duty_shifts".to_owned(),
        "ALTER TABLE duty_shifts_rebuilt RENAME TO duty_shifts".to_owned(),
    ];
    statements.extend(INDEXES.iter().map(|s| (*s).to_owned()));
    statements
}

async fn run_all(manager: &SchemaManager<'_>, statements: &[String]) -> Result<(), DbErr> {
    run(
        manager,
        &statements.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let check = "deputy_id IS NOT NULL OR group_id IS NOT NULL";
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                run_all(
                    manager,
                    &[
                        "ALTER TABLE duty_shifts ALTER COLUMN deputy_id DROP NOT NULL".to_owned(),
                        format!(
                            "ALTER TABLE duty_shifts ADD CONSTRAINT {SOMEONE_ON_DUTY} \
                             CHECK ({check})"
                        ),
                    ],
                )
                .await
            }
            _ => {
                let rest = format!(", CONSTRAINT {SOMEONE_ON_DUTY} CHECK ({check})");
                run_all(manager, &rebuild_sqlite("bigint NULL", &rest, "1 = 1")).await
            }
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Going back, a shift that names no deputy has nowhere to go: it is dropped.
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                run_all(
                    manager,
                    &[
                        "DELETE FROM duty_shifts WHERE deputy_id IS NULL".to_owned(),
                        format!("ALTER TABLE duty_shifts DROP CONSTRAINT {SOMEONE_ON_DUTY}"),
                        "ALTER TABLE duty_shifts ALTER COLUMN deputy_id SET NOT NULL".to_owned(),
                    ],
                )
                .await
            }
            _ => {
                run_all(
                    manager,
                    &rebuild_sqlite("bigint NOT NULL", "", "deputy_id IS NOT NULL"),
                )
                .await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

    use super::*;
    use crate::Migrator;

    const SHIFT: &str = "INSERT INTO duty_shifts (id, station_id, deputy_id, group_id, \
                         starts_at, ends_at, checked_in_at, checked_in_by) VALUES ";

    async fn count(db: &impl ConnectionTrait, sql: &str) -> i64 {
        let row = db
            .query_one(Statement::from_string(DbBackend::Sqlite, sql))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index(0).unwrap()
    }

    #[tokio::test]
    async fn shifts_keep_their_rows_and_indexes_and_may_name_a_group_alone() {
        // The shifts only: their organisation is beside the point here.
        let db = crate::testing::before("m20261202_000024_group_only_shifts").await;
        db.execute_unprepared(&format!(
            "{SHIFT} (7, 1, 3, 9, '2026-12-01 09:00', '2026-12-01 12:00', \
             '2026-12-01 09:05', 4)"
        ))
        .await
        .unwrap();
        Migrator::up(&db, Some(1)).await.unwrap();

        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM duty_shifts WHERE id = 7 AND deputy_id = 3 \
                 AND group_id = 9 AND checked_in_by = 4"
            )
            .await,
            1
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' \
                 AND tbl_name = 'duty_shifts' AND name LIKE 'duty_shifts_%_idx'"
            )
            .await,
            3
        );
        db.execute_unprepared(&format!(
            "{SHIFT} (8, 1, NULL, 9, '2026-12-02 09:00', '2026-12-02 12:00', NULL, NULL)"
        ))
        .await
        .unwrap();
        let nobody = db
            .execute_unprepared(&format!(
                "{SHIFT} (9, 1, NULL, NULL, '2026-12-02 09:00', '2026-12-02 12:00', NULL, NULL)"
            ))
            .await
            .unwrap_err();
        assert!(nobody.to_string().contains(SOMEONE_ON_DUTY), "{nobody}");

        // Back down, the group-only shift goes and the deputy's stays.
        Migrator::down(&db, Some(1)).await.unwrap();
        assert_eq!(count(&db, "SELECT COUNT(*) FROM duty_shifts").await, 1);
        assert!(db
            .execute_unprepared(&format!(
                "{SHIFT} (10, 1, NULL, 9, '2026-12-02 09:00', '2026-12-02 12:00', NULL, NULL)"
            ))
            .await
            .is_err());
    }
}

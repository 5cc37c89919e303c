//! Attendance per deputy per shift: a shift of a group puts several deputies on duty, and each
//! checks in for themselves. `shift_check_ins` holds one row a deputy checked in; the shift's
//! own check-in columns move there (the deputy who checked in keeps their row) and go.

use sea_orm_migration::prelude::*;

use crate::columns::{foreign_key, optional_timestamp, reference, timestamp};
use crate::run;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ShiftCheckIns {
    Table,
    ShiftId,
    DeputyId,
    CheckedInAt,
    CheckedOutAt,
}

#[derive(DeriveIden)]
enum DutyShifts {
    Table,
    Id,
    CheckedInAt,
    CheckedInBy,
    CheckedOutAt,
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
}

/// Who checked in on a stored shift: the deputy recorded, or the shift's own for a row from
/// before that was recorded; one no longer among the deputies has no row to keep.
const MOVE_CHECK_INS: &str = "INSERT INTO shift_check_ins \
     (shift_id, deputy_id, checked_in_at, checked_out_at) \
     SELECT id, COALESCE(checked_in_by, deputy_id), checked_in_at, checked_out_at \
     FROM duty_shifts WHERE checked_in_at IS NOT NULL \
     AND COALESCE(checked_in_by, deputy_id) IN (SELECT id FROM deputies)";

/// Going back, a shift keeps its first check-in.
const FIRST_CHECK_IN: &str = "UPDATE duty_shifts SET \
     checked_in_at = (SELECT c.checked_in_at FROM shift_check_ins c \
       WHERE c.shift_id = duty_shifts.id ORDER BY c.checked_in_at, c.deputy_id LIMIT 1), \
     checked_in_by = (SELECT c.deputy_id FROM shift_check_ins c \
       WHERE c.shift_id = duty_shifts.id ORDER BY c.checked_in_at, c.deputy_id LIMIT 1), \
     checked_out_at = (SELECT c.checked_out_at FROM shift_check_ins c \
       WHERE c.shift_id = duty_shifts.id ORDER BY c.checked_in_at, c.deputy_id LIMIT 1)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ShiftCheckIns::Table)
                    .col(reference(ShiftCheckIns::ShiftId))
                    .col(reference(ShiftCheckIns::DeputyId))
                    .col(timestamp(ShiftCheckIns::CheckedInAt))
                    .col(optional_timestamp(ShiftCheckIns::CheckedOutAt))
                    .primary_key(
                        Index::create()
                            .col(ShiftCheckIns::ShiftId)
                            .col(ShiftCheckIns::DeputyId),
                    )
                    // A shift dropped from the roster takes its check-ins with it.
                    .foreign_key(&mut foreign_key(
                        (ShiftCheckIns::Table, ShiftCheckIns::ShiftId),
                        (DutyShifts::Table, DutyShifts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (ShiftCheckIns::Table, ShiftCheckIns::DeputyId),
                        (Deputies::Table, Deputies::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        run(manager, &[MOVE_CHECK_INS]).await?;
        // One column a statement: SQLite alters a table one change at a time.
        for column in [
            DutyShifts::CheckedOutAt,
            DutyShifts::CheckedInBy,
            DutyShifts::CheckedInAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DutyShifts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            optional_timestamp(DutyShifts::CheckedInAt),
            ColumnDef::new(DutyShifts::CheckedInBy)
                .big_integer()
                .null()
                .to_owned(),
            optional_timestamp(DutyShifts::CheckedOutAt),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(DutyShifts::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        run(manager, &[FIRST_CHECK_IN]).await?;
        manager
            .drop_table(Table::drop().table(ShiftCheckIns::Table).to_owned())
            .await
    }
}

#[cfg(test)]
mod tests {
    use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

    use crate::{Migrator, MigratorTrait};

    async fn rows(db: &impl ConnectionTrait, sql: &str) -> Vec<(i64, i64)> {
        db.query_all(Statement::from_string(DbBackend::Sqlite, sql))
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.try_get_by_index(0).unwrap(),
                    r.try_get_by_index(1).unwrap(),
                )
            })
            .collect()
    }

    #[tokio::test]
    async fn each_check_in_moves_to_the_deputy_who_made_it_and_back() {
        // Deputies and shifts only: the rest of the organisation is beside the point here.
        let db = crate::testing::before("m20261202_000025_check_ins_by_deputy").await;
        for id in [3, 4] {
            db.execute_unprepared(&format!(
                "INSERT INTO deputies (id, county_id, name, level, created_at, updated_at) \
                 VALUES ({id}, 1, '代表{id}', 'county', '2026-11-01', '2026-11-01')"
            ))
            .await
            .unwrap();
        }
        db.execute_unprepared(
            "INSERT INTO duty_shifts (id, station_id, deputy_id, group_id, starts_at, ends_at, \
             checked_in_at, checked_in_by, checked_out_at) VALUES \
             (7, 1, 3, 9, '2026-12-01 09:00', '2026-12-01 12:00', '2026-12-01 09:05', 4, NULL), \
             (8, 1, 3, NULL, '2026-12-02 09:00', '2026-12-02 12:00', NULL, NULL, NULL)",
        )
        .await
        .unwrap();
        // This migration alone, so that down() below undoes it and not a later one.
        Migrator::up(&db, Some(1)).await.unwrap();
        assert_eq!(
            rows(&db, "SELECT shift_id, deputy_id FROM shift_check_ins").await,
            [(7, 4)]
        );

        Migrator::down(&db, Some(1)).await.unwrap();
        assert_eq!(
            rows(
                &db,
                "SELECT id, COALESCE(checked_in_by, 0) FROM duty_shifts ORDER BY id"
            )
            .await,
            [(7, 4), (8, 0)]
        );
    }
}

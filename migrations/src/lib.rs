//! Liaison's schema as an append-only list of migrations that run on SQLite and PostgreSQL.
//! Never edit a migration that has landed; add a new one.

pub use sea_orm_migration::prelude::*;

mod closed_sets;

/// What the migrations' own tests start from.
#[cfg(test)]
mod testing {
    use sea_orm_migration::sea_orm::{
        ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    };

    use super::{Migrator, MigratorTrait};

    /// An in-memory SQLite database migrated up to just before migration `name` (found by
    /// name: later migrations come after it), with foreign keys off, so that a test writes the
    /// rows it is about without the organisation around them.
    pub async fn before(name: &str) -> DatabaseConnection {
        let mut options = ConnectOptions::new("sqlite::memory:");
        options.max_connections(1);
        let db = Database::connect(options).await.unwrap();
        let steps = Migrator::migrations()
            .iter()
            .position(|m| m.name() == name)
            .unwrap();
        Migrator::up(&db, Some(u32::try_from(steps).unwrap()))
            .await
            .unwrap();
        db.execute_unprepared("PRAGMA foreign_keys = OFF")
            .await
            .unwrap();
        db
    }
}

mod m20261123_000001_create_organisation;
mod m20261123_000002_create_users;
mod m20261123_000003_create_duty_shifts;
mod m20261123_000004_create_cases;
mod m20261123_000005_create_attachments;
mod m20261123_000006_create_notifications;
mod m20261123_000007_create_deliveries;
mod m20261123_000008_create_deadline_marks;
mod m20261123_000009_index_cases_respond_by;
mod m20261201_000001_case_search;
mod m20261201_000010_track_account_changes;
mod m20261201_000011_check_closed_sets;
mod m20261201_000012_deadline_order_by_county;
mod m20261201_000013_index_standing;
mod m20261202_000014_township_admins;
mod m20261202_000015_account_upkeep;
mod m20261202_000016_deputy_status;
mod m20261202_000017_receptions;
mod m20261202_000018_shift_attendance;
mod m20261202_000019_reply_templates;
mod m20261202_000020_catalogue_upkeep;
mod m20261202_000021_reassignment;
mod m20261202_000022_outcomes;
mod m20261202_000023_case_channels;
mod m20261202_000024_group_only_shifts;
mod m20261202_000025_check_ins_by_deputy;
mod m20261202_000026_ledger_exports;
mod m20261202_000027_publishable_cases;
mod m20261202_000028_handover_events;
mod m20261202_000029_register_entries;
mod m20261202_000030_scoring_schemes;
mod m20261202_000031_audit_scoring_schemes;
mod m20261202_000032_figure_days;
mod m20261202_000033_figure_months;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_organisation::Migration),
            Box::new(m20261123_000002_create_users::Migration),
            Box::new(m20261123_000003_create_duty_shifts::Migration),
            Box::new(m20261123_000004_create_cases::Migration),
            Box::new(m20261123_000005_create_attachments::Migration),
            Box::new(m20261123_000006_create_notifications::Migration),
            Box::new(m20261123_000007_create_deliveries::Migration),
            Box::new(m20261123_000008_create_deadline_marks::Migration),
            Box::new(m20261123_000009_index_cases_respond_by::Migration),
            Box::new(m20261201_000001_case_search::Migration),
            Box::new(m20261201_000010_track_account_changes::Migration),
            Box::new(m20261201_000011_check_closed_sets::Migration),
            Box::new(m20261201_000012_deadline_order_by_county::Migration),
            Box::new(m20261201_000013_index_standing::Migration),
            Box::new(m20261202_000014_township_admins::Migration),
            Box::new(m20261202_000015_account_upkeep::Migration),
            Box::new(m20261202_000016_deputy_status::Migration),
            Box::new(m20261202_000017_receptions::Migration),
            Box::new(m20261202_000018_shift_attendance::Migration),
            Box::new(m20261202_000019_reply_templates::Migration),
            Box::new(m20261202_000020_catalogue_upkeep::Migration),
            Box::new(m20261202_000021_reassignment::Migration),
            Box::new(m20261202_000022_outcomes::Migration),
            Box::new(m20261202_000023_case_channels::Migration),
            Box::new(m20261202_000024_group_only_shifts::Migration),
            Box::new(m20261202_000025_check_ins_by_deputy::Migration),
            Box::new(m20261202_000026_ledger_exports::Migration),
            Box::new(m20261202_000027_publishable_cases::Migration),
            Box::new(m20261202_000028_handover_events::Migration),
            Box::new(m20261202_000029_register_entries::Migration),
            Box::new(m20261202_000030_scoring_schemes::Migration),
            Box::new(m20261202_000031_audit_scoring_schemes::Migration),
            Box::new(m20261202_000032_figure_days::Migration),
            Box::new(m20261202_000033_figure_months::Migration),
        ]
    }
}

/// Column helpers every table shares, so ids and timestamps are spelled one way.
/// Runs `statements` in order: for the migrations written as plain SQL both backends read.
pub(crate) async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::ConnectionTrait;
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

pub(crate) mod columns {
    use sea_orm_migration::prelude::*;

    pub fn id<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .big_integer()
            .not_null()
            .auto_increment()
            .primary_key()
            .to_owned()
    }

    pub fn reference<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).big_integer().not_null().to_owned()
    }

    pub fn optional_reference<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).big_integer().null().to_owned()
    }

    pub fn text<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).string().not_null().to_owned()
    }

    pub fn optional_text<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).string().null().to_owned()
    }

    pub fn timestamp<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .timestamp_with_time_zone()
            .not_null()
            .to_owned()
    }

    pub fn optional_timestamp<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .timestamp_with_time_zone()
            .null()
            .to_owned()
    }

    /// A foreign key from `from` (table, column) to `to` (table, column).
    pub fn foreign_key(
        from: (impl IntoIden + 'static, impl IntoIden + 'static),
        to: (impl IntoIden + 'static, impl IntoIden + 'static),
        on_delete: ForeignKeyAction,
    ) -> ForeignKeyCreateStatement {
        ForeignKey::create()
            .from(from.0, from.1)
            .to(to.0, to.1)
            .on_delete(on_delete)
            .to_owned()
    }

    pub fn index(
        name: &str,
        table: impl IntoIden + 'static,
        columns: impl IntoIterator<Item = impl IntoIden + 'static>,
    ) -> IndexCreateStatement {
        let mut index = Index::create().name(name).table(table).to_owned();
        for column in columns {
            index.col(column);
        }
        index
    }

    pub fn unique_index(
        name: &str,
        table: impl IntoIden + 'static,
        columns: impl IntoIterator<Item = impl IntoIden + 'static>,
    ) -> IndexCreateStatement {
        index(name, table, columns).unique().to_owned()
    }
}

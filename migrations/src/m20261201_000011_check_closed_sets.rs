//! Every column that holds a word of a closed set (a status, a role, a kind, a level, a
//! rating) refuses any other word, whoever writes it: a CHECK constraint on PostgreSQL, and on
//! SQLite, which cannot add a constraint to a table, a trigger on insert and on update.
//!
//! The words come from the domain's own lists as they stand now; a later change of a list
//! comes with its own migration that replaces the rule.

use liaison_domain::actor::Role;
use liaison_domain::case::{CaseStatus, EventKind, Rating};
use liaison_domain::delivery::{Channel, DeliveryStatus};
use liaison_domain::deputy::DeputyLevel;
use liaison_domain::region::RegionLevel;
use liaison_domain::station::StationKind;
use liaison_domain::vocabulary::Vocabulary;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A column and the words it may hold.
struct Rule {
    table: &'static str,
    column: &'static str,
    words: Vec<&'static str>,
    nullable: bool,
}

fn words<T: Vocabulary>() -> Vec<&'static str> {
    T::ALL.iter().map(|w| w.as_str()).collect()
}

fn rules() -> Vec<Rule> {
    let rule = |table, column, words, nullable| Rule {
        table,
        column,
        words,
        nullable,
    };
    vec![
        rule("cases", "status", words::<CaseStatus>(), false),
        rule("cases", "rating", words::<Rating>(), true),
        rule("case_events", "kind", words::<EventKind>(), false),
        rule("notifications", "kind", words::<EventKind>(), false),
        rule("deliveries", "event", words::<EventKind>(), false),
        rule("deliveries", "status", words::<DeliveryStatus>(), false),
        rule("deliveries", "channel", words::<Channel>(), false),
        rule("users", "role", words::<Role>(), false),
        rule("stations", "kind", words::<StationKind>(), false),
        rule("regions", "level", words::<RegionLevel>(), false),
        rule("deputies", "level", words::<DeputyLevel>(), false),
    ]
}

impl Rule {
    fn name(&self) -> String {
        format!("{}_{}_known", self.table, self.column)
    }

    /// `column IN ('a', 'b')`, for `NEW.column` on SQLite. The words are the domain's own
    /// snake_case spellings, never user input, so quoting them plainly is safe.
    fn allowed(&self, column: &str) -> String {
        let list = self
            .words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(", ");
        if self.nullable {
            format!("({column} IS NULL OR {column} IN ({list}))")
        } else {
            format!("{column} IN ({list})")
        }
    }

    fn up(&self, backend: DbBackend) -> Vec<String> {
        let (table, column, name) = (self.table, self.column, self.name());
        match backend {
            DbBackend::Postgres => vec![format!(
                "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({})",
                self.allowed(column)
            )],
            _ => ["insert", "update"]
                .iter()
                .map(|event| {
                    let of = if *event == "update" {
                        format!("UPDATE OF {column}")
                    } else {
                        "INSERT".to_owned()
                    };
                    format!(
                        "CREATE TRIGGER {name}_{event} BEFORE {of} ON {table} \
                         WHEN NOT {} BEGIN \
                         SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END",
                        self.allowed(&format!("NEW.{column}"))
                    )
                })
                .collect(),
        }
    }

    fn down(&self, backend: DbBackend) -> Vec<String> {
        let (table, name) = (self.table, self.name());
        match backend {
            DbBackend::Postgres => vec![format!("ALTER TABLE {table} DROP CONSTRAINT {name}")],
            _ => vec![
                format!("DROP TRIGGER {name}_insert"),
                format!("DROP TRIGGER {name}_update"),
            ],
        }
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for rule in rules() {
            for sql in rule.up(db.get_database_backend()) {
                db.execute_unprepared(&sql).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for rule in rules() {
            for sql in rule.down(db.get_database_backend()) {
                db.execute_unprepared(&sql).await?;
            }
        }
        Ok(())
    }
}

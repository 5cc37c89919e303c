//! The rule that a column holding a word of a closed set (a status, a role, a kind) refuses any
//! other word, whoever writes it: a CHECK constraint on PostgreSQL, and on SQLite, which cannot
//! add a constraint to a table, a trigger on insert and on update.
//!
//! A rule takes its words from the domain's list as it stands when the migration runs. A
//! migration that widens a list renews the rule (drops it and adds it with today's words), so a
//! database migrated before the change learns the new word too.

use liaison_domain::vocabulary::Vocabulary;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// A column and the words it may hold.
pub(crate) struct Rule {
    table: &'static str,
    column: &'static str,
    words: Vec<&'static str>,
    nullable: bool,
}

impl Rule {
    /// `table.column` holds a word of `T`, never nothing.
    pub(crate) fn of<T: Vocabulary>(table: &'static str, column: &'static str) -> Rule {
        Rule {
            table,
            column,
            words: T::ALL.iter().map(|w| w.as_str()).collect(),
            nullable: false,
        }
    }

    /// `table.column` holds a word of `T` or nothing.
    pub(crate) fn optional<T: Vocabulary>(table: &'static str, column: &'static str) -> Rule {
        Rule {
            nullable: true,
            ..Rule::of::<T>(table, column)
        }
    }

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

/// Adds each rule.
pub(crate) async fn add(manager: &SchemaManager<'_>, rules: &[Rule]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for rule in rules {
        for sql in rule.up(db.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
    }
    Ok(())
}

/// Drops each rule.
pub(crate) async fn drop(manager: &SchemaManager<'_>, rules: &[Rule]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for rule in rules {
        for sql in rule.down(db.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
    }
    Ok(())
}

/// Replaces each rule by one with the domain's words of today: for a list that grew.
pub(crate) async fn renew(manager: &SchemaManager<'_>, rules: &[Rule]) -> Result<(), DbErr> {
    drop(manager, rules).await?;
    add(manager, rules).await
}

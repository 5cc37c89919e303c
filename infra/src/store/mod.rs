//! Stores: each owns the queries of one aggregate, and the SQL forms of the domain rules that
//! filter it, so that use-cases ask for what they need and never build a query.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod board;
pub mod cases;
pub mod department_appraisal;
pub mod notifications;
pub mod organisation;
pub mod outbox;
pub mod performance;
pub mod reference;
pub mod registers;
pub mod reply_templates;
pub mod scoring_schemes;
pub mod seeding;
pub mod sessions;
pub mod subscriptions;

use sea_orm::DbBackend;

/// A page of a list ordered by id, as checked at the edge: how many, and after which id.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: u64,
    pub after: Option<i64>,
}

impl Page {
    /// Rows to fetch: one more than asked, to learn whether another page follows.
    pub fn fetch(&self) -> u64 {
        self.limit + 1
    }
}

/// PostgreSQL numbers its parameters (`$1`, `$2`…); SQLite takes `?` in order.
pub(crate) fn numbered(backend: DbBackend, sql: &str) -> String {
    if backend != DbBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_numbers_the_parameters_in_order() {
        let sql = "a = ? AND b IN (?, ?)";
        assert_eq!(
            numbered(DbBackend::Postgres, sql),
            "a = $1 AND b IN ($2, $3)"
        );
        assert_eq!(numbered(DbBackend::Sqlite, sql), sql);
    }
}

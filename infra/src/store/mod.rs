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
pub mod reference;
pub mod registers;
pub mod reply_templates;
pub mod seeding;
pub mod sessions;
pub mod subscriptions;

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

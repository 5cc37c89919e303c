//! The audit list (who changed which account or deputy, and when): writing an entry in the
//! transaction of each change, and reading the entries an admin oversees.

pub mod routes;
pub mod service;

pub use service::{record, Entry};

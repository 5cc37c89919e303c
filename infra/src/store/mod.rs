//! Stores: each owns the queries of one aggregate, and the SQL forms of the domain rules that
//! filter it, so that use-cases ask for what they need and never build a query.

pub mod accounts;
pub mod cases;
pub mod reference;
pub mod sessions;

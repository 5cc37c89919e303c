//! Telling people about their cases: the in-app inbox.

pub mod inbox;
pub mod routes;

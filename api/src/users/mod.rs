//! Staff accounts.

pub mod routes;
pub mod service;

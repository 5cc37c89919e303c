//! Photos attached to cases.

pub mod routes;

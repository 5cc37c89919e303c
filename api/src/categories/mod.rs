//! Case categories: what a case is about, its default department and its deadlines.

pub mod routes;
pub mod service;

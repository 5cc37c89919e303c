//! Government departments (承办单位) that cases are handed to.

pub mod appraisal;
pub mod routes;
pub mod service;

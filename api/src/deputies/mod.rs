//! Deputies: the public directory and their records.

pub mod dto;
pub mod routes;
pub mod service;

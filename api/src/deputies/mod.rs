//! Deputies: the public directory, their records and their own codes.

pub mod code;
pub mod dto;
pub mod routes;
pub mod service;

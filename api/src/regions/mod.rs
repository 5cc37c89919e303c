//! The administrative tree: county → township → village.

pub mod dto;
pub mod routes;
pub mod service;

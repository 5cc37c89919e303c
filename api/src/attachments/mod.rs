//! Photos attached to cases: uploaded first, then claimed by the one case they belong to.

pub mod dto;
pub mod routes;
pub mod service;

//! Deputy groups (代表小组): named groups of a station's deputies that a shift may name, so
//! that every member is on duty. A station's admins run them.

pub mod dto;
pub mod routes;
pub mod service;

//! The performance record (履职档案) and stars (五星级代表): counties publish scoring schemes
//! (计分办法) per year; a deputy's record shows how their score and stars were reached, item
//! by item; admins rank the deputies they oversee.

pub mod dto;
pub mod routes;
pub mod service;

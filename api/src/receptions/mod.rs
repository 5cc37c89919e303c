//! Receptions (接待活动): sittings at a station, recorded by its deputies and admins: what kind,
//! when, who was present, how many came, and the cases raised in them.

pub mod dto;
pub mod routes;
pub mod service;

//! Liaison stations: their cards, duty rosters, printed codes and what a scan shows.

pub mod code;
pub mod dto;
pub mod roster;
pub mod routes;
pub mod service;

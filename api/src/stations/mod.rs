//! Liaison stations: their cards, duty rosters, printed codes and posters, and what a scan
//! shows.

pub mod code;
pub mod dto;
pub mod poster;
pub mod roster;
pub mod routes;
pub mod service;

//! Liaison stations: their cards, duty rosters, printed codes and posters, and what a scan
//! shows.

pub mod board;
pub mod check_in;
pub mod code;
pub mod dto;
pub mod poster;
pub mod reception_days;
pub mod roster;
pub mod routes;
pub mod service;

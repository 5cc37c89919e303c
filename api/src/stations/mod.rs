//! Liaison stations: their cards, duty rosters, printed codes, what a scan shows, and the link
//! from a web page into the mini-program.

pub mod code;
pub mod dto;
pub mod link;
pub mod roster;
pub mod routes;
pub mod service;

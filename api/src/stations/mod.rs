//! Liaison stations: their cards, duty rosters, printed codes and posters, what a scan shows,
//! and the link from a web page into the mini-program.

pub mod check_in;
pub mod code;
pub mod dto;
pub mod link;
pub mod poster;
pub mod reception_days;
pub mod roster;
pub mod routes;
pub mod service;

//! Webhooks: a county's other systems (a 12345 hotline, a petition office) receive its case
//! events as signed POSTs. County admins manage them; the outbox delivers them.

pub mod delivery;
pub mod dto;
pub mod routes;
pub mod service;

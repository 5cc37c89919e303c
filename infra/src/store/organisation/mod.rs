//! The organisation: regions, stations with their deputies and rosters, departments,
//! categories and webhooks, each in a module of its own.

pub mod categories;
pub mod counties;
pub mod departments;
pub mod deputies;
pub mod groups;
pub mod reception_days;
pub mod receptions;
pub mod regions;
pub mod rosters;
pub mod stations;
pub mod webhooks;

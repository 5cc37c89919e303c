//! End-to-end tests of the HTTP API, one module per area. One binary, so it links once.

mod auth;
mod catalogue;
mod codes;
mod deputies;
mod errors;
mod operations;
mod regions;
mod roster;
mod stations;
mod users;
mod wechat;

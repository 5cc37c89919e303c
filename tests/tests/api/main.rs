//! End-to-end tests of the HTTP API, one module per area. One binary, so it links once.

// Tests fail loudly on what they did not expect; the workspace bans these outside tests only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod attachments;
mod auth;
mod case_queue;
mod cases;
mod catalogue;
mod catalogue_upkeep;
mod codes;
mod contention;
mod cost;
mod deadlines;
mod deputies;
mod deputy_codes;
mod errors;
mod http;
mod notifications;
mod operations;
mod outbox;
mod regions;
mod reply_templates;
mod roster;
mod sessions;
mod stations;
mod stream;
mod subscriptions;
mod users;
mod webhooks;
mod wechat;

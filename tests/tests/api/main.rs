//! End-to-end tests of the HTTP API, one module per area. One binary, so it links once.

// Tests fail loudly on what they did not expect; the workspace bans these outside tests only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod appraisal;
mod attachments;
mod attendance;
mod auth;
mod authorization;
mod board;
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
mod deputy_status;
mod errors;
mod groups;
mod http;
mod ledger;
mod notifications;
mod operations;
mod outbox;
mod performance;
mod receptions;
mod regions;
mod registers;
mod reply_templates;
mod roster;
mod rounds;
mod scoring_schemes;
mod sessions;
mod stations;
mod stats;
mod stream;
mod subscriptions;
mod townships;
mod users;
mod walk_ins;
mod webhooks;
mod wechat;

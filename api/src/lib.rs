//! The `liaison` application: HTTP surface, use-cases and the command line.

pub mod admin;
pub mod attachments;
pub mod auth;
pub mod cases;
pub mod categories;
pub mod cli;
pub mod demo;
pub mod departments;
pub mod deputies;
pub mod error;
pub mod extract;
pub mod fallback;
pub mod housekeeping;
pub mod landing;
pub mod metrics;
pub mod notifications;
pub mod openapi;
pub mod ops;
pub mod pagination;
pub mod regions;
pub mod settings;
pub mod startup;
pub mod state;
pub mod stations;
pub mod telemetry;
pub mod users;

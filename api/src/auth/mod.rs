//! Logins, tokens and who the caller is.

pub mod caller;
pub mod dto;
pub mod revocations;
pub mod routes;
pub mod service;
pub mod tokens;

pub use caller::{Caller, MaybeCaller, UnnamedCaller};

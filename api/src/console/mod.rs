//! The staff's web console at `/console`: pages rendered on the server from templates compiled
//! into the binary, over the same use-cases as the API, in a cookie session whose forms carry
//! CSRF tokens. HTML for people: none of it is in the OpenAPI document.

pub(crate) mod assets;
mod charts;
mod csrf;
mod error;
mod form;
pub mod messages;
mod once;
mod pages;
mod routes;
mod session;

pub use routes::configure;

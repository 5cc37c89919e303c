//! Staff accounts: creating them, reading and changing them, disabling and enabling, and
//! passwords.

pub mod change;
pub mod directory;
pub mod passwords;
pub mod routes;
pub mod service;
pub mod standing;

//! WeChat subscribe messages: the templates configured, the grants residents give, and the
//! messages sent through the outbox.

pub mod delivery;
pub mod grants;
pub mod routes;
pub mod templates;

pub use templates::Templates;

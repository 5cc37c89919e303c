//! Saved replies (常用回复): texts a county and its stations keep for the reply form.

pub mod routes;
pub mod service;

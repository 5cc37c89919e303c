//! Cases (码上说事): raising them, the queue, every step of their life, the timeline.

pub mod access;
pub mod actions;
pub mod dto;
pub mod moderation;
pub mod queue;
pub mod routes;
pub mod submit;
pub mod view;

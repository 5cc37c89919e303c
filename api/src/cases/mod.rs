//! Cases (码上说事): raising them, the queue, every step of their life, the timeline.

pub mod access;
pub mod moderation;

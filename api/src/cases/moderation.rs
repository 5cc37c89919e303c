//! Screening what residents write: placeholder replaced by the moderation module.

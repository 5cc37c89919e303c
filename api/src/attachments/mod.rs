//! Photos attached to cases: uploaded first, then claimed by the one case they belong to.

pub mod dto;
pub mod routes;
pub mod service;

use liaison_infra::db::Db;
use liaison_infra::files::Store;
use liaison_infra::rate_limit::RateLimiter;

use crate::state::AppState;

/// What the attachment use-cases need of this node, borrowed from its state.
pub struct Attachments<'a> {
    pub db: &'a Db,
    /// Where the files are kept.
    pub files: Store,
    /// Bounds how many uploads one person makes.
    pub limiter: &'a RateLimiter,
    /// The server's public base URL, on which attachments' URLs are built.
    pub base_url: &'a str,
    /// The largest photo accepted, in pixels, read from its header.
    pub max_pixels: u64,
}

impl AppState {
    pub fn attachments(&self) -> Attachments<'_> {
        Attachments {
            db: &self.db,
            files: Store::in_data_dir(&self.settings.data_dir),
            limiter: &self.limiter,
            base_url: &self.settings.public_base_url,
            max_pixels: self.settings.cases.photo_max_pixels,
        }
    }
}

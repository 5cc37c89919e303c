//! What a scanned scene shows, whichever kind of code it came from.

use liaison_domain::scene::{self, SceneKind};

use super::Codes;
use crate::app_error::{AppError, AppResult};
use crate::stations::dto::ScanCard;

/// The card of the station or deputy the scene names; a forged or unknown scene is simply not
/// found.
pub async fn scan(codes: &Codes<'_>, scene_text: &str) -> AppResult<ScanCard> {
    match scene::verify(scene_text, codes.scene_key) {
        Some((SceneKind::Station, id)) => crate::stations::code::card(codes, id).await,
        Some((SceneKind::Deputy, id)) => crate::deputies::code::card(codes, id).await,
        None => Err(AppError::NotFound("station")),
    }
}

//! What a station's printable poster shows: its card, its code and its deputies, for the
//! people who run the station.

use liaison_domain::actor::Actor;

use super::code::code_of;
use super::dto::Station;
use super::service::find_administered;
use crate::app_error::AppResult;
use crate::codes::{picture, Codes};
use crate::deputies::service::at;

pub struct PosterContent {
    pub station: Station,
    /// The names of the deputies who sit at the station, in the directory's order.
    pub deputies: Vec<String>,
    /// The station's code as its printable image, and the image's media type.
    pub code: Vec<u8>,
    pub code_type: &'static str,
}

/// The poster of a station the actor administers: 404 when it does not exist, 403 when it
/// is someone else's.
pub async fn content(
    codes: &Codes<'_>,
    actor: &Actor,
    station_id: i64,
) -> AppResult<PosterContent> {
    let station = find_administered(codes.db, actor, station_id).await?;
    let deputies = at(codes.db, station.id)
        .await?
        .into_iter()
        .map(|deputy| deputy.name)
        .collect();
    let (code, code_type) = picture(codes, &code_of(codes, station.id)).await?;
    Ok(PosterContent {
        station: station.into(),
        deputies,
        code,
        code_type,
    })
}

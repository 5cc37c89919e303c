//! Station codes: the code of a station, its printable image, and its card for a scan.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::scene::SceneKind;

use super::dto::ScanCard;
use super::reception_days;
use super::service::{find, find_administered};
use crate::app_error::AppResult;
use crate::categories::service::active_in;
use crate::codes::{self, Code, Codes};
use crate::deputies::service::at;

pub async fn describe(codes: &Codes<'_>, actor: &Actor, station_id: i64) -> AppResult<Code> {
    let station = find_administered(codes.db, actor, station_id).await?;
    Ok(code_of(codes, station.id))
}

/// The code of a station whose administration was already checked.
pub fn code_of(codes: &Codes<'_>, station_id: i64) -> Code {
    let image_url = format!("{}/api/v1/stations/{station_id}/code.png", codes.base_url);
    codes::code_of(codes, SceneKind::Station, station_id, image_url)
}

/// The printable image, as [`codes::picture`] draws it.
pub async fn image(
    codes: &Codes<'_>,
    actor: &Actor,
    station_id: i64,
) -> AppResult<(Vec<u8>, &'static str)> {
    let code = describe(codes, actor, station_id).await?;
    codes::picture(codes, &code).await
}

/// What a scan of the station's code shows: its card, its deputies, who is on duty now and
/// the categories a case may take. No deputy's code was scanned.
pub async fn card(codes: &Codes<'_>, station_id: i64) -> AppResult<ScanCard> {
    let station = find(codes.db, station_id).await?;
    let deputies = at(codes.db, station.id).await?;
    let on_duty_ids = codes
        .reference
        .on_duty(codes.db, station.id, Utc::now())
        .await?;
    // A shift outlives a deputy who has since left the station; only current members count.
    let on_duty = on_duty_ids
        .iter()
        .filter_map(|id| deputies.iter().find(|d| d.id == *id).cloned())
        .collect();
    let categories = active_in(codes.db, station.county_id).await?;
    let next_reception_day = reception_days::next(codes.db, station.id, Utc::now()).await?;
    Ok(ScanCard {
        station: station.into(),
        deputy: None,
        deputies,
        on_duty,
        next_reception_day,
        categories,
    })
}

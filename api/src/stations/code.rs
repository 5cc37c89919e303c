//! Station codes: the signed scene, the printable image, and what a scan answers.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::scene;
use secrecy::ExposeSecret;

use super::dto::{ScanCard, StationCode};
use super::service::{find, find_administered};
use crate::categories::service::active_in;
use crate::deputies::service::at;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn scene_key(state: &AppState) -> &[u8] {
    state
        .settings
        .stations
        .scene_secret
        .expose_secret()
        .as_bytes()
}

fn base_url(state: &AppState) -> &str {
    state.settings.public_base_url.trim_end_matches('/')
}

pub async fn describe(state: &AppState, actor: &Actor, station_id: i64) -> ApiResult<StationCode> {
    let station = find_administered(&state.db, actor, station_id).await?;
    let scene = scene::sign(station.id, scene_key(state));
    let base = base_url(state);
    Ok(StationCode {
        image_url: format!("{base}/api/v1/stations/{}/code.png", station.id),
        url: format!("{base}/s/{scene}"),
        scene,
    })
}

/// The printable image: WeChat's mini-program code when WeChat is configured, otherwise a
/// plain QR code of `{public_base_url}/s/{scene}`. Answers the bytes and their media type.
pub async fn image(
    state: &AppState,
    actor: &Actor,
    station_id: i64,
) -> ApiResult<(Vec<u8>, &'static str)> {
    let code = describe(state, actor, station_id).await?;
    match &state.wechat {
        Some(wechat) => {
            let settings = &state.settings.wechat;
            let bytes = wechat
                .station_code(&code.scene, &settings.code_page, &settings.code_env_version)
                .await?;
            Ok((bytes, "image/jpeg"))
        }
        None => {
            let bytes = liaison_infra::qr::png(&code.url).map_err(ApiError::internal)?;
            Ok((bytes, "image/png"))
        }
    }
}

/// What the mini-program shows after scanning: a forged or unknown scene is simply not found.
pub async fn scan(state: &AppState, scene_text: &str) -> ApiResult<ScanCard> {
    let station_id = scene::verify(scene_text, scene_key(state))
        .ok_or_else(|| ApiError::not_found("station"))?;
    let station = find(&state.db, station_id).await?;
    let deputies = at(&state.db, station.id).await?;
    let on_duty_ids = state
        .reference
        .on_duty(&state.db, station.id, Utc::now())
        .await?;
    // A shift outlives a deputy who has since left the station; only current members count.
    let on_duty = on_duty_ids
        .iter()
        .filter_map(|id| deputies.iter().find(|d| d.id == *id).cloned())
        .collect();
    let categories = active_in(&state.db, station.county_id).await?;
    Ok(ScanCard {
        station: station.into(),
        deputies,
        on_duty,
        categories,
    })
}

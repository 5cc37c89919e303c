//! Station codes: the signed scene, the printable image, and what a scan answers.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::scene;
use liaison_infra::db::Db;
use liaison_infra::store::reference::Reference;
use liaison_infra::wechat::WechatClient;
use secrecy::ExposeSecret;

use super::dto::{ScanCard, StationCode};
use super::reception_days;
use super::service::{find, find_administered};
use crate::app_error::{AppError, AppResult};
use crate::categories::service::active_in;
use crate::deputies::service::at;
use crate::settings::WechatSettings;
use crate::state::AppState;

/// What printing and scanning station codes needs of this node, borrowed from its state.
#[derive(Clone, Copy)]
pub struct StationCodes<'a> {
    pub db: &'a Db,
    pub reference: &'a Reference,
    /// Signs the scenes printed in codes and checks those scanned.
    pub scene_key: &'a [u8],
    /// How the outside world reaches this server, without a trailing slash.
    pub base_url: &'a str,
    /// `None` when WeChat is not configured: codes are then plain QR codes.
    pub wechat: Option<&'a WechatClient>,
    /// Which mini-program page and build a WeChat code opens.
    pub wechat_settings: &'a WechatSettings,
}

impl AppState {
    /// The part of the state that station codes need.
    pub fn station_codes(&self) -> StationCodes<'_> {
        StationCodes {
            db: &self.db,
            reference: &self.reference,
            scene_key: self
                .settings
                .stations
                .scene_secret
                .expose_secret()
                .as_bytes(),
            base_url: self.settings.public_base_url.trim_end_matches('/'),
            wechat: self.wechat.as_ref(),
            wechat_settings: &self.settings.wechat,
        }
    }
}

pub async fn describe(
    codes: &StationCodes<'_>,
    actor: &Actor,
    station_id: i64,
) -> AppResult<StationCode> {
    let station = find_administered(codes.db, actor, station_id).await?;
    Ok(code_of(codes, station.id))
}

/// The code of a station whose administration was already checked.
pub fn code_of(codes: &StationCodes<'_>, station_id: i64) -> StationCode {
    let scene = scene::sign(station_id, codes.scene_key);
    let base = codes.base_url;
    StationCode {
        image_url: format!("{base}/api/v1/stations/{station_id}/code.png"),
        url: format!("{base}/s/{scene}"),
        scene,
    }
}

/// The printable image: WeChat's mini-program code when WeChat is configured, otherwise a
/// plain QR code of `{public_base_url}/s/{scene}`. Answers the bytes and their media type.
pub async fn image(
    codes: &StationCodes<'_>,
    actor: &Actor,
    station_id: i64,
) -> AppResult<(Vec<u8>, &'static str)> {
    let code = describe(codes, actor, station_id).await?;
    picture(codes, &code).await
}

/// The image of `code`, as [`image`] answers it.
pub async fn picture(
    codes: &StationCodes<'_>,
    code: &StationCode,
) -> AppResult<(Vec<u8>, &'static str)> {
    match codes.wechat {
        Some(wechat) => {
            let settings = codes.wechat_settings;
            let bytes = wechat
                .station_code(&code.scene, &settings.code_page, &settings.code_env_version)
                .await?;
            Ok((bytes, "image/jpeg"))
        }
        None => {
            let bytes = liaison_infra::qr::png(&code.url).map_err(AppError::internal)?;
            Ok((bytes, "image/png"))
        }
    }
}

/// What the mini-program shows after scanning: a forged or unknown scene is simply not found.
pub async fn scan(codes: &StationCodes<'_>, scene_text: &str) -> AppResult<ScanCard> {
    let station_id =
        scene::verify(scene_text, codes.scene_key).ok_or(AppError::NotFound("station"))?;
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
        deputies,
        on_duty,
        next_reception_day,
        categories,
    })
}

//! Printed codes (a station's, a deputy's): the signed scene, where it leads, and the image
//! to print, for every kind of code alike.

pub mod link;
pub mod scan;

use liaison_domain::scene::{self, SceneKind};
use liaison_infra::db::Db;
use liaison_infra::store::reference::Reference;
use liaison_infra::wechat::WechatClient;
use secrecy::ExposeSecret;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app_error::{AppError, AppResult};
use crate::settings::WechatSettings;
use crate::state::AppState;

/// What printing and scanning codes needs of this node, borrowed from its state.
#[derive(Clone, Copy)]
pub struct Codes<'a> {
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
    /// The part of the state that codes need.
    pub fn codes(&self) -> Codes<'_> {
        Codes {
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

/// What a printed code holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct Code {
    /// The signed scene (≤ 32 characters) the mini-program passes to `/scan/{scene}`.
    #[schema(example = "1.4fJ8kP2qXz9LmN0aB")]
    pub scene: String,
    /// The printable PNG.
    pub image_url: String,
    /// Where a plain QR code points when WeChat is not configured: the public page of what
    /// the code names.
    pub url: String,
}

/// The code of the `kind` numbered `id`, whose reader was already checked: its scene, its
/// image at `image_url`, and its public page (`/s/` for a station, `/d/` for a deputy).
pub fn code_of(codes: &Codes<'_>, kind: SceneKind, id: i64, image_url: String) -> Code {
    let scene = scene::sign(kind, id, codes.scene_key);
    let page = match kind {
        SceneKind::Station => "s",
        SceneKind::Deputy => "d",
    };
    Code {
        image_url,
        url: format!("{}/{page}/{scene}", codes.base_url),
        scene,
    }
}

/// The printable image of `code`: WeChat's mini-program code when WeChat is configured,
/// otherwise a plain QR code of its `url`. Answers the bytes and their media type.
pub async fn picture(codes: &Codes<'_>, code: &Code) -> AppResult<(Vec<u8>, &'static str)> {
    match codes.wechat {
        Some(wechat) => {
            let settings = codes.wechat_settings;
            let bytes = wechat
                .scene_code(&code.scene, &settings.code_page, &settings.code_env_version)
                .await?;
            Ok((bytes, "image/jpeg"))
        }
        None => {
            let bytes = liaison_infra::qr::png(&code.url).map_err(AppError::internal)?;
            Ok((bytes, "image/png"))
        }
    }
}

//! The web address that opens the mini-program at a station, for the public station page:
//! WeChat's URL link to the page a station code opens, with the station's scene.

use liaison_infra::wechat::LinkTarget;

use super::code::StationCodes;

/// The URL link opening the mini-program at the station of `scene` (already verified), or
/// `None` when WeChat is not configured or does not make one now. The page then explains how
/// to scan instead: a WeChat failure never stands between a resident and the station's card.
pub async fn mini_program_link(
    codes: &StationCodes<'_>,
    station_id: i64,
    scene: &str,
) -> Option<String> {
    let wechat = codes.wechat?;
    let settings = codes.wechat_settings;
    // The page reads it as a code's scene, with decodeURIComponent(query.scene).
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("scene", scene)
        .finish();
    let target = LinkTarget {
        path: settings.code_page.trim_start_matches('/'),
        query: &query,
        env_version: &settings.code_env_version,
    };
    match wechat.url_link(&target).await {
        // The page puts it in an href: nothing but a web address goes there.
        Ok(link) if link.starts_with("https://") => Some(link),
        Ok(_) => {
            tracing::warn!(
                station_id,
                "WeChat's URL link is not an https address: the station page explains how to scan"
            );
            None
        }
        Err(error) => {
            tracing::warn!(
                station_id,
                %error,
                "no mini-program link for the station page: it explains how to scan instead"
            );
            None
        }
    }
}

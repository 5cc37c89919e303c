//! The web address that opens the mini-program where a code would, for the public pages of
//! stations and deputies: WeChat's URL link to the page a code opens, with the code's scene.

use liaison_infra::wechat::LinkTarget;

use super::Codes;

/// The URL link opening the mini-program with `scene` (already verified), or `None` when
/// WeChat is not configured or does not make one now. The page then explains how to scan
/// instead: a WeChat failure never stands between a resident and the card. A scene is printed
/// for anyone to read, so the logs may name it.
pub async fn mini_program_link(codes: &Codes<'_>, scene: &str) -> Option<String> {
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
                scene,
                "WeChat's URL link is not an https address: the page explains how to scan"
            );
            None
        }
        Err(error) => {
            tracing::warn!(
                scene,
                %error,
                "no mini-program link for the public page: it explains how to scan instead"
            );
            None
        }
    }
}

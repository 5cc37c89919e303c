//! What can go wrong when talking to WeChat, sorted by what the caller should do about it.

use crate::shared::SharedStateError;

#[derive(Debug, thiserror::Error)]
pub enum WechatError {
    /// The login code is malformed, expired or already spent: the client must log in again.
    #[error("the login code is invalid or already used")]
    InvalidCode,
    #[error("WeChat rate limit reached")]
    RateLimited,
    /// WeChat flags the user as high risk and refuses to log them in.
    #[error("WeChat blocked this user as high risk")]
    Blocked,
    /// WeChat is busy, slow or failing on its side: worth trying again later.
    #[error("WeChat is busy, try again later")]
    Busy,
    /// Wrong appid or secret, server IP not whitelisted, or an unusable `api_base`
    /// (errcode 0 then): an operator must fix the settings, retrying cannot help.
    #[error("WeChat settings are wrong (errcode {errcode}): {errmsg}")]
    Misconfigured { errcode: i64, errmsg: String },
    #[error("WeChat answered errcode {errcode}: {errmsg}")]
    Api { errcode: i64, errmsg: String },
    /// The text never holds a URL, since query strings carry the secret or the access token.
    #[error("could not talk to WeChat: {0}")]
    Transport(String),
    #[error(transparent)]
    SharedState(#[from] SharedStateError),
}

/// Error codes that mean the access token itself was refused (invalid, revoked or expired).
const TOKEN_REJECTED: [i64; 3] = [40001, 40014, 42001];

impl WechatError {
    /// Maps a non-zero `errcode` from any WeChat API.
    pub(super) fn from_code(errcode: i64, errmsg: String) -> Self {
        match errcode {
            40029 | 40163 => Self::InvalidCode,
            45009 | 45011 => Self::RateLimited,
            40226 => Self::Blocked,
            -1 => Self::Busy,
            40013 | 40125 | 40164 => Self::Misconfigured { errcode, errmsg },
            _ => Self::Api { errcode, errmsg },
        }
    }

    pub(super) fn is_token_rejected(&self) -> bool {
        matches!(self, Self::Api { errcode, .. } if TOKEN_REJECTED.contains(errcode))
    }

    /// Describes a reqwest failure without its URL, which holds the secret or the access token.
    pub(super) fn from_transport(err: reqwest::Error) -> Self {
        if err.is_timeout() {
            return Self::Busy;
        }
        let err = err.without_url();
        let mut text = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        Self::Transport(text)
    }

    /// Leaves one trace per failed WeChat exchange; Misconfigured pages an operator.
    pub(super) fn log(&self, api: &'static str) {
        match self {
            Self::Misconfigured { errcode, errmsg } => {
                tracing::error!(api, errcode, errmsg, "WeChat settings are wrong");
            }
            Self::Busy => tracing::warn!(api, "WeChat is busy or did not answer in time"),
            Self::Transport(detail) => tracing::warn!(api, detail, "could not talk to WeChat"),
            Self::Api { errcode, errmsg } => {
                tracing::warn!(api, errcode, errmsg, "WeChat refused the call");
            }
            Self::SharedState(error) => {
                tracing::warn!(api, %error, "shared state failed during a WeChat call");
            }
            Self::RateLimited => tracing::warn!(api, "WeChat rate limit reached"),
            Self::InvalidCode | Self::Blocked => {
                tracing::info!(api, error = %self, "WeChat refused the user's request");
            }
        }
    }
}

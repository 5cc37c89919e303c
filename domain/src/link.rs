//! Links people store (a deputy's photo, a webhook target, a template's page) and others later
//! open: only well-formed `http(s)` URLs, so that no `javascript:` or `data:` link reaches a
//! reader's browser through us.

use crate::Invalid;

/// The longest link kept: longer ones are not links people type.
pub const MAX_CHARS: usize = 2048;

/// A well-formed absolute `http` or `https` URL with a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebLink(String);

impl WebLink {
    /// Parses `value` as the link of `field`; surrounding spaces are trimmed.
    pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        let refuse = |message: &str| {
            Err(Invalid::one(
                field,
                "invalid_url",
                format!("{field}: {message}"),
            ))
        };
        if value.chars().count() > MAX_CHARS {
            return refuse(&format!("at most {MAX_CHARS} characters"));
        }
        let Ok(url) = url::Url::parse(value) else {
            return refuse("not a URL");
        };
        if !matches!(url.scheme(), "http" | "https") {
            return refuse("only http and https links are accepted");
        }
        if url.host_str().is_none_or(str::is_empty) {
            return refuse("the link has no host");
        }
        if !url.username().is_empty() || url.password().is_some() {
            return refuse("a link may not carry credentials");
        }
        Ok(Self(url.into()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_web_links_and_refuses_everything_a_browser_would_run() {
        for good in [
            "https://example.cn/photo.jpg",
            "http://192.168.1.2:8080/a?b=c",
            "  https://人大.中国/代表/1  ",
        ] {
            assert!(WebLink::parse("photo_url", good).is_ok(), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "ftp://example.cn/x",
            "//example.cn/x",
            "/relative/path",
            "not a url",
            "https://user:pass@example.cn/",
            "",
        ] {
            let refused = WebLink::parse("photo_url", bad).unwrap_err();
            assert_eq!(refused.0[0].field, "photo_url", "{bad}");
            assert_eq!(refused.0[0].code, "invalid_url", "{bad}");
        }
        let long = format!("https://example.cn/{}", "a".repeat(MAX_CHARS));
        assert!(WebLink::parse("photo_url", &long).is_err());
    }
}

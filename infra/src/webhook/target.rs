//! Where a webhook may point: an http(s) URL whose host is public, checked when it is saved
//! (so the admin hears of a mistake at once) and again on every connection (so a name that
//! later resolves elsewhere, DNS rebinding, cannot slip through).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::address;

/// Why a target is refused. The text names the rule, never the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("not a valid absolute URL")]
    NotUrl,
    #[error("only http and https URLs are accepted")]
    Scheme,
    #[error("the host is, or resolves to, a private, loopback or otherwise internal address")]
    Private,
}

impl TargetError {
    /// A stable code for clients, as field errors carry.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotUrl => "invalid_url",
            Self::Scheme => "unsupported_scheme",
            Self::Private => "private_target",
        }
    }
}

/// Parses `raw` as an http(s) URL; with private targets refused, also refuses a host that is
/// an internal address literally (`127.0.0.1`, `[::1]`, `localhost`). Names are left to
/// [`resolves_publicly`] or to the resolver at connect time.
pub fn parse(raw: &str, allow_private: bool) -> Result<Url, TargetError> {
    let url = Url::parse(raw.trim()).map_err(|_| TargetError::NotUrl)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(TargetError::Scheme);
    }
    let host = url.host().ok_or(TargetError::NotUrl)?;
    if !allow_private && !host_may_be_public(&host) {
        return Err(TargetError::Private);
    }
    Ok(url)
}

/// The url crate has already normalised `0x7f.1` and `2130706433` to `127.0.0.1`, so only
/// canonical addresses reach here.
fn host_may_be_public(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => address::is_public(IpAddr::V4(*ip)),
        Host::Ipv6(ip) => address::is_public(IpAddr::V6(*ip)),
        // RFC 6761: `localhost` and everything under it is the loopback, whatever DNS says.
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name != "localhost" && !name.ends_with(".localhost")
        }
    }
}

/// Refuses a URL whose host name resolves to an internal address, waiting at most `timeout`.
/// A name that does not resolve (yet) passes: the receiver may not be set up, and every
/// connection is checked again anyway.
pub async fn resolves_publicly(url: &Url, timeout: Duration) -> Result<(), TargetError> {
    let Some(Host::Domain(name)) = url.host() else {
        return Ok(());
    };
    let port = url.port_or_known_default().unwrap_or(80);
    match tokio::time::timeout(timeout, tokio::net::lookup_host((name, port))).await {
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.iter().all(|a| address::is_public(a.ip())) {
                Ok(())
            } else {
                Err(TargetError::Private)
            }
        }
        Ok(Err(_)) | Err(_) => Ok(()),
    }
}

/// The resolver of the webhook client: resolves as the system does, then refuses a name with
/// any internal address among its answers (unless private targets are allowed), so the
/// address checked is the address connected to.
#[derive(Debug)]
pub(super) struct GuardedResolver {
    pub allow_private: bool,
}

/// What the resolver fails with when it refuses a name; found again in the error's sources.
#[derive(Debug, thiserror::Error)]
#[error("the host resolves to an internal address")]
pub(super) struct RefusedAddress;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // Port 0: reqwest puts the URL's port in.
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow_private && !addrs.iter().all(|a| address::is_public(a.ip())) {
                return Err(Box::new(RefusedAddress) as _);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

impl GuardedResolver {
    pub fn shared(allow_private: bool) -> Arc<Self> {
        Arc::new(Self { allow_private })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_urls_pass() {
        assert_eq!(
            parse("ftp://example.com/x", false),
            Err(TargetError::Scheme)
        );
        assert_eq!(parse("file:///etc/passwd", true), Err(TargetError::Scheme));
        assert_eq!(parse("javascript:alert(1)", true), Err(TargetError::Scheme));
        assert_eq!(parse("not a url", true), Err(TargetError::NotUrl));
        assert_eq!(parse("/relative/path", true), Err(TargetError::NotUrl));
        assert!(parse("https://hotline.example.gov.cn/hooks?x=1", false).is_ok());
        assert!(parse("http://93.184.216.34:8080/", false).is_ok());
    }

    #[test]
    fn internal_literals_and_localhost_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1/",
            "http://0x7f.1/",
            "http://2130706433/",
            "http://10.0.0.1:8080/x",
            "http://192.168.1.10/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[fd00::1]/",
            "http://localhost:9000/",
            "http://LOCALHOST./",
            "http://api.localhost/",
        ] {
            assert_eq!(parse(url, false), Err(TargetError::Private), "{url}");
            assert!(
                parse(url, true).is_ok(),
                "{url} passes when private targets are allowed"
            );
        }
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused() {
        // `parse` refuses `localhost` by name; this asks the system's resolver instead.
        let url = Url::parse("http://localhost/").unwrap();
        assert_eq!(
            resolves_publicly(&url, Duration::from_secs(2)).await,
            Err(TargetError::Private)
        );
    }

    #[tokio::test]
    async fn literals_need_no_resolving() {
        let url = Url::parse("http://93.184.216.34/").unwrap();
        assert_eq!(
            resolves_publicly(&url, Duration::from_millis(1)).await,
            Ok(())
        );
    }
}

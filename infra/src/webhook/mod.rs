//! Signed POSTs of case events to a county's other systems (a 12345 hotline, say).
//!
//! A receiver checks `X-Liaison-Signature: sha256=<hex>`, the HMAC-SHA256 under the webhook's
//! secret of `"{X-Liaison-Timestamp}.{body}"`: the timestamp is signed so that an old message
//! cannot be replayed as new, and `X-Liaison-Delivery` stays the same across retries of one
//! message so that the receiver can drop duplicates. One call of [`WebhookSender::send`] is one
//! bounded attempt; retrying is the dispatcher's business.

mod address;
mod target;

use std::fmt;
use std::time::Duration;

use hmac::{Hmac, Mac};
use rand::RngCore;
use reqwest::header::CONTENT_TYPE;
use reqwest::redirect::Policy;
use sha2::Sha256;
use url::Url;

use target::{GuardedResolver, RefusedAddress};

pub use target::TargetError;

pub const EVENT_HEADER: &str = "X-Liaison-Event";
pub const DELIVERY_HEADER: &str = "X-Liaison-Delivery";
pub const TIMESTAMP_HEADER: &str = "X-Liaison-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Liaison-Signature";

/// Lowercase hex HMAC-SHA256 under `secret` (its UTF-8 bytes) of `"{timestamp}.{body}"`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes keys of any length, so this cannot fail; an empty signature never verifies.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new signing secret: 256 random bits as 64 hex digits, shown to the admin once.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, Copy)]
pub struct WebhookConfig {
    /// Bounds one attempt as a whole: resolving, connecting, and waiting for the answer.
    pub timeout: Duration,
    /// Lets webhooks reach private, loopback and link-local addresses: for tests and for
    /// receivers on a closed government network.
    pub allow_private_targets: bool,
}

/// One message to send.
pub struct Message<'a> {
    pub url: &'a str,
    /// The case event kind, `submitted`, `accepted`, ...
    pub event: &'a str,
    /// The same for every attempt at one message.
    pub delivery_id: &'a str,
    /// Unix seconds at sending.
    pub timestamp: i64,
    /// The JSON body, sent byte for byte as signed.
    pub body: &'a str,
    pub secret: &'a str,
}

/// How an attempt failed. The text is short and never holds the URL (its query string may
/// carry the receiver's own token) nor anything secret: it is stored as the delivery's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Retrying cannot help until an admin changes the URL.
    #[error("target refused: {0}")]
    Refused(TargetError),
    #[error("the receiver answered HTTP {0}")]
    Status(u16),
    #[error("no answer within the timeout")]
    Timeout,
    #[error("could not connect to the receiver")]
    Connect,
    #[error("the request failed on the way")]
    Transport,
}

impl SendError {
    /// Whether a later attempt might succeed.
    pub fn is_retryable(self) -> bool {
        !matches!(self, Self::Refused(_))
    }
}

/// Sends webhook messages: one client, shared, with the guards built in.
#[derive(Clone)]
pub struct WebhookSender {
    http: reqwest::Client,
    config: WebhookConfig,
}

impl fmt::Debug for WebhookSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSender")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl WebhookSender {
    pub fn new(config: WebhookConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            // A redirect would lead the request to an address nobody checked.
            .redirect(Policy::none())
            // Through a proxy, the resolver would vet the proxy's address, not the target's.
            .no_proxy()
            .dns_resolver(GuardedResolver::shared(config.allow_private_targets))
            .user_agent(concat!("Liaison-Webhook/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { http, config })
    }

    /// Whether a webhook may be saved with `raw` as its URL: http(s), and (unless private
    /// targets are allowed) a host that is not, and does not resolve to, an internal address.
    /// Answers the URL in its normal form, to be stored.
    pub async fn check_target(&self, raw: &str) -> Result<Url, TargetError> {
        let url = target::parse(raw, self.config.allow_private_targets)?;
        if !self.config.allow_private_targets {
            target::resolves_publicly(&url, self.config.timeout).await?;
        }
        Ok(url)
    }

    /// One attempt: a 2xx answer is success. The address is checked again here, as a literal
    /// and through the resolver, so a URL saved before a rule tightened, or a name that now
    /// resolves elsewhere, is refused too.
    pub async fn send(&self, message: &Message<'_>) -> Result<(), SendError> {
        let url = target::parse(message.url, self.config.allow_private_targets)
            .map_err(SendError::Refused)?;
        let signature = sign(message.secret, message.timestamp, message.body);
        let response = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header(EVENT_HEADER, message.event)
            .header(DELIVERY_HEADER, message.delivery_id)
            .header(TIMESTAMP_HEADER, message.timestamp.to_string())
            .header(SIGNATURE_HEADER, format!("sha256={signature}"))
            .body(message.body.to_owned())
            .send()
            .await
            .map_err(classify)?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(SendError::Status(status.as_u16()))
        }
    }
}

fn classify(error: reqwest::Error) -> SendError {
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        if cause.downcast_ref::<RefusedAddress>().is_some() {
            return SendError::Refused(TargetError::Private);
        }
        source = cause.source();
    }
    if error.is_timeout() {
        SendError::Timeout
    } else if error.is_connect() {
        SendError::Connect
    } else {
        SendError::Transport
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    const BODY: &str = r#"{"event":"submitted","case":{"id":7}}"#;

    fn sender(allow_private_targets: bool, timeout: Duration) -> WebhookSender {
        WebhookSender::new(WebhookConfig {
            timeout,
            allow_private_targets,
        })
        .unwrap()
    }

    fn message(url: &str) -> Message<'_> {
        Message {
            url,
            event: "submitted",
            delivery_id: "42",
            timestamp: 1_767_225_600,
            body: BODY,
            secret: "whsec-test-key",
        }
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // printf '%s' '1767225600.{body}' | openssl dgst -sha256 -hmac whsec-test-key
        assert_eq!(
            sign("whsec-test-key", 1_767_225_600, BODY),
            "cb349c60bf7147d4469e4d211c9c184c622bb98bd7a0527b84038160862388e0"
        );
        assert_ne!(
            sign("whsec-test-key", 1_767_225_601, BODY),
            sign("whsec-test-key", 1_767_225_600, BODY),
            "the timestamp is signed"
        );
    }

    #[test]
    fn secrets_are_fresh_256_bit_hex() {
        let secret = new_secret();
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(secret, new_secret());
    }

    #[tokio::test]
    async fn a_message_is_posted_signed_with_its_headers() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/hook"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let url = format!("{}/hook", server.uri());
        sender(true, Duration::from_secs(5))
            .send(&message(&url))
            .await
            .unwrap();

        let requests = server.received_requests().await.unwrap();
        let request = &requests[0];
        let header = |name: &str| request.headers.get(name).unwrap().to_str().unwrap();
        assert_eq!(request.body, BODY.as_bytes());
        assert_eq!(header("content-type"), "application/json");
        assert_eq!(header("x-liaison-event"), "submitted");
        assert_eq!(header("x-liaison-delivery"), "42");
        assert_eq!(header("x-liaison-timestamp"), "1767225600");
        assert_eq!(
            header("x-liaison-signature"),
            "sha256=cb349c60bf7147d4469e4d211c9c184c622bb98bd7a0527b84038160862388e0"
        );
    }

    #[tokio::test]
    async fn error_answers_and_redirects_are_retryable_failures() {
        let server = MockServer::start().await;
        Mock::given(path("/fail"))
            .respond_with(ResponseTemplate::new(500))
            .mount(&server)
            .await;
        Mock::given(path("/moved"))
            .respond_with(
                ResponseTemplate::new(302)
                    .insert_header("location", format!("{}/elsewhere", server.uri())),
            )
            .mount(&server)
            .await;
        let sender = sender(true, Duration::from_secs(5));

        let failed = sender
            .send(&message(&format!("{}/fail", server.uri())))
            .await;
        assert_eq!(failed, Err(SendError::Status(500)));
        assert!(SendError::Status(500).is_retryable());

        let moved = sender
            .send(&message(&format!("{}/moved", server.uri())))
            .await;
        assert_eq!(
            moved,
            Err(SendError::Status(302)),
            "redirects are not followed"
        );
        let paths: Vec<String> = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| r.url.path().to_owned())
            .collect();
        assert_eq!(paths, ["/fail", "/moved"]);
    }

    #[tokio::test]
    async fn a_hanging_receiver_times_out_within_the_bound() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
            .mount(&server)
            .await;
        let started = Instant::now();
        let result = sender(true, Duration::from_millis(300))
            .send(&message(&server.uri()))
            .await;
        assert_eq!(result, Err(SendError::Timeout));
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn a_closed_port_is_a_connect_failure() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        drop(listener);
        let result = sender(true, Duration::from_secs(5))
            .send(&message(&url))
            .await;
        assert_eq!(result, Err(SendError::Connect));
        assert_eq!(
            result.unwrap_err().to_string(),
            "could not connect to the receiver"
        );
    }

    #[tokio::test]
    async fn internal_targets_are_refused_for_good_without_a_request() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&server)
            .await;
        let sender = sender(false, Duration::from_secs(5));
        let port = server.address().port();
        for url in [
            server.uri(),
            format!("http://localhost:{port}/"),
            format!("http://[::ffff:127.0.0.1]:{port}/"),
            "ftp://example.com/".to_owned(),
        ] {
            let refused = sender.send(&message(&url)).await.unwrap_err();
            assert!(
                matches!(refused, SendError::Refused(_)),
                "{url}: {refused:?}"
            );
            assert!(!refused.is_retryable());
        }
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_of_internal_addresses_at_connect_time() {
        // `send` refuses `localhost` by name before connecting; going round it shows that the
        // resolver alone refuses, which is what stops a name rebound to an internal address.
        let server = MockServer::start().await;
        let sender = sender(false, Duration::from_secs(5));
        let url = format!("http://localhost:{}/", server.address().port());
        let error = sender.http.post(url).send().await.unwrap_err();
        assert_eq!(classify(error), SendError::Refused(TargetError::Private));
        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn saving_checks_the_scheme_and_the_address() {
        let strict = sender(false, Duration::from_secs(2));
        assert_eq!(
            strict.check_target("ftp://example.com/").await,
            Err(TargetError::Scheme)
        );
        assert_eq!(
            strict.check_target("http://10.0.0.1/").await,
            Err(TargetError::Private)
        );
        assert_eq!(
            strict.check_target("http://localhost/").await,
            Err(TargetError::Private)
        );
        assert_eq!(
            strict
                .check_target("HTTPS://93.184.216.34/hook?token=x")
                .await
                .unwrap()
                .as_str(),
            "https://93.184.216.34/hook?token=x"
        );
        let lenient = sender(true, Duration::from_secs(2));
        assert!(lenient.check_target("http://127.0.0.1:9/").await.is_ok());
        assert_eq!(
            lenient.check_target("gopher://127.0.0.1/").await,
            Err(TargetError::Scheme)
        );
    }
}

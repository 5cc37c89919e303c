//! The client's address, as rate limits count it. Behind a load balancer every request comes
//! from the balancer, so `X-Forwarded-For` is read, but only as far as trusted proxies wrote
//! it: the first address from the right that is not a trusted proxy is the client. Anything
//! further left was written by the client itself and proves nothing.

use std::net::IpAddr;

use actix_web::http::header::HeaderMap;
use actix_web::HttpRequest;
use ipnet::IpNet;

/// The client of a request that came from `peer` with `headers`, given the trusted proxies.
pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    // A chain of trusted proxies only: the leftmost of them is as close to a client as we know.
    Some(
        forwarded
            .iter()
            .rev()
            .find(|ip| !is_trusted(ip))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer),
    )
}

/// The client of `req` as rate limits count it, in words: `unknown` without a peer.
pub fn of_request(req: &HttpRequest, trusted: &[IpNet]) -> String {
    resolve(
        req.peer_addr().map(|addr| addr.ip()),
        req.headers(),
        trusted,
    )
    .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn forwarded_for(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            HeaderName::from_static("x-forwarded-for"),
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let client = resolve(Some(ip("203.0.113.9")), &forwarded_for("1.2.3.4"), &trusted);
        assert_eq!(client, Some(ip("203.0.113.9")));
        assert_eq!(
            resolve(Some(ip("10.1.1.1")), &forwarded_for("1.2.3.4"), &[]),
            Some(ip("10.1.1.1"))
        );
    }

    #[test]
    fn through_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        // The client forged 6.6.6.6; the balancer appended the address it saw.
        let headers = forwarded_for("6.6.6.6, 198.51.100.20, 10.0.0.3");
        assert_eq!(
            resolve(Some(ip("10.0.0.2")), &headers, &trusted),
            Some(ip("198.51.100.20"))
        );
        assert_eq!(
            resolve(Some(ip("10.0.0.2")), &HeaderMap::new(), &trusted),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(
            resolve(Some(ip("10.0.0.2")), &forwarded_for("garbage"), &trusted),
            Some(ip("10.0.0.2"))
        );
    }
}

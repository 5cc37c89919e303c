//! Which addresses a webhook may reach: the public internet only, unless private targets are
//! allowed. Anything else would let a county admin aim our server at its own neighbours (SSRF):
//! the database, Redis, a cloud metadata service, the admin port of a router.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` lies on the public internet, as far as a webhook is concerned.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let internal = ip.is_unspecified()
        || a == 0 // "this network", 0.0.0.0/8: some stacks connect it to the local host
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16, where cloud metadata services answer
        || (a == 100 && (b & 0xc0) == 64) // 100.64/10, carrier-grade NAT
        || (a == 192 && b == 0 && c == 0) // 192.0.0/24, IETF protocol assignments
        || (a == 198 && (b & 0xfe) == 18) // 198.18/15, benchmarking
        || ip.is_documentation()
        || ip.is_multicast()
        || a >= 240; // 240/4 reserved, and the broadcast address
    !internal
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    // An IPv4 address in IPv6 clothing reaches the IPv4 host: judge that one.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) hands the last 32 bits to a gateway that may sit inside our network.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., hi, lo] = segments;
        return is_public_v4(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)));
    }
    let first = segments[0];
    let internal = ip.is_unspecified()
        || ip.is_loopback()
        || segments[..6] == [0; 6] // IPv4-compatible ::a.b.c.d, deprecated and never public
        || (first & 0xfe00) == 0xfc00 // fc00::/7, unique local
        || (first & 0xffc0) == 0xfe80 // fe80::/10, link-local
        || (first & 0xffc0) == 0xfec0 // fec0::/10, the deprecated site-local
        || (segments[0] == 0x64 && segments[1] == 0xff9b && segments[2] == 1) // 64:ff9b:1::/48, local-use NAT64
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // 2001:db8::/32, documentation
        || ip.is_multicast();
    !internal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().unwrap())
    }

    #[test]
    fn internal_ipv4_ranges_are_refused() {
        for ip in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.255.0.9",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "192.0.0.8",
            "198.18.0.1",
            "198.19.255.255",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!public(ip), "{ip} must be refused");
        }
    }

    #[test]
    fn public_ipv4_addresses_pass_even_next_to_internal_ranges() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "198.17.255.255",
            "198.20.0.1",
            "223.255.255.255",
        ] {
            assert!(public(ip), "{ip} is public");
        }
    }

    #[test]
    fn internal_ipv6_ranges_are_refused() {
        for ip in [
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b::7f00:1",
            "64:ff9b:1::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "2001:db8::1",
            "ff02::1",
        ] {
            assert!(!public(ip), "{ip} must be refused");
        }
    }

    #[test]
    fn public_ipv6_addresses_pass() {
        for ip in [
            "2001:4860:4860::8888",
            "2400:3200::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(public(ip), "{ip} is public");
        }
    }
}

//! Station scenes: the short signed string printed in a station's code.
//!
//! WeChat allows a scene of at most 32 characters from a small alphabet, so the scene is the
//! station id in base 36, a dot, and the first 96 bits of an HMAC-SHA256 of that id in base 62:
//! at most 13 + 1 + 17 characters. Without the key nobody can make or alter one.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// WeChat's limit on `scene` for `getwxacodeunlimit`.
pub const MAX_LEN: usize = 32;

const BASE36: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The scene for `station_id`, signed with `key`.
pub fn sign(station_id: i64, key: &[u8]) -> String {
    let id = to_base36(station_id);
    let signature = signature(&id, key);
    format!("{id}.{signature}")
}

/// The station a scene names, or `None` when it is malformed, forged or altered.
pub fn verify(scene: &str, key: &[u8]) -> Option<i64> {
    if scene.len() > MAX_LEN {
        return None;
    }
    let (id, given) = scene.split_once('.')?;
    let station_id = from_base36(id)?;
    // Only the canonical spelling verifies, so a scene has exactly one form.
    if to_base36(station_id) != id {
        return None;
    }
    let expected = signature(id, key);
    constant_time_eq(expected.as_bytes(), given.as_bytes()).then_some(station_id)
}

fn signature(id: &str, key: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail; an empty MAC would never verify.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"station-scene:");
    mac.update(id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut bits = [0u8; 16];
    bits[4..].copy_from_slice(&digest[..12]);
    let mut value = u128::from_be_bytes(bits);
    let mut out = Vec::with_capacity(17);
    for _ in 0..17 {
        out.push(BASE62[(value % 62) as usize]);
        value /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn to_base36(value: i64) -> String {
    let mut value = value.unsigned_abs();
    let mut out = Vec::new();
    loop {
        out.push(BASE36[(value % 36) as usize]);
        value /= 36;
        if value == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

fn from_base36(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 13 {
        return None;
    }
    let mut value: i64 = 0;
    for byte in text.bytes() {
        let digit = BASE36.iter().position(|b| *b == byte)?;
        value = value.checked_mul(36)?.checked_add(digit as i64)?;
    }
    (value > 0).then_some(value)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &[u8] = b"a key of the server";

    fn allowed(c: char) -> bool {
        c.is_ascii_alphanumeric() || "!#$&'()*+,/:;=?@-._~".contains(c)
    }

    #[test]
    fn signed_scenes_verify() {
        for id in [1, 35, 36, 123_456, i64::MAX] {
            let scene = sign(id, KEY);
            assert_eq!(verify(&scene, KEY), Some(id), "{scene}");
        }
    }

    #[test]
    fn the_largest_id_fits_in_wechats_limit() {
        let scene = sign(i64::MAX, KEY);
        assert!(
            scene.len() <= MAX_LEN,
            "{scene} has {} characters",
            scene.len()
        );
        assert!(scene.chars().all(allowed));
    }

    #[test]
    fn another_key_does_not_verify() {
        assert_eq!(verify(&sign(42, KEY), b"another key"), None);
    }

    #[test]
    fn altering_the_id_breaks_the_signature() {
        let scene = sign(42, KEY);
        let (_, signature) = scene.split_once('.').unwrap();
        let forged = format!("{}.{signature}", to_base36(43));
        assert_eq!(verify(&forged, KEY), None);
    }

    #[test]
    fn malformed_scenes_do_not_verify() {
        let good = sign(42, KEY);
        let padded = format!("0{good}");
        for scene in [
            "",
            ".",
            "16",
            "16.",
            ".abc",
            "!!.abc",
            padded.as_str(),
            &format!("{good}x"),
        ] {
            assert_eq!(verify(scene, KEY), None, "{scene}");
        }
        assert_eq!(verify(&"a".repeat(40), KEY), None);
    }

    proptest! {
        #[test]
        fn every_id_round_trips_and_fits(id in 1i64..) {
            let scene = sign(id, KEY);
            prop_assert!(scene.len() <= MAX_LEN);
            prop_assert_eq!(verify(&scene, KEY), Some(id));
        }

        #[test]
        fn changing_any_one_character_breaks_it(id in 1i64..1_000_000, position in 0usize..31, replacement in "[0-9a-zA-Z]") {
            let scene = sign(id, KEY);
            let position = position % scene.len();
            let mut bytes = scene.clone().into_bytes();
            let replacement = replacement.as_bytes()[0];
            prop_assume!(bytes[position] != replacement);
            bytes[position] = replacement;
            let altered = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(verify(&altered, KEY), None);
        }
    }
}

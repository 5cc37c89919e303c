//! Scenes: the short signed string printed in a code, naming what it stands for (a station,
//! a deputy) and its id.
//!
//! WeChat allows a scene of at most 32 characters from a small alphabet, so the scene is the id
//! in base 36, a separator that tells the kind (`.` a station, `-` a deputy), and the first 96
//! bits of an HMAC-SHA256 of the kind and the id in base 62: at most 13 + 1 + 17 characters.
//! The separator, not a prefix, carries the kind so that the largest id still fits and the
//! station scenes printed before deputies had codes stay what they were. Without the key nobody
//! can make or alter one, nor turn one kind into another (the kind is signed too).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::vocabulary::vocabulary;

type HmacSha256 = Hmac<Sha256>;

/// WeChat's limit on `scene` for `getwxacodeunlimit`.
pub const MAX_LEN: usize = 32;

const BASE36: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

vocabulary! {
    /// What a scene names.
    SceneKind, "kind" {
        Station => "station",
        Deputy => "deputy",
    }
}

impl SceneKind {
    /// Between the id and the signature: characters of WeChat's alphabet that neither base 36
    /// nor base 62 uses.
    fn separator(self) -> char {
        match self {
            SceneKind::Station => '.',
            SceneKind::Deputy => '-',
        }
    }

    fn of_separator(separator: char) -> Option<SceneKind> {
        SceneKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.separator() == separator)
    }

    /// What the MAC covers before the id; a station's is what it was before kinds existed.
    fn label(self) -> &'static [u8] {
        match self {
            SceneKind::Station => b"station-scene:",
            SceneKind::Deputy => b"deputy-scene:",
        }
    }
}

/// The scene for the `kind` numbered `id`, signed with `key`.
pub fn sign(kind: SceneKind, id: i64, key: &[u8]) -> String {
    let text = to_base36(id);
    let signature = signature(kind, &text, key);
    format!("{text}{}{signature}", kind.separator())
}

/// What a scene names, or `None` when it is malformed, forged or altered.
pub fn verify(scene: &str, key: &[u8]) -> Option<(SceneKind, i64)> {
    if scene.len() > MAX_LEN {
        return None;
    }
    let at = scene.find(|c: char| !c.is_ascii_alphanumeric())?;
    let (text, rest) = scene.split_at(at);
    let mut rest = rest.chars();
    let kind = SceneKind::of_separator(rest.next()?)?;
    let given = rest.as_str();
    let id = from_base36(text)?;
    // Only the canonical spelling verifies, so a scene has exactly one form.
    if to_base36(id) != text {
        return None;
    }
    let expected = signature(kind, text, key);
    constant_time_eq(expected.as_bytes(), given.as_bytes()).then_some((kind, id))
}

/// The id a scene names when it names a `kind`.
pub fn verify_as(kind: SceneKind, scene: &str, key: &[u8]) -> Option<i64> {
    verify(scene, key).and_then(|(found, id)| (found == kind).then_some(id))
}

fn signature(kind: SceneKind, id: &str, key: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail; an empty MAC would never verify.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return String::new();
    };
    mac.update(kind.label());
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

    fn station(id: i64) -> String {
        sign(SceneKind::Station, id, KEY)
    }

    #[test]
    fn signed_scenes_verify() {
        for kind in SceneKind::ALL {
            for id in [1, 35, 36, 123_456, i64::MAX] {
                let scene = sign(*kind, id, KEY);
                assert_eq!(verify(&scene, KEY), Some((*kind, id)), "{scene}");
                assert_eq!(verify_as(*kind, &scene, KEY), Some(id), "{scene}");
            }
        }
    }

    #[test]
    fn a_station_scene_printed_before_kinds_still_verifies() {
        // What the station-only signer this module replaced made of station 42 (base 36: 16).
        let printed = "16.xk9bxGN3eXobGgxy0";
        assert_eq!(verify(printed, KEY), Some((SceneKind::Station, 42)));
    }

    #[test]
    fn one_kind_is_never_taken_for_another() {
        let deputy = sign(SceneKind::Deputy, 42, KEY);
        assert_ne!(deputy, station(42));
        assert_eq!(verify_as(SceneKind::Station, &deputy, KEY), None);
        assert_eq!(verify_as(SceneKind::Deputy, &station(42), KEY), None);
        // Swapping the separator keeps the id and signature but changes what was signed.
        let swapped = station(42).replace('.', "-");
        assert_eq!(verify(&swapped, KEY), None);
    }

    #[test]
    fn the_largest_id_fits_in_wechats_limit() {
        for kind in SceneKind::ALL {
            let scene = sign(*kind, i64::MAX, KEY);
            assert!(
                scene.len() <= MAX_LEN,
                "{scene} has {} characters",
                scene.len()
            );
            assert!(scene.chars().all(allowed));
        }
    }

    #[test]
    fn another_key_does_not_verify() {
        assert_eq!(verify(&station(42), b"another key"), None);
    }

    #[test]
    fn altering_the_id_breaks_the_signature() {
        let scene = station(42);
        let (_, signature) = scene.split_once('.').unwrap();
        let forged = format!("{}.{signature}", to_base36(43));
        assert_eq!(verify(&forged, KEY), None);
    }

    #[test]
    fn malformed_scenes_do_not_verify() {
        let good = station(42);
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
        fn every_id_round_trips_and_fits(id in 1i64.., deputy: bool) {
            let kind = if deputy { SceneKind::Deputy } else { SceneKind::Station };
            let scene = sign(kind, id, KEY);
            prop_assert!(scene.len() <= MAX_LEN);
            prop_assert_eq!(verify(&scene, KEY), Some((kind, id)));
        }

        #[test]
        fn changing_any_one_character_breaks_it(id in 1i64..1_000_000, position in 0usize..31, replacement in "[0-9a-zA-Z]") {
            let scene = station(id);
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

//! How a case reached us (来访, 赶集日, 走访, 电话, 座谈, 来信, or the mini-program), and the
//! receipt a visitor takes home from the desk.

use crate::scene::{self, SceneKind};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// A resident raises `mini_program` cases themselves; staff record every other channel for
    /// a visitor.
    Channel, "channel" {
        MiniProgram => "mini_program",
        WalkIn => "walk_in",
        MarketDay => "market_day",
        Visit => "visit",
        Phone => "phone",
        Meeting => "meeting",
        Letter => "letter",
    }
);

impl Channel {
    /// Whether staff record a case of this channel for a visitor (the resident's own phone
    /// raises the rest).
    pub fn recorded_by_staff(self) -> bool {
        self != Channel::MiniProgram
    }
}

/// Whether a case is a visitor's that nobody follows in the mini-program: staff recorded it and
/// no resident has claimed it from its receipt. Such a case may be claimed; its rating is
/// recorded by staff.
pub fn for_visitor(channel: Channel, claimed: bool) -> bool {
    channel.recorded_by_staff() && !claimed
}

/// The claim code printed on a visitor's receipt (回执): the case id signed as scenes are, but
/// with a key of its own derived from `secret`, so that no scene of a code is ever a claim
/// code or the other way round. Without the secret nobody can make or alter one.
pub fn claim_code(case_id: i64, secret: &[u8]) -> String {
    scene::sign(SceneKind::Station, case_id, &claim_key(secret))
}

/// The case a claim code names, or `None` when it is malformed, forged or altered.
pub fn claimed_case(code: &str, secret: &[u8]) -> Option<i64> {
    scene::verify_as(SceneKind::Station, code, &claim_key(secret))
}

fn claim_key(secret: &[u8]) -> Vec<u8> {
    let mut key = b"liaison claim code\0".to_vec();
    key.extend_from_slice(secret);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a secret of thirty-two bytes ok!";

    #[test]
    fn staff_record_every_channel_but_the_mini_program() {
        for channel in Channel::ALL {
            assert_eq!(
                channel.recorded_by_staff(),
                *channel != Channel::MiniProgram
            );
        }
    }

    #[test]
    fn a_visitor_s_case_waits_for_its_claim() {
        assert!(for_visitor(Channel::WalkIn, false));
        assert!(!for_visitor(Channel::WalkIn, true));
        assert!(!for_visitor(Channel::MiniProgram, false));
    }

    #[test]
    fn a_claim_code_names_its_case_and_nothing_else_verifies() {
        let code = claim_code(42, SECRET);
        assert_eq!(claimed_case(&code, SECRET), Some(42));
        assert_eq!(claimed_case(&code, b"another secret"), None);
        // A station's scene for the same number is not a claim code, nor the other way round.
        for kind in SceneKind::ALL {
            let scene = scene::sign(*kind, 42, SECRET);
            assert_ne!(scene, code);
            assert_eq!(claimed_case(&scene, SECRET), None);
        }
        assert_eq!(scene::verify(&code, SECRET), None);
        let mut altered = code.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'a' { b'b' } else { b'a' };
        assert_eq!(
            claimed_case(std::str::from_utf8(&altered).unwrap(), SECRET),
            None
        );
        assert!(code.len() <= scene::MAX_LEN);
    }
}

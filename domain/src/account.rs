//! Staff accounts: whether one may log in, and which accounts may not be disabled.

use crate::actor::Role;
use crate::vocabulary::vocabulary;
use crate::Invalid;

vocabulary!(
    /// Whether an account may log in.
    AccountStatus, "status" {
        Active => "active",
        Disabled => "disabled",
    }
);

/// Whether account `target_id` (of `target_role`) may be disabled by account `actor_id`,
/// when `other_county_admins` other enabled county admins of its county remain: nobody locks
/// themselves out, and a county always keeps one admin who can enable the others again.
pub fn check_disable(
    actor_id: i64,
    target_id: i64,
    target_role: Role,
    other_county_admins: u64,
) -> Result<(), Invalid> {
    if actor_id == target_id {
        return Err(Invalid::one(
            "id",
            "oneself",
            "you cannot disable your own account",
        ));
    }
    if target_role == Role::CountyAdmin && other_county_admins == 0 {
        return Err(Invalid::one(
            "id",
            "last_county_admin",
            "the county's last county admin cannot be disabled",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_disables_themselves_or_the_last_county_admin() {
        assert!(check_disable(1, 2, Role::Deputy, 0).is_ok());
        assert!(check_disable(1, 2, Role::CountyAdmin, 1).is_ok());
        let code = |r: Result<(), Invalid>| r.unwrap_err().0[0].code;
        assert_eq!(code(check_disable(1, 1, Role::StationAdmin, 3)), "oneself");
        assert_eq!(
            code(check_disable(1, 2, Role::CountyAdmin, 0)),
            "last_county_admin"
        );
    }
}

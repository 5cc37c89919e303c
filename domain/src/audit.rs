//! The audit list: who changed which account or deputy, and how. Each change writes one entry
//! in the transaction that makes it.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// What an audit entry records.
    AuditAction, "action" {
        AccountCreated => "account_created",
        AccountChanged => "account_changed",
        AccountDisabled => "account_disabled",
        AccountEnabled => "account_enabled",
        PasswordReset => "password_reset",
        PasswordChanged => "password_changed",
        DeputyStatusChanged => "deputy_status_changed",
    }
);

vocabulary!(
    /// What an audit entry is about.
    AuditTarget, "target_kind" {
        Account => "account",
        Deputy => "deputy",
    }
);

impl AuditAction {
    /// The kind of thing the action changes.
    pub fn target(self) -> AuditTarget {
        match self {
            AuditAction::DeputyStatusChanged => AuditTarget::Deputy,
            _ => AuditTarget::Account,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_names_what_it_changes() {
        for action in AuditAction::ALL {
            let expected = if action.as_str().starts_with("deputy_") {
                AuditTarget::Deputy
            } else {
                AuditTarget::Account
            };
            assert_eq!(action.target(), expected, "{action}");
            assert_eq!(AuditAction::parse(action.as_str()).unwrap(), *action);
        }
    }
}

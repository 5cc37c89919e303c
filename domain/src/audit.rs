//! The audit list: who changed which account or deputy, and how, who took the ledger or a
//! deputy's registers away, and who published a county's scoring scheme.
//! Each change writes one entry in the transaction that makes it.

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
        LedgerExported => "ledger_exported",
        RegistersExported => "registers_exported",
        ScoringSchemePublished => "scoring_scheme_published",
    }
);

vocabulary!(
    /// What an audit entry is about; for the ledger (台账), the target is its county.
    AuditTarget, "target_kind" {
        Account => "account",
        Deputy => "deputy",
        Ledger => "ledger",
        ScoringScheme => "scoring_scheme",
    }
);

impl AuditAction {
    /// The kind of thing the action changes.
    pub fn target(self) -> AuditTarget {
        match self {
            // The five registers are the deputy's, taken away.
            AuditAction::DeputyStatusChanged | AuditAction::RegistersExported => {
                AuditTarget::Deputy
            }
            AuditAction::LedgerExported => AuditTarget::Ledger,
            AuditAction::ScoringSchemePublished => AuditTarget::ScoringScheme,
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
            let expected = match action.as_str().split('_').next() {
                Some("deputy" | "registers") => AuditTarget::Deputy,
                Some("ledger") => AuditTarget::Ledger,
                Some("scoring") => AuditTarget::ScoringScheme,
                _ => AuditTarget::Account,
            };
            assert_eq!(action.target(), expected, "{action}");
            assert_eq!(AuditAction::parse(action.as_str()).unwrap(), *action);
        }
    }
}

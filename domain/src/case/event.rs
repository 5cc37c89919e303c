//! What the timeline records, and which entries the resident never sees.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// One step of a case's life (办理记录).
    EventKind, "kind" {
        Submitted => "submitted",
        Accepted => "accepted",
        Declined => "declined",
        Replied => "replied",
        Assigned => "assigned",
        Handled => "handled",
        Urged => "urged",
        Reassigned => "reassigned",
        Noted => "noted",
        Resolved => "resolved",
        Rated => "rated",
        Reopened => "reopened",
        Escalated => "escalated",
        Closed => "closed",
        Overdue => "overdue",
        Claimed => "claimed",
        Released => "released",
    }
);

impl EventKind {
    /// Staff business: how the work is organised, urged and watched. The resident sees the work
    /// itself (accepted, answered, handed on, handled, resolved), not the office behind it.
    pub fn is_internal(self) -> bool {
        matches!(
            self,
            EventKind::Noted
                | EventKind::Urged
                | EventKind::Reassigned
                | EventKind::Escalated
                | EventKind::Overdue
                | EventKind::Released
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residents_see_the_work_not_the_office() {
        let internal: Vec<&str> = EventKind::ALL
            .iter()
            .filter(|k| k.is_internal())
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            internal,
            [
                "urged",
                "reassigned",
                "noted",
                "escalated",
                "overdue",
                "released"
            ]
        );
    }
}

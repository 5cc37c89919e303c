//! Where a case is in its life, and how the resident judged the result.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// The states of a case. `closed` and `declined` are final. `reopened`: rated unsatisfied,
    /// the case waits in the re-assignment queue for its next round.
    CaseStatus, "status" {
        Submitted => "submitted",
        Accepted => "accepted",
        Assigned => "assigned",
        Handled => "handled",
        Resolved => "resolved",
        Reopened => "reopened",
        Closed => "closed",
        Declined => "declined",
    }
);

impl CaseStatus {
    /// Still being worked on: counts toward a deputy's load and can fall overdue. A case
    /// waiting for re-assignment is work not yet done: its fresh deadline runs while it waits.
    pub fn is_in_progress(self) -> bool {
        matches!(
            self,
            CaseStatus::Submitted
                | CaseStatus::Accepted
                | CaseStatus::Assigned
                | CaseStatus::Handled
                | CaseStatus::Reopened
        )
    }

    /// The statuses in progress: for queries that filter on them.
    pub fn in_progress() -> impl Iterator<Item = CaseStatus> {
        Self::ALL.iter().copied().filter(|s| s.is_in_progress())
    }
}

vocabulary!(
    /// 满意度测评.
    Rating, "rating" {
        Satisfied => "satisfied",
        BasicallySatisfied => "basically_satisfied",
        Unsatisfied => "unsatisfied",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_is_in_progress_until_resolved_closed_or_declined() {
        let words: Vec<&str> = CaseStatus::in_progress().map(CaseStatus::as_str).collect();
        assert_eq!(
            words,
            ["submitted", "accepted", "assigned", "handled", "reopened"]
        );
        for status in CaseStatus::ALL {
            assert_eq!(
                status.is_in_progress(),
                CaseStatus::in_progress().any(|s| s == *status)
            );
        }
    }
}

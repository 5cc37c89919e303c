//! Where a case is in its life, and how the resident judged the result.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// The states of a case. `closed` and `declined` are final.
    CaseStatus, "status" {
        Submitted => "submitted",
        Accepted => "accepted",
        Assigned => "assigned",
        Handled => "handled",
        Resolved => "resolved",
        Closed => "closed",
        Declined => "declined",
    }
);

impl CaseStatus {
    /// Still being worked on: counts toward a deputy's load and can fall overdue.
    pub fn is_in_progress(self) -> bool {
        matches!(
            self,
            CaseStatus::Submitted
                | CaseStatus::Accepted
                | CaseStatus::Assigned
                | CaseStatus::Handled
        )
    }

    pub fn is_final(self) -> bool {
        matches!(self, CaseStatus::Closed | CaseStatus::Declined)
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
    fn in_progress_final_and_resolved_partition_the_states() {
        for status in CaseStatus::ALL {
            let resolved = *status == CaseStatus::Resolved;
            let count = [status.is_in_progress(), status.is_final(), resolved]
                .iter()
                .filter(|b| **b)
                .count();
            assert_eq!(count, 1, "{status}");
        }
    }
}

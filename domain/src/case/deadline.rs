//! Deadlines (办理时限): when a case is due, and whether it is overdue.

use chrono::{DateTime, Duration, Utc};

use super::CaseStatus;
use crate::category::Limits;

/// `respond_by` and `resolve_by` of a case raised at `at` in a category with `limits`.
pub fn due(limits: Limits, at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        at + Duration::hours(i64::from(limits.respond_within_hours())),
        at + Duration::days(i64::from(limits.resolve_within_days())),
    )
}

/// Past `respond_by` without a first answer, or past `resolve_by` while still in progress.
pub fn is_overdue(
    status: CaseStatus,
    respond_by: DateTime<Utc>,
    resolve_by: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    if !status.is_in_progress() {
        return false;
    }
    let unanswered = first_response_at.is_none() && now > respond_by;
    unanswered || now > resolve_by
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn deadlines_follow_the_category() {
        let limits = Limits::parse(72, 15).unwrap();
        let (respond_by, resolve_by) = due(limits, at("2026-11-22T08:00:00Z"));
        assert_eq!(respond_by, at("2026-11-25T08:00:00Z"));
        assert_eq!(resolve_by, at("2026-12-07T08:00:00Z"));
    }

    #[test]
    fn overdue_means_unanswered_too_long_or_unresolved_too_long() {
        let respond_by = at("2026-11-23T00:00:00Z");
        let resolve_by = at("2026-12-01T00:00:00Z");
        let between = at("2026-11-24T00:00:00Z");
        let late = at("2026-12-02T00:00:00Z");
        let open = CaseStatus::Accepted;
        assert!(!is_overdue(
            open,
            respond_by,
            resolve_by,
            None,
            at("2026-11-22T00:00:00Z")
        ));
        assert!(is_overdue(
            CaseStatus::Submitted,
            respond_by,
            resolve_by,
            None,
            between
        ));
        assert!(!is_overdue(
            open,
            respond_by,
            resolve_by,
            Some(respond_by),
            between
        ));
        assert!(is_overdue(
            open,
            respond_by,
            resolve_by,
            Some(respond_by),
            late
        ));
        for done in [
            CaseStatus::Resolved,
            CaseStatus::Closed,
            CaseStatus::Declined,
        ] {
            assert!(
                !is_overdue(done, respond_by, resolve_by, None, late),
                "{done}"
            );
        }
    }
}

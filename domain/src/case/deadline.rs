//! Deadlines (办理时限): when a case is due, whether it is overdue, and when an overdue case
//! goes up to the county.

use chrono::{DateTime, Duration, Utc};

use super::machine::{Case, Event, Transition};
use super::{CaseStatus, EventKind};
use crate::category::Limits;
use crate::vocabulary::vocabulary;

vocabulary!(
    /// The two deadlines of a case, named as their columns.
    Deadline, "deadline" {
        Respond => "respond_by",
        Resolve => "resolve_by",
    }
);

/// A deadline that has passed, with the value it had: a deadline moved later (a reopened case,
/// a new `resolve_by` on assigning) that passes again is a new lapse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lapse {
    pub deadline: Deadline,
    pub due_at: DateTime<Utc>,
}

/// `respond_by` and `resolve_by` of a case raised at `at` in a category with `limits`.
pub fn due(limits: Limits, at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        at + Duration::hours(i64::from(limits.respond_within_hours())),
        at + Duration::days(i64::from(limits.resolve_within_days())),
    )
}

/// The deadlines a case has missed at `now`: `respond_by` while nobody has answered yet,
/// `resolve_by` while it is unresolved; neither once the case is out of progress.
pub fn lapsed(
    status: CaseStatus,
    respond_by: DateTime<Utc>,
    resolve_by: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<Lapse> {
    if !status.is_in_progress() {
        return Vec::new();
    }
    let mut missed = Vec::new();
    if first_response_at.is_none() && now > respond_by {
        missed.push(Lapse {
            deadline: Deadline::Respond,
            due_at: respond_by,
        });
    }
    if now > resolve_by {
        missed.push(Lapse {
            deadline: Deadline::Resolve,
            due_at: resolve_by,
        });
    }
    missed
}

/// Past `respond_by` without a first answer, or past `resolve_by` while still in progress.
pub fn is_overdue(
    status: CaseStatus,
    respond_by: DateTime<Utc>,
    resolve_by: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    !lapsed(status, respond_by, resolve_by, first_response_at, now).is_empty()
}

/// Whether `lapse` goes to the county at `now`: it has stayed missed for `escalate_after`
/// and is missed still (`still`, what `lapsed` answers now). An answer, a resolution or a
/// later deadline in between settles it.
pub fn escalation_due(
    lapse: Lapse,
    still: &[Lapse],
    escalate_after: Duration,
    now: DateTime<Utc>,
) -> bool {
    still.contains(&lapse) && now >= lapse.due_at + escalate_after
}

/// The step that records a missed deadline on the timeline. The state does not change: the
/// case stays with whoever has it, and their admins are told.
pub fn overdue(case: &Case, deadline: Deadline) -> Transition {
    let text = match deadline {
        Deadline::Respond => "超过答复时限",
        Deadline::Resolve => "超过办结时限",
    };
    step(case, EventKind::Overdue, text)
}

/// The step that sends a case whose deadline stayed missed to the county admins.
pub fn escalate(case: &Case, deadline: Deadline) -> Transition {
    let text = match deadline {
        Deadline::Respond => "超期未答复，已报县人大",
        Deadline::Resolve => "超期未办结，已报县人大",
    };
    let mut transition = step(case, EventKind::Escalated, text);
    transition.case.escalated = true;
    transition
}

fn step(case: &Case, kind: EventKind, text: &str) -> Transition {
    Transition {
        case: case.clone(),
        events: vec![Event::new(kind, Some(text.to_owned()), case.round())],
        rating: None,
        resolution: None,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::case::access::Scope;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn respond(due_at: DateTime<Utc>) -> Lapse {
        Lapse {
            deadline: Deadline::Respond,
            due_at,
        }
    }

    fn resolve(due_at: DateTime<Utc>) -> Lapse {
        Lapse {
            deadline: Deadline::Resolve,
            due_at,
        }
    }

    fn case(status: CaseStatus) -> Case {
        Case {
            status,
            scope: Scope {
                station_id: 1,
                county_id: 1,
                resident_id: 2,
                assignee_id: Some(3),
                department_id: None,
            },
            reopen_count: 0,
            escalated: false,
            resolve_by: at("2026-12-01T00:00:00Z"),
            resolve_within: Duration::days(15),
            first_response_at: None,
            resolved_at: None,
            reassign_by: crate::region::ReassignBy::County,
            closed_at: None,
            for_visitor: false,
        }
    }

    #[test]
    fn deadlines_are_named_as_their_columns() {
        let names: Vec<&str> = Deadline::ALL.iter().map(|d| d.as_str()).collect();
        assert_eq!(names, ["respond_by", "resolve_by"]);
        assert_eq!(Deadline::parse("resolve_by"), Ok(Deadline::Resolve));
        assert!(Deadline::parse("overdue").is_err());
    }

    #[test]
    fn a_deadline_lapses_once_passed_with_the_value_it_had() {
        let respond_by = at("2026-11-23T00:00:00Z");
        let resolve_by = at("2026-12-01T00:00:00Z");
        let open = CaseStatus::Submitted;
        assert!(lapsed(open, respond_by, resolve_by, None, respond_by).is_empty());
        let between = at("2026-11-24T00:00:00Z");
        assert_eq!(
            lapsed(open, respond_by, resolve_by, None, between),
            [respond(respond_by)]
        );
        let late = at("2026-12-02T00:00:00Z");
        assert_eq!(
            lapsed(open, respond_by, resolve_by, None, late),
            [respond(respond_by), resolve(resolve_by)]
        );
        // A first answer, even a late one, settles respond_by but not resolve_by.
        assert_eq!(
            lapsed(
                CaseStatus::Accepted,
                respond_by,
                resolve_by,
                Some(between),
                late
            ),
            [resolve(resolve_by)]
        );
        for done in [
            CaseStatus::Resolved,
            CaseStatus::Closed,
            CaseStatus::Declined,
        ] {
            assert!(
                lapsed(done, respond_by, resolve_by, None, late).is_empty(),
                "{done}"
            );
        }
    }

    #[test]
    fn a_lapse_goes_to_the_county_after_the_delay_while_still_missed() {
        let respond_by = at("2026-11-23T00:00:00Z");
        let resolve_by = at("2026-12-01T00:00:00Z");
        let lapse = respond(respond_by);
        let day = Duration::hours(24);
        let still = |first_response_at, now| {
            lapsed(
                CaseStatus::Submitted,
                respond_by,
                resolve_by,
                first_response_at,
                now,
            )
        };
        let early = at("2026-11-23T23:59:59Z");
        assert!(!escalation_due(lapse, &still(None, early), day, early));
        let on_time = at("2026-11-24T00:00:00Z");
        assert!(escalation_due(lapse, &still(None, on_time), day, on_time));
        // Answered late, but answered: nothing left to escalate.
        assert!(!escalation_due(
            lapse,
            &still(Some(early), on_time),
            day,
            on_time
        ));
        // The case has a later resolve_by now: the old lapse is no longer the case's.
        let moved = resolve(resolve_by);
        let later = at("2026-12-03T00:00:00Z");
        let now_missed = lapsed(
            CaseStatus::Accepted,
            respond_by,
            at("2026-12-02T00:00:00Z"),
            Some(early),
            later,
        );
        assert!(!escalation_due(moved, &now_missed, day, later));
    }

    #[test]
    fn overdue_and_escalation_are_internal_steps_that_keep_the_state() {
        let open = case(CaseStatus::Assigned);
        let marked = overdue(&open, Deadline::Resolve);
        assert_eq!(marked.case, open);
        assert_eq!(marked.events.len(), 1);
        assert_eq!(marked.events[0].kind, EventKind::Overdue);
        assert_eq!(marked.events[0].text.as_deref(), Some("超过办结时限"));
        assert!(marked.events[0].kind.is_internal());
        let raised = escalate(&open, Deadline::Respond);
        assert_eq!(raised.case.status, CaseStatus::Assigned);
        assert!(raised.case.escalated);
        assert_eq!(raised.events[0].kind, EventKind::Escalated);
        assert!(raised.events[0]
            .text
            .as_deref()
            .unwrap_or("")
            .contains("超期"));
        assert_eq!(raised.rating, None);
    }

    proptest! {
        #[test]
        fn overdue_means_some_deadline_lapsed(
            status in proptest::sample::select(CaseStatus::ALL),
            respond_after in -100i64..100,
            resolve_after in -100i64..100,
            answered in proptest::option::of(-100i64..100),
        ) {
            let now = at("2026-11-23T00:00:00Z");
            let respond_by = now + Duration::hours(respond_after);
            let resolve_by = now + Duration::hours(resolve_after);
            let first_response_at = answered.map(|h| now + Duration::hours(h));
            prop_assert_eq!(
                is_overdue(status, respond_by, resolve_by, first_response_at, now),
                !lapsed(status, respond_by, resolve_by, first_response_at, now).is_empty()
            );
        }
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

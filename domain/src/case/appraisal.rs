//! The deputy's rating of a department's handling (承办单位测评), which feeds the department
//! appraisal. It is anonymous: the rule names the department and the round, never the rater.

use super::access::can_see;
use super::machine::{Case, CaseError};
use super::CaseStatus;
use crate::actor::{Actor, Role};

/// What a department rating is about: the department that handled the case in that round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatedRound {
    pub department_id: i64,
    pub round: u32,
}

/// The step's name in a refusal.
pub const COMMAND: &str = "rate_department";

/// Whether `actor` may rate the department's handling of `case` now, and of which round: the
/// case's deputy, once the round is resolved after the case was handed to a department. Once
/// per round is the store's to enforce (it alone knows what was rated).
pub fn department_rating(case: &Case, actor: &Actor) -> Result<RatedRound, CaseError> {
    let deputy_of_case = actor.role == Role::Deputy
        && actor.deputy_id.is_some()
        && case.scope.assignee_id == actor.deputy_id
        && can_see(actor, &case.scope);
    if !deputy_of_case {
        return Err(CaseError::Forbidden);
    }
    let not_now = CaseError::InvalidTransition {
        status: case.status,
        command: COMMAND,
    };
    if !matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed) {
        return Err(not_now);
    }
    let department_id = case.scope.department_id.ok_or(not_now)?;
    Ok(RatedRound {
        department_id,
        round: case.round(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::machine::{probe_actor, probe_case};

    #[test]
    fn the_case_deputy_rates_a_resolved_or_closed_round_of_a_department() {
        for status in [CaseStatus::Resolved, CaseStatus::Closed] {
            let mut case = probe_case(status);
            case.reopen_count = 1;
            assert_eq!(
                department_rating(&case, &probe_actor(Role::Deputy)),
                Ok(RatedRound {
                    department_id: 3,
                    round: 2
                })
            );
        }
    }

    #[test]
    fn nobody_else_rates_and_not_before_the_resolution() {
        let case = probe_case(CaseStatus::Resolved);
        for role in Role::ALL.iter().filter(|r| **r != Role::Deputy) {
            assert_eq!(
                department_rating(&case, &probe_actor(*role)),
                Err(CaseError::Forbidden),
                "{role}"
            );
        }
        let colleague = Actor {
            deputy_id: Some(8),
            ..probe_actor(Role::Deputy)
        };
        assert_eq!(
            department_rating(&case, &colleague),
            Err(CaseError::Forbidden)
        );
        for status in CaseStatus::ALL
            .iter()
            .filter(|s| !matches!(s, CaseStatus::Resolved | CaseStatus::Closed))
        {
            assert!(matches!(
                department_rating(&probe_case(*status), &probe_actor(Role::Deputy)),
                Err(CaseError::InvalidTransition { .. })
            ));
        }
        let mut own_work = probe_case(CaseStatus::Resolved);
        own_work.scope.department_id = None;
        assert!(matches!(
            department_rating(&own_work, &probe_actor(Role::Deputy)),
            Err(CaseError::InvalidTransition { .. })
        ));
    }
}

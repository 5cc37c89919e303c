//! The state machine, exhaustively: every state × command × role, then each effect.

use super::*;

const RULES: Rules = Rules {
    reopen_limit: 2,
    close_unrated_after: Duration::days(7),
};

fn now() -> DateTime<Utc> {
    "2026-11-23T08:00:00Z".parse().unwrap()
}

fn case(status: CaseStatus) -> Case {
    Case {
        resolved_at: (status == Resolved).then(|| now() - Duration::days(1)),
        ..probe_case(status)
    }
}

fn actor(role: Role) -> Actor {
    probe_actor(role)
}

/// In progress and worked on: not waiting in the re-assignment queue.
const WORKED: &[CaseStatus] = &[Submitted, Accepted, Assigned, Handled];
const IN_PROGRESS: &[CaseStatus] = &[Submitted, Accepted, Assigned, Handled, Reopened];

/// The rules as the product defines them, written out independently of the implementation:
/// (command, roles that may issue it on a case in their scope, states it is valid in).
fn expected() -> Vec<(&'static str, Vec<Role>, Vec<CaseStatus>)> {
    use Role::*;
    vec![
        ("accept", vec![Deputy, StationAdmin], vec![Submitted]),
        (
            "decline",
            vec![Deputy, StationAdmin],
            vec![Submitted, Accepted],
        ),
        (
            "reply",
            vec![Deputy, StationAdmin, Handler],
            IN_PROGRESS.to_vec(),
        ),
        (
            "assign",
            vec![Deputy, StationAdmin, TownshipAdmin, CountyAdmin],
            WORKED.to_vec(),
        ),
        ("handle", vec![Handler], vec![Assigned]),
        (
            "urge",
            vec![StationAdmin, TownshipAdmin, CountyAdmin],
            IN_PROGRESS.to_vec(),
        ),
        (
            "reassign",
            vec![StationAdmin, TownshipAdmin, CountyAdmin],
            IN_PROGRESS.to_vec(),
        ),
        (
            "note",
            vec![Deputy, StationAdmin, Handler, TownshipAdmin, CountyAdmin],
            CaseStatus::ALL.to_vec(),
        ),
        (
            "resolve",
            vec![Deputy, StationAdmin],
            vec![Accepted, Assigned, Handled],
        ),
        ("rate", vec![Resident], vec![Resolved]),
        ("auto_close", vec![], vec![Resolved]),
        ("release", vec![], IN_PROGRESS.to_vec()),
    ]
}

#[test]
fn every_state_command_and_role_answers_as_defined() {
    let commands = sample_commands();
    let expected = expected();
    assert_eq!(commands.len(), expected.len());
    let mut checked = 0;
    for (command, (name, roles, states)) in commands.iter().zip(&expected) {
        assert_eq!(command.name(), *name);
        for status in CaseStatus::ALL {
            for role in Role::ALL {
                let result = apply(
                    &case(*status),
                    command,
                    By::Person(&actor(*role)),
                    now(),
                    &RULES,
                );
                let outcome = match &result {
                    Ok(_) => "ok",
                    Err(CaseError::Forbidden) => "forbidden",
                    Err(CaseError::InvalidTransition { .. }) => "invalid_transition",
                    Err(CaseError::Invalid(_)) => "invalid",
                };
                // The probe's county keeps its re-assignment queue (`policy::may_reassign`).
                let queue_bound = *name == "reassign" && *status == Reopened;
                let want = if !roles.contains(role) || (queue_bound && *role != Role::CountyAdmin) {
                    "forbidden"
                } else if !states.contains(status) {
                    "invalid_transition"
                } else {
                    "ok"
                };
                assert_eq!(
                    outcome, want,
                    "{role} asking a {status} case to {name}: {result:?}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 12 * 8 * Role::ALL.len());
}

#[test]
fn only_the_system_closes_unrated_cases_and_only_when_due() {
    let resolved = case(Resolved);
    assert!(apply(&resolved, &Command::AutoClose, By::System, now(), &RULES).is_err());
    let later = now() + Duration::days(6) + Duration::minutes(1);
    let closed = apply(&resolved, &Command::AutoClose, By::System, later, &RULES).unwrap();
    assert_eq!(closed.case.status, Closed);
    assert_eq!(closed.rating, None, "never a made-up rating");
    assert_eq!(closed.events[0].kind, EventKind::Closed);
    for status in CaseStatus::ALL.iter().filter(|s| **s != Resolved) {
        assert!(apply(
            &case(*status),
            &Command::AutoClose,
            By::System,
            later,
            &RULES
        )
        .is_err());
    }
    for command in sample_commands()
        .iter()
        .filter(|c| !matches!(c, Command::AutoClose | Command::Release { .. }))
    {
        let result = apply(&case(Submitted), command, By::System, now(), &RULES);
        assert_eq!(result, Err(CaseError::Forbidden), "{}", command.name());
    }
}

#[test]
fn releasing_takes_the_deputy_off_and_leaves_the_rest() {
    let release = Command::Release {
        reason: "代表已终止履职".to_owned(),
    };
    for status in IN_PROGRESS {
        let released = apply(&case(*status), &release, By::System, now(), &RULES).unwrap();
        assert_eq!(released.case.status, *status, "the work stays where it was");
        assert_eq!(
            released.case.scope.assignee_id, None,
            "back to the station queue"
        );
        assert_eq!(released.case.scope.department_id, Some(3));
        assert_eq!(released.events.len(), 1);
        assert_eq!(released.events[0].kind, EventKind::Released);
        assert_eq!(released.events[0].text.as_deref(), Some("代表已终止履职"));
    }
    let unassigned = Case {
        scope: Scope {
            assignee_id: None,
            ..case(Accepted).scope
        },
        ..case(Accepted)
    };
    assert!(matches!(
        apply(&unassigned, &release, By::System, now(), &RULES),
        Err(CaseError::InvalidTransition { .. })
    ));
    for status in [Resolved, Closed, Declined] {
        assert!(apply(&case(status), &release, By::System, now(), &RULES).is_err());
    }
    let empty = Command::Release {
        reason: " ".to_owned(),
    };
    assert!(matches!(
        apply(&case(Accepted), &empty, By::System, now(), &RULES),
        Err(CaseError::Invalid(_))
    ));
}

#[test]
fn a_deputy_finding_the_case_taken_by_a_colleague_learns_it_was_taken() {
    let colleague = Actor {
        deputy_id: Some(8),
        ..actor(Role::Deputy)
    };
    let taken = case(Accepted);
    assert_eq!(
        apply(
            &taken,
            &Command::Accept,
            By::Person(&colleague),
            now(),
            &RULES
        ),
        Err(CaseError::InvalidTransition {
            status: Accepted,
            command: "accept"
        })
    );
    let resolve = resolve("x");
    assert_eq!(
        apply(&taken, &resolve, By::Person(&colleague), now(), &RULES),
        Err(CaseError::Forbidden)
    );
}

#[test]
fn nobody_acts_outside_their_scope() {
    let outsider = Actor {
        station_ids: vec![11],
        ..actor(Role::StationAdmin)
    };
    let result = apply(
        &case(Submitted),
        &Command::Accept,
        By::Person(&outsider),
        now(),
        &RULES,
    );
    assert_eq!(result, Err(CaseError::Forbidden));
    let stranger = Actor {
        user_id: 101,
        ..actor(Role::Resident)
    };
    let rate = Command::Rate {
        rating: Rating::Satisfied,
        comment: None,
    };
    assert_eq!(
        apply(&case(Resolved), &rate, By::Person(&stranger), now(), &RULES),
        Err(CaseError::Forbidden)
    );
}

#[test]
fn a_deputy_acts_on_their_own_cases_and_on_the_unassigned_ones_of_their_station() {
    let colleague = Actor {
        deputy_id: Some(8),
        ..actor(Role::Deputy)
    };
    let with_other = case(Submitted);
    assert_eq!(
        apply(
            &with_other,
            &Command::Accept,
            By::Person(&colleague),
            now(),
            &RULES
        ),
        Err(CaseError::Forbidden)
    );
    let queued = Case {
        scope: Scope {
            assignee_id: None,
            ..with_other.scope
        },
        ..with_other
    };
    let taken = apply(
        &queued,
        &Command::Accept,
        By::Person(&colleague),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(
        taken.case.scope.assignee_id,
        Some(8),
        "accepting from the queue takes the case"
    );
    // Colleagues may still leave internal notes on a case of their station.
    let note = Command::Note {
        content: "我认识这位群众".to_owned(),
    };
    assert!(apply(
        &case(Accepted),
        &note,
        By::Person(&colleague),
        now(),
        &RULES
    )
    .is_ok());
}

#[test]
fn accepting_answers_and_a_station_admin_keeps_the_assignee() {
    let t = apply(
        &case(Submitted),
        &Command::Accept,
        By::Person(&actor(Role::StationAdmin)),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(t.case.status, Accepted);
    assert_eq!(t.case.first_response_at, Some(now()));
    assert_eq!(t.case.scope.assignee_id, Some(7));
    assert_eq!(t.events, [Event::new(EventKind::Accepted, None, 1)]);
}

#[test]
fn the_first_answer_is_kept_not_overwritten() {
    let answered = Case {
        first_response_at: Some(now() - Duration::hours(3)),
        ..case(Accepted)
    };
    let reply = Command::Reply {
        content: "在办".to_owned(),
    };
    let t = apply(
        &answered,
        &reply,
        By::Person(&actor(Role::Deputy)),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(t.case.first_response_at, answered.first_response_at);
    assert_eq!(t.case.status, Accepted, "a reply does not move the case");
}

#[test]
fn declining_closes_with_the_reason() {
    let decline = Command::Decline {
        reason: "属诉讼事项，请向法院起诉".to_owned(),
    };
    let t = apply(
        &case(Submitted),
        &decline,
        By::Person(&actor(Role::Deputy)),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(t.case.status, Declined);
    assert_eq!(t.case.closed_at, Some(now()));
    assert_eq!(
        t.events[0].text.as_deref(),
        Some("属诉讼事项，请向法院起诉")
    );
    let empty = Command::Decline {
        reason: "  ".to_owned(),
    };
    let e = apply(
        &case(Submitted),
        &empty,
        By::Person(&actor(Role::Deputy)),
        now(),
        &RULES,
    )
    .unwrap_err();
    assert!(
        matches!(e, CaseError::Invalid(ref i) if i.0[0].field == "reason"),
        "{e:?}"
    );
}

#[test]
fn assigning_hands_the_case_to_a_department_with_an_optional_deadline() {
    let deadline = now() + Duration::days(5);
    let assign = Command::Assign {
        department_id: 4,
        resolve_by: Some(deadline),
        note: Some("请核查".to_owned()),
    };
    let t = apply(
        &case(Accepted),
        &assign,
        By::Person(&actor(Role::Deputy)),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(
        (t.case.status, t.case.scope.department_id, t.case.resolve_by),
        (Assigned, Some(4), deadline)
    );
    assert_eq!(t.events[0].text.as_deref(), Some("请核查"));

    let past = Command::Assign {
        department_id: 4,
        resolve_by: Some(now()),
        note: None,
    };
    let e = apply(
        &case(Accepted),
        &past,
        By::Person(&actor(Role::Deputy)),
        now(),
        &RULES,
    )
    .unwrap_err();
    assert!(
        matches!(e, CaseError::Invalid(ref i) if i.0[0].field == "resolve_by"),
        "{e:?}"
    );
}

#[test]
fn the_department_reports_back_and_the_deputy_resolves() {
    let handle = Command::Handle {
        content: "路灯已更换".to_owned(),
    };
    let handled = apply(
        &case(Assigned),
        &handle,
        By::Person(&actor(Role::Handler)),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(handled.case.status, Handled);
    assert_eq!(
        handled.events[0].department,
        Some(Handover {
            department_id: 3,
            resolve_by: None
        }),
        "the report names the department that handled it"
    );
    let resolve = resolve("已更换路灯");
    let resolved = apply(
        &handled.case,
        &resolve,
        By::Person(&actor(Role::Deputy)),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(resolved.case.status, Resolved);
    assert_eq!(resolved.case.resolved_at, Some(now()));
    assert_eq!(resolved.resolution, Some(Resolution::Implemented));
    assert_eq!(resolved.events[0].resolution, Some(Resolution::Implemented));
}

fn resolve(summary: &str) -> Command {
    Command::Resolve {
        summary: summary.to_owned(),
        outcome: Outcome::Implemented,
        planned_on: None,
        reason: None,
    }
}

#[test]
fn a_resolution_records_its_outcome_with_what_it_needs() {
    let planned = Command::Resolve {
        summary: "已列入明年计划".to_owned(),
        outcome: Outcome::Planned,
        planned_on: Some(now().date_naive() + Duration::days(90)),
        reason: None,
    };
    let t = apply(
        &case(Accepted),
        &planned,
        By::Person(&actor(Role::Deputy)),
        now(),
        &RULES,
    )
    .unwrap();
    let want = Resolution::Planned {
        on: now().date_naive() + Duration::days(90),
    };
    assert_eq!(t.resolution.as_ref(), Some(&want));
    assert_eq!(t.events[0].resolution.as_ref(), Some(&want));
    // The summary and the outcome's details are checked together: one answer names both.
    let bad = Command::Resolve {
        summary: " ".to_owned(),
        outcome: Outcome::NotFeasible,
        planned_on: None,
        reason: None,
    };
    let e = apply(
        &case(Accepted),
        &bad,
        By::Person(&actor(Role::Deputy)),
        now(),
        &RULES,
    )
    .unwrap_err();
    let CaseError::Invalid(invalid) = e else {
        panic!("{e:?}")
    };
    let fields: Vec<&str> = invalid.0.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["summary", "reason"]);
    // Who may not resolve learns that first, whatever the payload.
    assert_eq!(
        apply(
            &case(Accepted),
            &bad,
            By::Person(&actor(Role::Handler)),
            now(),
            &RULES
        ),
        Err(CaseError::Forbidden)
    );
}

#[test]
fn a_handler_of_another_department_cannot_report() {
    let other = Actor {
        department_id: Some(9),
        ..actor(Role::Handler)
    };
    let handle = Command::Handle {
        content: "x".to_owned(),
    };
    assert_eq!(
        apply(&case(Assigned), &handle, By::Person(&other), now(), &RULES),
        Err(CaseError::Forbidden)
    );
}

#[test]
fn satisfied_and_basically_satisfied_close_the_case() {
    for rating in [Rating::Satisfied, Rating::BasicallySatisfied] {
        let rate = Command::Rate {
            rating,
            comment: Some(" 很及时 ".to_owned()),
        };
        let t = apply(
            &case(Resolved),
            &rate,
            By::Person(&actor(Role::Resident)),
            now(),
            &RULES,
        )
        .unwrap();
        assert_eq!(t.case.status, Closed);
        assert_eq!(t.rating, Some((rating, "很及时".to_owned())));
        let kinds: Vec<EventKind> = t.events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::Rated, EventKind::Closed]);
    }
}

#[test]
fn unsatisfied_puts_the_case_in_the_re_assignment_queue_with_a_fresh_deadline() {
    let rate = Command::Rate {
        rating: Rating::Unsatisfied,
        comment: None,
    };
    let t = apply(
        &case(Resolved),
        &rate,
        By::Person(&actor(Role::Resident)),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(t.case.status, Reopened, "into the re-assignment queue");
    assert_eq!(t.case.reopen_count, 1);
    assert_eq!(t.case.resolve_by, now() + Duration::days(15));
    assert_eq!(t.case.resolved_at, None);
    assert!(!t.case.escalated);
    let kinds: Vec<(EventKind, u32)> = t.events.iter().map(|e| (e.kind, e.round)).collect();
    assert_eq!(
        kinds,
        [(EventKind::Rated, 1), (EventKind::Reopened, 2)],
        "the rating judges round 1, the case waits for round 2"
    );
}

#[test]
fn past_the_reopen_limit_an_unsatisfied_case_goes_to_the_county() {
    let rate = Command::Rate {
        rating: Rating::Unsatisfied,
        comment: None,
    };
    let second = Case {
        reopen_count: 1,
        ..case(Resolved)
    };
    let t = apply(
        &second,
        &rate,
        By::Person(&actor(Role::Resident)),
        now(),
        &RULES,
    )
    .unwrap();
    assert!(!t.case.escalated, "two rounds are within a limit of two");
    let third = Case {
        reopen_count: 2,
        ..case(Resolved)
    };
    let t = apply(
        &third,
        &rate,
        By::Person(&actor(Role::Resident)),
        now(),
        &RULES,
    )
    .unwrap();
    assert!(t.case.escalated);
    assert_eq!(t.events.last().map(|e| e.kind), Some(EventKind::Escalated));
    let already = Case {
        reopen_count: 3,
        escalated: true,
        ..case(Resolved)
    };
    let t = apply(
        &already,
        &rate,
        By::Person(&actor(Role::Resident)),
        now(),
        &RULES,
    )
    .unwrap();
    assert!(
        t.events.iter().all(|e| e.kind != EventKind::Escalated),
        "escalated once"
    );
}

#[test]
fn a_second_rating_is_an_invalid_transition() {
    let rate = Command::Rate {
        rating: Rating::Satisfied,
        comment: None,
    };
    let closed = apply(
        &case(Resolved),
        &rate,
        By::Person(&actor(Role::Resident)),
        now(),
        &RULES,
    )
    .unwrap();
    let again = apply(
        &closed.case,
        &rate,
        By::Person(&actor(Role::Resident)),
        now(),
        &RULES,
    );
    assert_eq!(
        again,
        Err(CaseError::InvalidTransition {
            status: Closed,
            command: "rate"
        })
    );
}

fn to_deputy(id: i64, instructions: Option<&str>) -> Command {
    Command::Reassign {
        to: ReassignTo::Deputy {
            id,
            instructions: instructions.map(str::to_owned),
        },
    }
}

fn to_department(id: i64, resolve_by: Option<DateTime<Utc>>) -> Command {
    Command::Reassign {
        to: ReassignTo::Department { id, resolve_by },
    }
}

/// A case rated unsatisfied once: in the queue for its second round.
fn queued() -> Case {
    Case {
        reopen_count: 1,
        ..case(Reopened)
    }
}

#[test]
fn reassigning_moves_the_case_to_another_deputy() {
    let t = apply(
        &case(Accepted),
        &to_deputy(8, None),
        By::Person(&actor(Role::StationAdmin)),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(t.case.scope.assignee_id, Some(8));
    assert_eq!(t.case.status, Accepted);
    let same = apply(
        &case(Accepted),
        &to_deputy(7, None),
        By::Person(&actor(Role::StationAdmin)),
        now(),
        &RULES,
    );
    assert!(matches!(same, Err(CaseError::Invalid(_))));
}

#[test]
fn a_case_in_progress_is_not_re_assigned_to_a_department() {
    for status in CaseStatus::ALL.iter().filter(|s| **s != Reopened) {
        let result = apply(
            &case(*status),
            &to_department(4, Some(now() + Duration::days(5))),
            By::Person(&actor(Role::CountyAdmin)),
            now(),
            &RULES,
        );
        assert_eq!(
            result,
            Err(CaseError::InvalidTransition {
                status: *status,
                command: "reassign"
            })
        );
    }
}

#[test]
fn the_queue_re_assigns_to_a_department_with_a_new_deadline_for_the_next_round() {
    let deadline = now() + Duration::days(5);
    let t = apply(
        &queued(),
        &to_department(4, Some(deadline)),
        By::Person(&actor(Role::CountyAdmin)),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(
        (t.case.status, t.case.scope.department_id, t.case.resolve_by),
        (Assigned, Some(4), deadline)
    );
    assert_eq!(
        t.case.scope.assignee_id,
        Some(7),
        "the deputy still answers"
    );
    assert_eq!(
        t.events,
        [Event {
            department: Some(Handover {
                department_id: 4,
                resolve_by: Some(deadline),
            }),
            ..Event::new(EventKind::Assigned, None, 2)
        }],
        "the handover names the department and its deadline"
    );
    for (resolve_by, code) in [(None, "required"), (Some(now()), "in_past")] {
        let e = apply(
            &queued(),
            &to_department(4, resolve_by),
            By::Person(&actor(Role::CountyAdmin)),
            now(),
            &RULES,
        )
        .unwrap_err();
        assert!(
            matches!(e, CaseError::Invalid(ref i) if i.0[0].field == "resolve_by" && i.0[0].code == code),
            "{e:?}"
        );
    }
}

#[test]
fn the_queue_re_assigns_to_a_deputy_with_instructions() {
    let t = apply(
        &queued(),
        &to_deputy(8, Some("请上门核实")),
        By::Person(&actor(Role::CountyAdmin)),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(t.case.status, Accepted);
    assert_eq!(t.case.scope.assignee_id, Some(8));
    assert_eq!(
        t.case.scope.department_id, None,
        "the round is the deputy's own"
    );
    assert_eq!(
        t.events,
        [Event::new(
            EventKind::Reassigned,
            Some("请上门核实".to_owned()),
            2
        )]
    );
    // Back to the same deputy is a new round, not a no-op.
    assert!(apply(
        &queued(),
        &to_deputy(7, Some("再办一次")),
        By::Person(&actor(Role::CountyAdmin)),
        now(),
        &RULES,
    )
    .is_ok());
    let e = apply(
        &queued(),
        &to_deputy(8, None),
        By::Person(&actor(Role::CountyAdmin)),
        now(),
        &RULES,
    )
    .unwrap_err();
    assert!(
        matches!(e, CaseError::Invalid(ref i) if i.0[0].field == "instructions"),
        "{e:?}"
    );
}

#[test]
fn only_the_queue_s_admins_re_assign_and_the_queued_case_moves_no_other_way() {
    let station_admin = actor(Role::StationAdmin);
    assert_eq!(
        apply(
            &queued(),
            &to_deputy(8, Some("x")),
            By::Person(&station_admin),
            now(),
            &RULES
        ),
        Err(CaseError::Forbidden)
    );
    let other_county = Actor {
        county_id: Some(2),
        ..actor(Role::CountyAdmin)
    };
    assert_eq!(
        apply(
            &queued(),
            &to_deputy(8, Some("x")),
            By::Person(&other_county),
            now(),
            &RULES
        ),
        Err(CaseError::Forbidden)
    );
    let assign = Command::Assign {
        department_id: 4,
        resolve_by: None,
        note: None,
    };
    for (command, role) in [
        (&assign, Role::Deputy),
        (&resolve("x"), Role::Deputy),
        (&Command::Accept, Role::Deputy),
    ] {
        assert!(matches!(
            apply(&queued(), command, By::Person(&actor(role)), now(), &RULES),
            Err(CaseError::InvalidTransition { .. })
        ));
    }
}

#[test]
fn the_documented_table_is_generated_from_apply() {
    let table = table();
    assert!(
        table.contains("| accept | deputy, station_admin | submitted | submitted → accepted |"),
        "{table}"
    );
    assert!(
        table.contains("| auto_close | system | resolved | resolved → closed |"),
        "{table}"
    );
    assert!(
        table.contains("resolved → reopened"),
        "unsatisfied reopens: {table}"
    );
    assert!(
        table.contains("reopened → accepted; reopened → assigned"),
        "the queue re-assigns: {table}"
    );
}

#[test]
fn docs_cases_md_holds_the_current_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cases.md");
    let docs = std::fs::read_to_string(path).unwrap_or_default();
    let begin = "<!-- state-machine:begin -->\n";
    let end = "<!-- state-machine:end -->";
    let generated = table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let (head, rest) = docs
            .split_once(begin)
            .expect("docs/cases.md has the begin marker");
        let (_, tail) = rest
            .split_once(end)
            .expect("docs/cases.md has the end marker");
        std::fs::write(path, format!("{head}{begin}{generated}{end}{tail}")).unwrap();
        return;
    }
    assert!(
        docs.contains(&format!("{begin}{generated}{end}")),
        "docs/cases.md is out of date: run `UPDATE_DOCS=1 cargo test -p liaison-domain docs_cases_md` and commit it"
    );
}

#[test]
fn may_issue_offers_exactly_the_steps_apply_does_not_refuse_for_role_state_or_relation() {
    let outsider = Actor {
        station_ids: vec![11],
        ..actor(Role::StationAdmin)
    };
    let mut actors: Vec<Actor> = Role::ALL.iter().map(|role| actor(*role)).collect();
    actors.push(outsider);
    for status in CaseStatus::ALL {
        let case = case(*status);
        for actor in &actors {
            for command in sample_commands() {
                let applied = apply(&case, &command, By::Person(actor), now(), &RULES);
                let refused = matches!(
                    applied,
                    Err(CaseError::Forbidden | CaseError::InvalidTransition { .. })
                );
                assert_eq!(
                    may_issue(&case, &command, actor),
                    !refused,
                    "{} by {} on a {status} case: {applied:?}",
                    command.name(),
                    actor.role
                );
            }
        }
    }
}

/// What an edge answers before reading a body is what `apply` would answer for any body: when
/// `may_attempt` refuses a step, every command of that step is refused the same way, and when
/// it allows it, `apply` refuses none of them as forbidden.
#[test]
fn may_attempt_answers_what_apply_answers_for_every_command_of_the_step() {
    let outsider = Actor {
        station_ids: vec![11],
        ..actor(Role::StationAdmin)
    };
    let mut actors: Vec<Actor> = Role::ALL.iter().map(|role| actor(*role)).collect();
    actors.push(outsider);
    for status in CaseStatus::ALL {
        let case = case(*status);
        for actor in &actors {
            let mut commands = sample_commands();
            commands.push(Command::Reassign {
                to: ReassignTo::Department {
                    id: 3,
                    resolve_by: None,
                },
            });
            for command in commands {
                let attempted = may_attempt(&case, command.step(), actor);
                let applied = apply(&case, &command, By::Person(actor), now(), &RULES);
                match attempted {
                    Err(refusal) => assert_eq!(
                        applied.as_ref().err(),
                        Some(&refusal),
                        "{} by {} on a {status} case",
                        command.name(),
                        actor.role
                    ),
                    Ok(()) => assert!(
                        !matches!(applied, Err(CaseError::Forbidden)),
                        "{} by {} on a {status} case",
                        command.name(),
                        actor.role
                    ),
                }
            }
        }
    }
}

#[test]
fn staff_record_the_rating_of_a_visitor_s_unclaimed_case_and_only_of_one() {
    let rate = Command::Rate {
        rating: Rating::Satisfied,
        comment: Some("电话回访".to_owned()),
    };
    let for_visitor = Case {
        for_visitor: true,
        ..case(Resolved)
    };
    for role in Role::ALL {
        let someone = actor(*role);
        let records = matches!(
            role,
            Role::Deputy | Role::StationAdmin | Role::TownshipAdmin | Role::CountyAdmin
        );
        let on_visitor = apply(&for_visitor, &rate, By::Person(&someone), now(), &RULES);
        assert_eq!(on_visitor.is_ok(), records, "{role} on a visitor's case");
        // A resident's own case is theirs to rate, and no one else's.
        let on_own = apply(&case(Resolved), &rate, By::Person(&someone), now(), &RULES);
        assert_eq!(
            on_own.is_ok(),
            *role == Role::Resident,
            "{role} on a resident's case"
        );
    }
    let t = apply(
        &for_visitor,
        &rate,
        By::Person(&actor(Role::StationAdmin)),
        now(),
        &RULES,
    )
    .unwrap();
    assert_eq!(t.case.status, Closed);
}

//! The case state machine: `apply(case, command, by, now, rules)` answers the next state and
//! the events to record, or why not. It does no IO; the API loads, asks, and stores.

use chrono::{DateTime, Duration, Utc};

use chrono::NaiveDate;

use super::access::{can_see, Scope};
use super::outcome::{Outcome, Resolution};
use super::text;
use super::{CaseStatus, EventKind, Rating};
use crate::actor::{Actor, Role};
use crate::policy::may_reassign;
use crate::region::ReassignBy;
use crate::Invalid;

use CaseStatus::*;

/// The part of a case its life changes, plus what decisions depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub status: CaseStatus,
    pub scope: Scope,
    pub reopen_count: u32,
    pub escalated: bool,
    pub resolve_by: DateTime<Utc>,
    /// How long the category gives to resolve: a reopened case gets as long again.
    pub resolve_within: Duration,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Staff recorded it for a visitor who has not claimed it: nobody follows it in the
    /// mini-program, so staff record the rating the visitor gives by phone (回访).
    pub for_visitor: bool,
    /// Whose re-assignment queue the case waits in once rated unsatisfied: its county's setting.
    pub reassign_by: ReassignBy,
}

impl Case {
    /// The round of work the case is in.
    pub fn round(&self) -> u32 {
        round(self.reopen_count)
    }
}

/// The round of work of a case reopened `reopen_count` times: the first, then one more for
/// each unsatisfied rating.
pub fn round(reopen_count: u32) -> u32 {
    reopen_count.saturating_add(1)
}

/// Where a re-assignment sends a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReassignTo {
    /// A deputy of the station; from the re-assignment queue with instructions for the round.
    Deputy {
        id: i64,
        instructions: Option<String>,
    },
    /// A department with a new deadline: only from the re-assignment queue.
    Department {
        id: i64,
        resolve_by: Option<DateTime<Utc>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Accept,
    Decline {
        reason: String,
    },
    Reply {
        content: String,
    },
    Assign {
        department_id: i64,
        resolve_by: Option<DateTime<Utc>>,
        note: Option<String>,
    },
    Handle {
        content: String,
    },
    Urge {
        note: String,
    },
    /// A case in progress moves to another deputy of the station; a case in the re-assignment
    /// queue starts its next round with a deputy or a department. That the deputy sits at the
    /// station and the department is of the county is checked by the caller: the roster and
    /// the departments are not the machine's to read.
    Reassign {
        to: ReassignTo,
    },
    Note {
        content: String,
    },
    Resolve {
        summary: String,
        outcome: Outcome,
        planned_on: Option<NaiveDate>,
        reason: Option<String>,
    },
    Rate {
        rating: Rating,
        comment: Option<String>,
    },
    /// Closes a resolved case nobody rated in time: closed without a rating, never a made-up one.
    AutoClose,
    /// Takes the case from a deputy who no longer serves (suspended, terminated, or whose
    /// account was disabled) back to the station queue, saying why.
    Release {
        reason: String,
    },
}

/// What a command asks, without what it carries: enough to decide whether the caller may ask
/// it at all before its body is read (`may_attempt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Accept,
    Decline,
    Reply,
    Assign,
    Handle,
    Urge,
    Reassign,
    Note,
    Resolve,
    Rate,
    AutoClose,
    Release,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Accept => "accept",
            Step::Decline => "decline",
            Step::Reply => "reply",
            Step::Assign => "assign",
            Step::Handle => "handle",
            Step::Urge => "urge",
            Step::Reassign => "reassign",
            Step::Note => "note",
            Step::Resolve => "resolve",
            Step::Rate => "rate",
            Step::AutoClose => "auto_close",
            Step::Release => "release",
        }
    }
}

impl Command {
    pub fn step(&self) -> Step {
        match self {
            Command::Accept => Step::Accept,
            Command::Decline { .. } => Step::Decline,
            Command::Reply { .. } => Step::Reply,
            Command::Assign { .. } => Step::Assign,
            Command::Handle { .. } => Step::Handle,
            Command::Urge { .. } => Step::Urge,
            Command::Reassign { .. } => Step::Reassign,
            Command::Note { .. } => Step::Note,
            Command::Resolve { .. } => Step::Resolve,
            Command::Rate { .. } => Step::Rate,
            Command::AutoClose => Step::AutoClose,
            Command::Release { .. } => Step::Release,
        }
    }

    pub fn name(&self) -> &'static str {
        self.step().name()
    }
}

/// Who issues a command: a person, or the server's own housekeeping.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Person(&'a Actor),
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Unsatisfied rounds after which a case goes to the county admins.
    pub reopen_limit: u32,
    pub close_unrated_after: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    pub text: Option<String>,
    /// The round of work the event belongs to (`Case::round`).
    pub round: u32,
    /// What the resolution amounts to, on a `resolved` event.
    pub resolution: Option<Resolution>,
    /// On the steps of a department's work (`assigned`, `handled`): the department, and on
    /// `assigned` the deadline it was given; the appraisal counts rounds by them.
    pub department: Option<Handover>,
}

/// The department a step of its work is about, with the deadline an assignment gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handover {
    pub department_id: i64,
    pub resolve_by: Option<DateTime<Utc>>,
}

impl Event {
    /// An event of `round` that records no resolution.
    pub fn new(kind: EventKind, text: Option<String>, round: u32) -> Event {
        Event {
            kind,
            text,
            round,
            resolution: None,
            department: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub case: Case,
    pub events: Vec<Event>,
    /// Set by `rate`: what the resident said.
    pub rating: Option<(Rating, String)>,
    /// Set by `resolve`: what the resolution amounts to.
    pub resolution: Option<Resolution>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// This role, or this person, may not issue this command on this case.
    #[error("not allowed")]
    Forbidden,
    /// The command is not one the case's state allows.
    #[error("a {status} case cannot be asked to {command}")]
    InvalidTransition {
        status: CaseStatus,
        command: &'static str,
    },
    #[error("{0}")]
    Invalid(Invalid),
}

impl From<Invalid> for CaseError {
    fn from(invalid: Invalid) -> Self {
        CaseError::Invalid(invalid)
    }
}

/// The deputy a command acts through: the case's assignee, or any deputy of the station while
/// the case waits unassigned in the station queue.
fn acts_as_deputy(actor: &Actor, case: &Case) -> bool {
    actor.role == Role::Deputy
        && actor.deputy_id.is_some()
        && (case.scope.assignee_id.is_none() || case.scope.assignee_id == actor.deputy_id)
}

/// Whether the role may issue the command at all: the product's table of who does what. A
/// rating is the resident's; for a visitor's unclaimed case, staff record it for them.
fn role_may(role: Role, step: Step, case: &Case) -> bool {
    match step {
        Step::Accept | Step::Decline | Step::Resolve => {
            matches!(role, Role::Deputy | Role::StationAdmin)
        }
        Step::Reply => matches!(role, Role::Deputy | Role::StationAdmin | Role::Handler),
        Step::Assign => matches!(
            role,
            Role::Deputy | Role::StationAdmin | Role::TownshipAdmin | Role::CountyAdmin
        ),
        Step::Handle => role == Role::Handler,
        Step::Urge | Step::Reassign => role.is_admin(),
        Step::Note => role.is_staff(),
        Step::Rate if case.for_visitor => role == Role::Deputy || role.is_admin(),
        Step::Rate => role == Role::Resident,
        Step::AutoClose | Step::Release => false,
    }
}

/// Whether this person stands in the right relation to this case: it is in their scope, and a
/// deputy acts through their own (or a still unassigned) case.
fn relation_holds(actor: &Actor, case: &Case, step: Step) -> bool {
    let deputy_bound = matches!(
        step,
        Step::Accept | Step::Decline | Step::Resolve | Step::Reply | Step::Assign
    );
    let queue_bound = step == Step::Reassign && case.status == Reopened;
    can_see(actor, &case.scope)
        && (!deputy_bound || actor.role != Role::Deputy || acts_as_deputy(actor, case))
        && (!queue_bound
            || may_reassign(
                actor,
                case.scope.county_id,
                case.scope.station_id,
                case.reassign_by,
            ))
}

/// The states a command may be issued in: its step's, narrowed by what it carries.
fn valid_in(command: &Command, status: CaseStatus) -> bool {
    step_valid_in(command.step(), status)
        && match command {
            // A department gets a case anew only from the re-assignment queue.
            Command::Reassign {
                to: ReassignTo::Department { .. },
            } => status == Reopened,
            _ => true,
        }
}

/// The states a step may be asked in, for some command of it.
fn step_valid_in(step: Step, status: CaseStatus) -> bool {
    match step {
        // Either target: a deputy while in progress, a department from the re-assignment queue.
        Step::Reassign => status.is_in_progress(),
        Step::Accept => status == Submitted,
        Step::Decline => matches!(status, Submitted | Accepted),
        Step::Reply | Step::Urge | Step::Release => status.is_in_progress(),
        Step::Assign => status.is_in_progress() && status != Reopened,
        Step::Handle => status == Assigned,
        Step::Note => true,
        Step::Resolve => matches!(status, Accepted | Assigned | Handled),
        Step::Rate | Step::AutoClose => status == Resolved,
    }
}

/// Whether `actor` may attempt `step` on `case` at all, whatever the command carries: the
/// role, then whether the state allows the step, then the relation, in `apply`'s order. An
/// edge asks this before it reads the body, so a caller without the right learns that (403),
/// or that the case has moved on (409), before anything about what they sent.
pub fn may_attempt(case: &Case, step: Step, actor: &Actor) -> Result<(), CaseError> {
    if !role_may(actor.role, step, case) {
        return Err(CaseError::Forbidden);
    }
    if !step_valid_in(step, case.status) {
        return Err(CaseError::InvalidTransition {
            status: case.status,
            command: step.name(),
        });
    }
    if !relation_holds(actor, case, step) {
        return Err(CaseError::Forbidden);
    }
    Ok(())
}

/// Whether `actor` may issue `command` on `case` now, whatever its payload: the role, the
/// state and the relation `apply` checks. What a page offers is asked here, so it offers no
/// step `apply` would refuse for these reasons.
pub fn may_issue(case: &Case, command: &Command, actor: &Actor) -> bool {
    may_attempt(case, command.step(), actor).is_ok() && valid_in(command, case.status)
}

pub fn apply(
    case: &Case,
    command: &Command,
    by: By<'_>,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Result<Transition, CaseError> {
    // Role, then state, then relation: a deputy who finds a case already taken by a colleague
    // learns that it was taken (409), which is what happened, not that it is not theirs (403).
    match by {
        By::Person(actor) => may_attempt(case, command.step(), actor)?,
        By::System if !matches!(command, Command::AutoClose | Command::Release { .. }) => {
            return Err(CaseError::Forbidden)
        }
        By::System => {}
    }
    let not_now = || CaseError::InvalidTransition {
        status: case.status,
        command: command.name(),
    };
    // Then what the command carries: a re-assignment to a department only from the queue.
    if !valid_in(command, case.status) {
        return Err(not_now());
    }
    let mut next = case.clone();
    let mut events = Vec::new();
    let mut rating = None;
    let mut resolution = None;
    // A step belongs to the round it leaves the case in; a rating judges the round it ends.
    let mut record = |kind: EventKind, text: Option<String>| {
        let round = if kind == EventKind::Rated {
            case.round()
        } else {
            0
        };
        events.push(Event::new(kind, text, round));
    };
    // Accepting, declining, replying and handing on all count as the first answer.
    let answer = |next: &mut Case| {
        next.first_response_at.get_or_insert(now);
    };

    match command {
        Command::Accept => {
            next.status = Accepted;
            if let By::Person(actor) = by {
                if actor.role == Role::Deputy {
                    next.scope.assignee_id = actor.deputy_id;
                }
            }
            answer(&mut next);
            record(EventKind::Accepted, None);
        }
        Command::Decline { reason } => {
            let reason = text::content("reason", reason)?;
            next.status = Declined;
            next.closed_at = Some(now);
            answer(&mut next);
            record(EventKind::Declined, Some(reason));
        }
        Command::Reply { content } => {
            let content = text::content("content", content)?;
            answer(&mut next);
            record(EventKind::Replied, Some(content));
        }
        Command::Assign {
            department_id,
            resolve_by,
            note,
        } => {
            let note = note
                .as_deref()
                .map(|n| text::content("note", n))
                .transpose()?;
            if let Some(deadline) = resolve_by {
                next.resolve_by = future("resolve_by", *deadline, now)?;
            }
            next.status = Assigned;
            next.scope.department_id = Some(*department_id);
            answer(&mut next);
            record(EventKind::Assigned, note);
        }
        Command::Handle { content } => {
            let content = text::content("content", content)?;
            next.status = Handled;
            record(EventKind::Handled, Some(content));
        }
        Command::Urge { note } => {
            let note = text::content("note", note)?;
            record(EventKind::Urged, Some(note));
        }
        Command::Reassign {
            to: ReassignTo::Department { id, resolve_by },
        } => {
            let Some(deadline) = resolve_by else {
                return Err(Invalid::one(
                    "resolve_by",
                    "required",
                    "a re-assignment to a department needs a new deadline",
                )
                .into());
            };
            next.resolve_by = future("resolve_by", *deadline, now)?;
            next.status = Assigned;
            next.scope.department_id = Some(*id);
            // Handed on like any assignment: the resident and the department hear of it.
            record(EventKind::Assigned, None);
        }
        Command::Reassign {
            to: ReassignTo::Deputy { id, instructions },
        } => {
            let instructions = instructions
                .as_deref()
                .map(|i| text::content("instructions", i))
                .transpose()?;
            if case.status == Reopened {
                let Some(instructions) = instructions else {
                    return Err(Invalid::one(
                        "instructions",
                        "required",
                        "a deputy given a new round needs instructions",
                    )
                    .into());
                };
                // The round is the deputy's own: no department carries it over.
                next.status = Accepted;
                next.scope.department_id = None;
                next.scope.assignee_id = Some(*id);
                record(EventKind::Reassigned, Some(instructions));
            } else {
                if case.scope.assignee_id == Some(*id) {
                    return Err(Invalid::one(
                        "deputy_id",
                        "unchanged",
                        "the case is already with this deputy",
                    )
                    .into());
                }
                next.scope.assignee_id = Some(*id);
                record(EventKind::Reassigned, instructions);
            }
        }
        Command::Note { content } => {
            let content = text::content("content", content)?;
            record(EventKind::Noted, Some(content));
        }
        Command::Resolve {
            summary,
            outcome,
            planned_on,
            reason,
        } => {
            let summary = text::content("summary", summary);
            let parsed =
                Resolution::parse(*outcome, *planned_on, reason.as_deref(), now.date_naive());
            let (summary, parsed) = match (summary, parsed) {
                (Ok(summary), Ok(parsed)) => (summary, parsed),
                (summary, parsed) => {
                    return Err(Invalid::merge([summary.err(), parsed.err()]).into());
                }
            };
            next.status = Resolved;
            next.resolved_at = Some(now);
            record(EventKind::Resolved, Some(summary));
            resolution = Some(parsed);
        }
        Command::Rate {
            rating: given,
            comment,
        } => {
            let comment = text::comment(comment.as_deref().unwrap_or(""))?;
            record(EventKind::Rated, Some(given.as_str().to_owned()));
            rating = Some((*given, comment));
            if *given == Rating::Unsatisfied {
                // 重新交办: into the re-assignment queue, with a fresh deadline running while
                // it waits there and for the next round's work.
                next.status = Reopened;
                next.resolved_at = None;
                next.reopen_count += 1;
                next.resolve_by = now + case.resolve_within;
                record(EventKind::Reopened, None);
                if next.reopen_count > rules.reopen_limit && !case.escalated {
                    next.escalated = true;
                    record(EventKind::Escalated, None);
                }
            } else {
                next.status = Closed;
                next.closed_at = Some(now);
                record(EventKind::Closed, None);
            }
        }
        Command::Release { reason } => {
            if case.scope.assignee_id.is_none() {
                return Err(not_now());
            }
            // Only the deputy goes: the status stays, so a case handed to a department keeps
            // its department, and an accepted one keeps its first answer. Unassigned, it waits
            // in the station queue, where any deputy of the station acts on it (as
            // `acts_as_deputy` allows) and its admins may reassign it.
            let reason = text::content("reason", reason)?;
            next.scope.assignee_id = None;
            record(EventKind::Released, Some(reason));
        }
        Command::AutoClose => {
            let due = case.resolved_at.map(|at| at + rules.close_unrated_after);
            if due.is_none_or(|due| now < due) {
                return Err(not_now());
            }
            next.status = Closed;
            next.closed_at = Some(now);
            record(
                EventKind::Closed,
                Some("closed without a rating".to_owned()),
            );
        }
    }
    for event in &mut events {
        if event.round == 0 {
            event.round = next.round();
        }
        if event.kind == EventKind::Resolved {
            event.resolution.clone_from(&resolution);
        }
        event.department = match event.kind {
            EventKind::Assigned => next.scope.department_id.map(|department_id| Handover {
                department_id,
                resolve_by: Some(next.resolve_by),
            }),
            EventKind::Handled => next.scope.department_id.map(|department_id| Handover {
                department_id,
                resolve_by: None,
            }),
            _ => None,
        };
    }
    Ok(Transition {
        case: next,
        events,
        rating,
        resolution,
    })
}

/// A deadline given with a step, which must lie ahead.
fn future(
    field: &str,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, Invalid> {
    if deadline <= now {
        return Err(Invalid::one(
            field,
            "in_past",
            format!("{field} must be in the future"),
        ));
    }
    Ok(deadline)
}

/// Every command with a sample payload, in the order the docs list them.
pub fn sample_commands() -> Vec<Command> {
    vec![
        Command::Accept,
        Command::Decline {
            reason: "信访事项，请走信访渠道".to_owned(),
        },
        Command::Reply {
            content: "已收到".to_owned(),
        },
        Command::Assign {
            department_id: 3,
            resolve_by: None,
            note: None,
        },
        Command::Handle {
            content: "已修复".to_owned(),
        },
        Command::Urge {
            note: "请尽快办理".to_owned(),
        },
        Command::Reassign {
            to: ReassignTo::Deputy {
                id: 8,
                instructions: Some("请重新核实".to_owned()),
            },
        },
        Command::Note {
            content: "内部备注".to_owned(),
        },
        Command::Resolve {
            summary: "已办结".to_owned(),
            outcome: Outcome::Implemented,
            planned_on: None,
            reason: None,
        },
        Command::Rate {
            rating: Rating::Satisfied,
            comment: None,
        },
        Command::AutoClose,
        Command::Release {
            reason: "代表暂停履职".to_owned(),
        },
    ]
}

/// The state machine as a Markdown table, read off `apply` itself so the docs cannot drift:
/// for each command, who may issue it (acting on a case in their scope), in which states, and
/// where it leads.
pub fn table() -> String {
    let mut out = String::from("| command | who | in states | leads to |\n|---|---|---|---|\n");
    for command in sample_commands() {
        let mut who: Vec<&str> = Vec::new();
        let mut states: Vec<&str> = Vec::new();
        let mut leads: Vec<String> = Vec::new();
        let mut note = |name: &'static str, from: CaseStatus, to: CaseStatus| {
            if !who.contains(&name) {
                who.push(name);
            }
            if !states.contains(&from.as_str()) {
                states.push(from.as_str());
            }
            let lead = if from == to {
                "state unchanged".to_owned()
            } else {
                format!("{from} → {to}")
            };
            if !leads.contains(&lead) {
                leads.push(lead);
            }
        };
        for status in CaseStatus::ALL {
            let case = probe_case(*status);
            for variant in variants(&command) {
                for role in Role::ALL {
                    let actor = probe_actor(*role);
                    if let Ok(t) = apply(
                        &case,
                        &variant,
                        By::Person(&actor),
                        probe_now(),
                        &PROBE_RULES,
                    ) {
                        note(role.as_str(), *status, t.case.status);
                    }
                }
                if let Ok(t) = apply(&case, &variant, By::System, probe_now(), &PROBE_RULES) {
                    note("system", *status, t.case.status);
                }
            }
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            command.name(),
            who.join(", "),
            states.join(", "),
            leads.join("; ")
        ));
    }
    out
}

/// The payloads that lead different ways: a rating can close or reopen, a re-assignment go to a
/// deputy or a department.
fn variants(command: &Command) -> Vec<Command> {
    match command {
        Command::Reassign { to } => vec![
            Command::Reassign { to: to.clone() },
            Command::Reassign {
                to: ReassignTo::Department {
                    id: 3,
                    resolve_by: Some(probe_now() + Duration::days(10)),
                },
            },
        ],
        Command::Rate { comment, .. } => [Rating::Satisfied, Rating::Unsatisfied]
            .into_iter()
            .map(|rating| Command::Rate {
                rating,
                comment: comment.clone(),
            })
            .collect(),
        other => vec![other.clone()],
    }
}

const PROBE_RULES: Rules = Rules {
    reopen_limit: 2,
    close_unrated_after: Duration::days(7),
};

fn probe_now() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000)
}

/// A case in `status`, in everybody's scope, long resolved so that it may be closed.
pub(crate) fn probe_case(status: CaseStatus) -> Case {
    Case {
        status,
        scope: Scope {
            station_id: 10,
            county_id: 1,
            resident_id: 100,
            assignee_id: Some(7),
            department_id: Some(3),
        },
        reopen_count: 0,
        escalated: false,
        resolve_by: probe_now() + Duration::days(10),
        resolve_within: Duration::days(15),
        first_response_at: None,
        resolved_at: Some(probe_now() - Duration::days(30)),
        closed_at: None,
        for_visitor: false,
        reassign_by: ReassignBy::County,
    }
}

/// An actor of `role` for whom the probe case is in scope (the deputy is its assignee).
pub(crate) fn probe_actor(role: Role) -> Actor {
    Actor {
        user_id: if role == Role::Resident { 100 } else { 200 },
        role,
        county_id: (role != Role::Resident).then_some(1),
        station_ids: if role == Role::Deputy || role.runs_stations() {
            vec![10]
        } else {
            vec![]
        },
        township_id: (role == Role::TownshipAdmin).then_some(5),
        department_id: (role == Role::Handler).then_some(3),
        deputy_id: (role == Role::Deputy).then_some(7),
    }
}

#[cfg(test)]
mod tests;

//! Turning a stored case into what a given caller may see of it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use liaison_domain::actor::{Actor, Role};
use liaison_domain::case::access::{sees_contact, sees_flags, sees_identity, sees_internal};
use liaison_domain::case::deadline::is_overdue;
use liaison_domain::case::light::{light, YellowAt};
use liaison_domain::case::machine::sample_commands;
use liaison_domain::case::{may_issue, Command, EventKind};
use liaison_domain::text::mask_name;
use liaison_domain::{phone, policy};
use liaison_infra::entities::{cases, users};
use liaison_infra::store::cases::rules::{clocks_of, scope_of};
use liaison_infra::store::cases::{self as store, events};

use super::actions::to_domain;
use super::appraisal::is_rated;
use super::dto::{CaseDetail, CaseSummary, Event, Person};
use super::submit;
use super::Cases;
use crate::app_error::{AppError, AppResult};
use crate::attachments::service::of_case;

/// What residents see instead of the name of an anonymous author.
const ANONYMOUS: &str = "匿名群众";

pub fn summary(
    case: &cases::Model,
    actor: &Actor,
    now: DateTime<Utc>,
    yellow_at: YellowAt,
) -> CaseSummary {
    let overdue = is_overdue(
        *case.status,
        case.respond_by,
        case.resolve_by,
        case.first_response_at,
        now,
    );
    let light = light(&clocks_of(case), yellow_at, now).map(|l| l.as_str().to_owned());
    CaseSummary {
        id: case.id,
        number: case.number.clone(),
        status: case.status.as_str().to_owned(),
        station_id: case.station_id,
        category_id: case.category_id,
        title: case.title.clone(),
        location: case.location.clone(),
        anonymous: case.anonymous,
        assignee_id: case.assignee_id,
        department_id: case.department_id,
        respond_by: case.respond_by,
        resolve_by: case.resolve_by,
        overdue,
        light,
        flagged: case.flagged && sees_flags(actor),
        reopen_count: case.reopen_count,
        escalated: case.escalated,
        rating: case.rating.map(|r| r.as_str().to_owned()),
        channel: case.channel.as_str().to_owned(),
        created_at: case.created_at,
        updated_at: case.updated_at,
    }
}

/// The case as `actor` may see it. `resident` is the resident who raised it when the caller
/// already read them with the case; otherwise they are read here if the actor may see them.
pub async fn detail(
    cases: &Cases<'_>,
    actor: &Actor,
    case: cases::Model,
    resident: Option<users::Model>,
) -> AppResult<CaseDetail> {
    let scope = scope_of(&case);
    let shows_identity = sees_identity(actor, &scope, case.anonymous);
    let events: Vec<Event> = events::timeline(cases.db, case.id, sees_internal(actor))
        .await?
        .into_iter()
        .map(|e| {
            let hidden_author = e.actor_role == Role::Resident.as_str() && !shows_identity;
            Event {
                id: e.id,
                kind: e.kind.as_str().to_owned(),
                actor_name: if hidden_author {
                    ANONYMOUS.to_owned()
                } else {
                    e.actor_name
                },
                actor_role: e.actor_role,
                text: e.text,
                internal: e.internal,
                round: e.round,
                outcome: e.outcome.map(|o| o.as_str().to_owned()),
                planned_on: e.planned_on,
                outcome_reason: e.outcome_reason,
                created_at: e.created_at,
            }
        })
        .collect();
    // Until a visitor claims their case, the one who raised it is the staff member who
    // recorded it: the visitor, not they, is whom the case is about.
    let for_visitor = case.for_visitor();
    let rating_recorded_by_staff = events
        .iter()
        .any(|e| e.kind == EventKind::Rated.as_str() && e.actor_role != Role::Resident.as_str());
    let resident = match (shows_identity && !for_visitor, resident) {
        (false, _) => None,
        (true, Some(user)) => Some(user),
        (true, None) => store::resident(cases.db, case.resident_id).await?,
    }
    .map(|user| Person {
        id: user.id,
        name: user.name,
    });
    let contact_phone = match &case.contact_phone {
        None => None,
        Some(sealed) => {
            let number = cases.sealer.open(sealed).map_err(AppError::internal)?;
            Some(if sees_contact(actor, &scope) {
                number
            } else {
                phone::mask(&number)
            })
        }
    };
    let visitor_name = match &case.visitor_name {
        None => None,
        Some(sealed) => {
            let name = cases.sealer.open(sealed).map_err(AppError::internal)?;
            Some(if sees_contact(actor, &scope) {
                name
            } else {
                mask_name(&name)
            })
        }
    };
    let staff = policy::may_record_cases(actor.role);
    let receipt = (for_visitor && staff).then(|| submit::receipt(cases, case.id));
    let reception_id = case.reception_id.filter(|_| staff);
    let attachments = of_case(cases.db, case.id, cases.base_url).await?;
    let department_rated = is_rated(cases, &case).await?;
    Ok(CaseDetail {
        summary: summary(&case, actor, chrono::Utc::now(), cases.yellow_at),
        content: case.content,
        resident,
        contact_phone,
        visitor_name,
        claimed_at: case.claimed_at,
        receipt,
        reception_id,
        rating_recorded_by_staff,
        rating_comment: case.rating_comment,
        outcome: case.outcome.map(|o| o.as_str().to_owned()),
        planned_on: case.planned_on,
        outcome_reason: case.outcome_reason,
        department_rated,
        publishable: case.publishable,
        attachments,
        events,
    })
}

/// The names of the stations and categories a list of cases refers to by id, read through the
/// reference cache: what a page shows instead of the ids.
pub struct Names {
    stations: HashMap<i64, String>,
    categories: HashMap<i64, String>,
}

impl Names {
    pub fn station(&self, id: i64) -> &str {
        self.stations.get(&id).map_or("", String::as_str)
    }

    pub fn category(&self, id: i64) -> &str {
        self.categories.get(&id).map_or("", String::as_str)
    }
}

pub async fn names(cases: &Cases<'_>, summaries: &[&CaseSummary]) -> AppResult<Names> {
    let mut names = Names {
        stations: HashMap::new(),
        categories: HashMap::new(),
    };
    for case in summaries {
        if !names.stations.contains_key(&case.station_id) {
            if let Some(station) = cases.reference.station(cases.db, case.station_id).await? {
                names.stations.insert(station.id, station.name);
            }
        }
        if !names.categories.contains_key(&case.category_id) {
            if let Some(category) = cases.reference.category(cases.db, case.category_id).await? {
                names.categories.insert(category.id, category.name);
            }
        }
    }
    Ok(names)
}

/// The steps `actor` may take on the case now, by command name, as the domain's machine says:
/// what a page offers, so that it offers nothing the machine would refuse.
pub async fn steps(
    cases: &Cases<'_>,
    actor: &Actor,
    case: &cases::Model,
) -> AppResult<Vec<&'static str>> {
    let domain_case = to_domain(cases, case).await?;
    Ok(sample_commands()
        .iter()
        .filter(|command| may_issue(&domain_case, command, actor))
        .map(Command::name)
        .collect())
}

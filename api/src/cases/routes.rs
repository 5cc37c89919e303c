//! `/cases`: raising a case, the queue, a case with its timeline, and every step.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use liaison_domain::case::{Command, Outcome, Rating, ReassignTo, Step};
use liaison_domain::Invalid;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{
    AssignBody, CaseDetail, CaseFilter, CaseSummary, Claim, ContentBody, DeclineBody,
    DepartmentRatingBody, NewCase, RateBody, ReassignBody, ResolveBody, Submitted, UrgeBody,
};
use super::{access, actions, appraisal, claim as claiming, queue, submit, view};
use crate::auth::{Caller, UnnamedCaller};
use crate::error::responses::{
    BadRequest, Conflict, Forbidden, NotFound, TooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Deferred;
use crate::pagination::{PageQuery, Paged};
use crate::state::AppState;
use liaison_domain::policy::Writes;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create)
        .service(claim)
        .service(list)
        .service(get)
        .service(accept)
        .service(decline)
        .service(reply)
        .service(assign)
        .service(handle)
        .service(urge)
        .service(reassign)
        .service(note)
        .service(resolve)
        .service(rate)
        .service(department_rating);
}

/// Raises a case at a station (residents). With an `Idempotency-Key` header, a retry with the
/// same key and body answers the first answer (with `Idempotent-Replayed: true`); the same key
/// with another body answers 422.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–128 visible ASCII characters")),
    request_body = NewCase,
    responses(
        (status = 201, description = "Raised: the number, and who it reached", body = Submitted,
            headers(("Location" = String, description = "The case's URL"))),
        BadRequest, Unauthorized, Forbidden, TooLarge, UnsupportedMediaType, Unprocessable,
    )
)]
#[post("/cases")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: Deferred<NewCase>,
) -> ApiResult<HttpResponse> {
    caller.gate(Writes::Case)?;
    let key = req
        .headers()
        .get("Idempotency-Key")
        // Read lossily: a key with bytes outside visible ASCII is then refused by name (422).
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let outcome = submit::submit(
        &state.cases(),
        &caller.actor,
        &caller.name,
        body.open()?,
        key.as_deref(),
    )
    .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/cases/{}", outcome.submitted.id),
    ));
    if outcome.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.json(outcome.submitted))
}

/// The caller's queue: exactly the cases its role may see, filtered and paged.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(CaseFilter, PageQuery),
    responses((status = 200, body = Paged<CaseSummary>), BadRequest, Unauthorized, Unprocessable)
)]
#[get("/cases")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<CaseFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<CaseSummary>>> {
    let limit = page.page_limit()?;
    let cases = queue::list(
        &state.db,
        &caller.actor,
        state.yellow_at,
        &filter,
        limit,
        page.cursor.as_deref(),
    )
    .await?;
    Ok(web::Json(cases))
}

/// A visitor takes over the case staff recorded for them, by the claim code on its receipt;
/// answers the case as they now see it.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = Claim,
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound,
        Conflict, UnsupportedMediaType, Unprocessable)
)]
#[post("/cases/claim")]
async fn claim(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<Claim>,
) -> ApiResult<web::Json<CaseDetail>> {
    caller.gate(Writes::CaseClaim)?;
    let claim_code = body.open()?.claim_code;
    let cases = state.cases();
    let id = claiming::claim(&cases, &caller.actor, &caller.name, &claim_code).await?;
    let (case, resident) = access::find_visible_with_resident(&state.db, &caller.actor, id).await?;
    let detail = view::detail(&cases, &caller.actor, case, resident).await?;
    Ok(web::Json(detail))
}

/// A case with its timeline, as much as the caller may see.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, NotFound)
)]
#[get("/cases/{id}")]
async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<CaseDetail>> {
    let (case, resident) =
        access::find_visible_with_resident(&state.db, &caller.actor, id.into_inner()).await?;
    let detail = view::detail(&state.cases(), &caller.actor, case, resident).await?;
    Ok(web::Json(detail))
}

/// Issues a command and answers the case as it now stands.
async fn step(
    state: &AppState,
    caller: &Caller,
    case_id: i64,
    step: Step,
    command: impl FnOnce() -> ApiResult<Command>,
) -> ApiResult<web::Json<CaseDetail>> {
    let cases = state.cases();
    // Whether the caller may take the step at all comes before anything about the body.
    let attempt = actions::attempt(&cases, &caller.actor, case_id, step).await?;
    let case = attempt
        .issue(&cases, &caller.actor, &caller.name, command()?)
        .await?;
    let detail = view::detail(&cases, &caller.actor, case, None).await?;
    Ok(web::Json(detail))
}

/// Takes the case on (deputy, station admin).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound, Conflict)
)]
#[post("/cases/{id}/accept")]
async fn accept(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<web::Json<CaseDetail>> {
    step(&state, &caller, id.into_inner(), Step::Accept, || {
        Ok(Command::Accept)
    })
    .await
}

/// Declines the case as out of scope, with the reason and the right channel; closes it.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = DeclineBody,
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable)
)]
#[post("/cases/{id}/decline")]
async fn decline(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<DeclineBody>,
) -> ApiResult<web::Json<CaseDetail>> {
    step(&state, &caller, id.into_inner(), Step::Decline, move || {
        Ok(Command::Decline {
            reason: body.open()?.reason,
        })
    })
    .await
}

/// Answers the resident (deputy, station admin, handler of the case's department).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = ContentBody,
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable)
)]
#[post("/cases/{id}/reply")]
async fn reply(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<ContentBody>,
) -> ApiResult<web::Json<CaseDetail>> {
    step(&state, &caller, id.into_inner(), Step::Reply, move || {
        Ok(Command::Reply {
            content: body.open()?.content,
        })
    })
    .await
}

/// Hands the case to a department with a deadline (deputy, station admin, county admin).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = AssignBody,
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable)
)]
#[post("/cases/{id}/assign")]
async fn assign(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<AssignBody>,
) -> ApiResult<web::Json<CaseDetail>> {
    step(&state, &caller, id.into_inner(), Step::Assign, move || {
        let body = body.open()?;
        Ok(Command::Assign {
            department_id: body.department_id,
            resolve_by: body.resolve_by,
            note: body.note,
        })
    })
    .await
}

/// The department's report back (handler of the assigned department).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = ContentBody,
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable)
)]
#[post("/cases/{id}/handle")]
async fn handle(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<ContentBody>,
) -> ApiResult<web::Json<CaseDetail>> {
    step(&state, &caller, id.into_inner(), Step::Handle, move || {
        Ok(Command::Handle {
            content: body.open()?.content,
        })
    })
    .await
}

/// Presses a case (督办; station admin, county admin). Internal: the resident does not see it.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = UrgeBody,
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable)
)]
#[post("/cases/{id}/urge")]
async fn urge(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<UrgeBody>,
) -> ApiResult<web::Json<CaseDetail>> {
    step(&state, &caller, id.into_inner(), Step::Urge, move || {
        Ok(Command::Urge {
            note: body.open()?.note,
        })
    })
    .await
}

/// Re-assigns the case. In progress: to another deputy of its station (station admin, county
/// admin). In the re-assignment queue (`reopened`, after an unsatisfied rating; the queue is
/// `GET /cases?status=reopened`): the next round, to a department with a new `resolve_by` or
/// to a deputy of the station with `instructions`, by the queue's admins (the county's). A
/// department for a case not in the queue: 409.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = ReassignBody,
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable)
)]
#[post("/cases/{id}/reassign")]
async fn reassign(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<ReassignBody>,
) -> ApiResult<web::Json<CaseDetail>> {
    step(
        &state,
        &caller,
        id.into_inner(),
        Step::Reassign,
        move || {
            Ok(Command::Reassign {
                to: reassign_to(body.open()?)?,
            })
        },
    )
    .await
}

/// Where the body sends the case: a deputy or a department, never both, with only the
/// details that go with it.
pub(crate) fn reassign_to(body: ReassignBody) -> Result<ReassignTo, Invalid> {
    let unexpected = |field: &str, with: &str| {
        Invalid::one(
            field,
            "not_expected",
            format!("{field} does not go with {with}"),
        )
    };
    match (body.deputy_id, body.department_id) {
        (Some(id), None) if body.resolve_by.is_none() => Ok(ReassignTo::Deputy {
            id,
            instructions: body.instructions,
        }),
        (Some(_), None) => Err(unexpected("resolve_by", "deputy_id")),
        (None, Some(id)) if body.instructions.is_none() => Ok(ReassignTo::Department {
            id,
            resolve_by: body.resolve_by,
        }),
        (None, Some(_)) => Err(unexpected("instructions", "department_id")),
        _ => Err(Invalid::one(
            "deputy_id",
            "one_of",
            "name either deputy_id or department_id",
        )),
    }
}

/// An internal note on the case (staff in scope). The resident never sees it.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = ContentBody,
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable)
)]
#[post("/cases/{id}/note")]
async fn note(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<ContentBody>,
) -> ApiResult<web::Json<CaseDetail>> {
    step(&state, &caller, id.into_inner(), Step::Note, move || {
        Ok(Command::Note {
            content: body.open()?.content,
        })
    })
    .await
}

/// Records the work as done, with a summary and its outcome (deputy, station admin); the
/// resident sees both on the timeline.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = ResolveBody,
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable)
)]
#[post("/cases/{id}/resolve")]
async fn resolve(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<ResolveBody>,
) -> ApiResult<web::Json<CaseDetail>> {
    step(&state, &caller, id.into_inner(), Step::Resolve, move || {
        let body = body.open()?;
        Ok(Command::Resolve {
            outcome: Outcome::parse(&body.outcome)?,
            summary: body.summary,
            planned_on: body.planned_on,
            reason: body.reason,
        })
    })
    .await
}

/// The resident's rating of a resolved case; `unsatisfied` sends it back to work (重新交办).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = RateBody,
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable)
)]
#[post("/cases/{id}/rate")]
async fn rate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Deferred<RateBody>,
) -> ApiResult<web::Json<CaseDetail>> {
    step(&state, &caller, id.into_inner(), Step::Rate, move || {
        let RateBody { rating, comment } = body.open()?;
        Ok(Command::Rate {
            rating: Rating::parse(&rating)?,
            comment,
        })
    })
    .await
}

/// The case's deputy rates the department's handling of a resolved round (承办单位测评), once
/// per round. Anonymous: stored without the deputy, and no answer says who rated.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = DepartmentRatingBody,
    responses((status = 200, body = CaseDetail), BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable)
)]
#[post("/cases/{id}/department-rating")]
async fn department_rating(
    state: web::Data<AppState>,
    caller: UnnamedCaller,
    id: web::Path<i64>,
    body: Deferred<DepartmentRatingBody>,
) -> ApiResult<web::Json<CaseDetail>> {
    let UnnamedCaller(caller) = caller;
    let cases = state.cases();
    let ratable = appraisal::ratable(&cases, &caller.actor, id.into_inner()).await?;
    let rating = Rating::parse(&body.open()?.rating)?;
    let case = ratable.rate(&cases, rating).await?;
    let detail = view::detail(&cases, &caller.actor, case, None).await?;
    Ok(web::Json(detail))
}

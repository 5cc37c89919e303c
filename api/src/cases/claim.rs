//! A visitor taking over the case staff recorded for them: the receipt's claim code, scanned in
//! the mini-program, makes them the case's resident, who follows and rates it from then on.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::case::machine::{self, Event};
use liaison_domain::case::{channel, EventKind};
use liaison_domain::policy::{self, Writes};
use liaison_infra::store::cases::events::{self, Author};
use liaison_infra::store::cases::{self as store};
use sea_orm::TransactionTrait;
use secrecy::ExposeSecret;

use super::Cases;
use crate::app_error::{AppError, AppResult, Conflict};
use crate::notifications;

/// Makes `actor` the resident of the case `claim_code` names; answers its id. A code that is
/// not ours (forged, altered, mistyped) names no case: 404; a case already claimed: 409.
pub async fn claim(
    cases: &Cases<'_>,
    actor: &Actor,
    actor_name: &str,
    claim_code: &str,
) -> AppResult<i64> {
    if !policy::may_write(actor.role, Writes::CaseClaim) {
        return Err(AppError::Forbidden(
            "visitors claim their case in the mini-program",
        ));
    }
    let secret = cases.scene_secret.expose_secret().as_bytes();
    let case_id =
        channel::claimed_case(claim_code.trim(), secret).ok_or(AppError::NotFound("case"))?;
    let now = Utc::now();
    let txn = cases.db.begin().await?;
    if !store::claim(&txn, case_id, actor.user_id, now).await? {
        let exists = store::find(&txn, case_id).await?.is_some();
        return Err(match exists {
            true => Conflict::Claimed.into(),
            false => AppError::NotFound("case"),
        });
    }
    let author = Author {
        actor_id: Some(actor.user_id),
        role: actor.role.as_str(),
        name: actor_name,
    };
    let case = store::find(&txn, case_id)
        .await?
        .ok_or(AppError::NotFound("case"))?;
    let reopened = u32::try_from(case.reopen_count).unwrap_or(0);
    let claimed = Event::new(EventKind::Claimed, None, machine::round(reopened));
    events::append(&txn, case_id, author, &[claimed], now).await?;
    let news = notifications::tell(
        &txn,
        &cases.notifier,
        &case,
        &[EventKind::Claimed],
        Some(actor.user_id),
        now,
    )
    .await?;
    txn.commit().await?;
    news.announce(&cases.notifier);
    tracing::info!(case_id, "case claimed by its visitor");
    Ok(case_id)
}

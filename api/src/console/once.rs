//! A form that creates does its work once, however often it is posted: a double click, a
//! reload of the answer, the back button and the button again. Each such form carries a
//! random value; its first post claims the value in the state the nodes share (so a second
//! post to another node sees the claim) and does the work; a later post of the same value is
//! answered as the first was, with the page the work leads to. A claim whose work did not
//! succeed is released, so that the form, corrected, can be sent again.

use std::future::Future;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use liaison_domain::FieldError;
use rand::RngCore;

use super::error::ConsoleResult;
use super::session::Staff;
use crate::app_error::AppError;
use crate::state::AppState;

/// The form field that carries the value.
pub const FIELD: &str = "once";
/// As long as a session can last: no form of it is older.
const KEPT: Duration = Duration::from_secs(12 * 3600);
const CLAIMED: &str = "1";

/// What a form's work came to.
#[derive(Debug)]
pub enum Outcome {
    /// Done, now or by an earlier post of the same form.
    Done,
    /// Not done: the form again, with these errors by their fields.
    Refused(Vec<FieldError>),
}

/// A fresh value for a form.
pub fn fresh() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Runs `work` unless this form was posted before (then answers `Done` without it).
pub async fn once(
    state: &AppState,
    staff: &Staff,
    value: &str,
    work: impl Future<Output = ConsoleResult<Outcome>>,
) -> ConsoleResult<Outcome> {
    if value.is_empty() {
        // The CSRF token already proved the form is ours; one without a value (a page
        // rendered before forms had one) is done as it always was.
        return work.await;
    }
    let key = key(staff, value);
    let first = state
        .shared
        .set_if_absent(&key, CLAIMED, KEPT)
        .await
        .map_err(AppError::from)?;
    if !first {
        tracing::info!("a form posted again was not done twice");
        return Ok(Outcome::Done);
    }
    let outcome = work.await;
    if !matches!(outcome, Ok(Outcome::Done)) {
        if let Err(error) = state.shared.delete_if_equals(&key, CLAIMED).await {
            // The claim expires by itself; until then the same form says it is done.
            tracing::warn!(%error, "a refused form's claim could not be released");
        }
    }
    outcome
}

fn key(staff: &Staff, value: &str) -> String {
    format!("console:once:{}:{value}", staff.session)
}

/// Keeps `answer` (sealed, if secret) as what form `value` came to, for a later post of the
/// same form to answer as the first did: a new webhook's secret, shown once.
pub async fn remember(
    state: &AppState,
    staff: &Staff,
    value: &str,
    answer: &str,
) -> ConsoleResult<()> {
    if value.is_empty() {
        return Ok(());
    }
    let key = key(staff, value);
    state
        .shared
        .set_with_ttl(&key, answer, KEPT)
        .await
        .map_err(AppError::from)?;
    Ok(())
}

/// What `remember` kept for form `value`, once its work is done.
pub async fn remembered(
    state: &AppState,
    staff: &Staff,
    value: &str,
) -> ConsoleResult<Option<String>> {
    if value.is_empty() {
        return Ok(None);
    }
    let kept = state.shared.get(&key(staff, value)).await;
    Ok(kept
        .map_err(AppError::from)?
        .filter(|answer| answer != CLAIMED))
}

/// What a use-case's answer comes to for a form: done, or refused by its fields (any other
/// error is the page's).
pub fn outcome<T>(result: crate::app_error::AppResult<T>) -> ConsoleResult<Outcome> {
    match result {
        Ok(_) => Ok(Outcome::Done),
        Err(error) => Ok(Outcome::Refused(super::form::refused(error)?)),
    }
}

//! Storing uploaded photos, handing them to those who may see them, and tying them to a case.
//!
//! An attachment is born without a case; only its uploader sees it then. A case claims it once,
//! inside the case's own transaction, and from then on whoever may see the case sees it.

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use actix_web::{web, ResponseError};
use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::{FieldError, Invalid};
use liaison_infra::entities::attachments;
use liaison_infra::files::{self, FileError, Store};
use liaison_infra::rate_limit::Decision;
use sea_orm::sea_query::{Condition, Expr, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

// Re-exported: the cases module shows attachments through this module.
pub use super::dto::Attachment;
use crate::cases::access::find_visible;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The largest file accepted, in bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The most photos one case may carry.
pub const MAX_PER_CASE: usize = 9;

/// The request field that names attachments when a case is raised.
const IDS_FIELD: &str = "attachment_ids";

/// The answer for a file that is not a JPEG, PNG or WebP image by its bytes, whatever its name
/// and declared type.
fn unsupported_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "the file is not a JPEG, PNG or WebP image",
    )
}

/// Uploads one person may make per hour: enough for many cases of nine photos, too few to fill
/// the disk.
const UPLOADS_PER_HOUR: u64 = 100;

/// How long a photo may wait for its case before housekeeping removes it.
pub const UNCLAIMED_FOR: chrono::Duration = chrono::Duration::hours(24);

/// Keeps `bytes` (a whole uploaded file) as an attachment of `actor`, without location
/// metadata, and describes it.
pub async fn upload(state: &AppState, actor: &Actor, bytes: Vec<u8>) -> ApiResult<Attachment> {
    let key = format!("upload:user:{}", actor.user_id);
    let hour = std::time::Duration::from_secs(3600);
    if let Decision::Limited { retry_after } =
        state.limiter.check(&key, UPLOADS_PER_HOUR, hour).await
    {
        return Err(ApiError::too_many_requests(retry_after));
    }
    let kind = files::sniff(&bytes).ok_or_else(unsupported_type)?;
    let store = Store::in_data_dir(&state.settings.data_dir);
    let (storage_key, size) = {
        let store = store.clone();
        web::block(move || {
            let stripped = files::strip_location(kind, bytes)?;
            let key = store.save(&stripped)?;
            Ok::<_, FileError>((key, stripped.len()))
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(from_file_error)?
    };
    let inserted = attachments::ActiveModel {
        uploader_id: Set(actor.user_id),
        case_id: Set(None),
        content_type: Set(kind.content_type().to_owned()),
        size: Set(i64::try_from(size).map_err(ApiError::internal)?),
        storage_key: Set(storage_key.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await;
    match inserted {
        Ok(model) => Ok(Attachment::new(model, &state.settings.public_base_url)),
        Err(error) => {
            // No row will ever name the file: remove it rather than leave an orphan on disk.
            // Failing to remove it is logged; the answer is about the database error.
            let removed = web::block(move || store.remove(&storage_key))
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| e.to_string()));
            if let Err(error) = removed {
                tracing::warn!(error, "could not remove the file of a failed upload");
            }
            Err(error.into())
        }
    }
}

/// The file of attachment `id` and its media type, if `actor` may see it: its uploader while no
/// case has claimed it, then whoever may see the case. Anything else is not found.
pub async fn download(state: &AppState, actor: &Actor, id: i64) -> ApiResult<(Vec<u8>, String)> {
    let not_found = || ApiError::not_found("attachment");
    let attachment = attachments::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    match attachment.case_id {
        None if attachment.uploader_id != actor.user_id => return Err(not_found()),
        None => {}
        Some(case_id) => {
            find_visible(&state.db, actor, case_id)
                .await
                .map_err(|e| match e.status_code() {
                    // Same answer as for an absent attachment, naming no case.
                    StatusCode::NOT_FOUND => not_found(),
                    _ => e,
                })?;
        }
    }
    let store = Store::in_data_dir(&state.settings.data_dir);
    let key = attachment.storage_key;
    let bytes = web::block(move || store.read(&key))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok((bytes, attachment.content_type))
}

/// Ties the attachments `ids` to case `case_id`, for a case that `uploader_id` raises. Runs on
/// the case's transaction, so an error here undoes the whole case.
///
/// Duplicates count once. An id that does not exist and one uploaded by someone else answer
/// the same (`unknown`), so ids cannot be probed; one already claimed answers `already_used`.
/// The update itself re-checks every condition, so two cases racing for one photo cannot both
/// get it: the loser answers `already_used`.
pub async fn claim(
    db: &impl ConnectionTrait,
    uploader_id: i64,
    case_id: i64,
    ids: &[i64],
) -> ApiResult<()> {
    let ids: BTreeSet<i64> = ids.iter().copied().collect();
    if ids.is_empty() {
        return Ok(());
    }
    let too_many = || {
        ApiError::invalid_field(
            IDS_FIELD,
            "too_many",
            format!("a case carries at most {MAX_PER_CASE} photos"),
        )
    };
    if ids.len() > MAX_PER_CASE {
        return Err(too_many());
    }
    // All or nothing in one statement: the photos are tied only if every one of them is this
    // uploader's and free, so nothing is written on a refusal. Only a refusal reads the photos
    // again, to say what was wrong.
    let free = || {
        Condition::all()
            .add(attachments::Column::Id.is_in(ids.iter().copied()))
            .add(attachments::Column::CaseId.is_null())
            .add(attachments::Column::UploaderId.eq(uploader_id))
    };
    let qualifying = Query::select()
        .expr(Expr::col(attachments::Column::Id).count())
        .from(attachments::Entity)
        .cond_where(free())
        .to_owned();
    let wanted = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    let claimed = attachments::Entity::update_many()
        .col_expr(attachments::Column::CaseId, Expr::value(case_id))
        .filter(free())
        .filter(
            Expr::expr(SimpleExpr::SubQuery(
                None,
                Box::new(qualifying.into_sub_query_statement()),
            ))
            .eq(wanted),
        )
        .exec(db)
        .await?;
    if usize::try_from(claimed.rows_affected).ok() == Some(ids.len()) {
        return Ok(());
    }
    let found = attachments::Entity::find()
        .filter(attachments::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let errors: Vec<FieldError> = ids
        .iter()
        .filter_map(|&id| match found.iter().find(|a| a.id == id) {
            Some(a) if a.uploader_id == uploader_id && a.case_id.is_none() => None,
            Some(a) if a.uploader_id == uploader_id => Some(FieldError::new(
                IDS_FIELD,
                "already_used",
                format!("attachment {id} already belongs to a case"),
            )),
            _ => Some(FieldError::new(
                IDS_FIELD,
                "unknown",
                format!("attachment {id} is not one of your uploads"),
            )),
        })
        .collect();
    if errors.is_empty() {
        // The rows changed between the two statements: someone else's claim won.
        return Err(ApiError::invalid_field(
            IDS_FIELD,
            "already_used",
            "another case took one of these photos just now",
        ));
    }
    Err(Invalid(errors).into())
}

/// The photos of case `case_id`, oldest first, with URLs on `base_url` (the server's public
/// base URL). The caller has already checked that the case may be seen.
pub async fn of_case(
    db: &impl ConnectionTrait,
    case_id: i64,
    base_url: &str,
) -> ApiResult<Vec<Attachment>> {
    let found = attachments::Entity::find()
        .filter(attachments::Column::CaseId.eq(case_id))
        .order_by_asc(attachments::Column::Id)
        .all(db)
        .await?;
    Ok(found
        .into_iter()
        .map(|m| Attachment::new(m, base_url))
        .collect())
}

fn from_file_error(error: FileError) -> ApiError {
    match error {
        FileError::Malformed(_) => ApiError::invalid_field("file", "malformed", error.to_string()),
        other => ApiError::internal(other),
    }
}

/// Removes photos no case claimed within `UNCLAIMED_FOR` of `now`: rows and files. Answers how
/// many went. A file that cannot be removed is logged and its row kept, to try again later.
pub async fn purge_unclaimed(state: &AppState, now: chrono::DateTime<Utc>) -> ApiResult<usize> {
    let stale = attachments::Entity::find()
        .filter(attachments::Column::CaseId.is_null())
        .filter(attachments::Column::CreatedAt.lt(now - UNCLAIMED_FOR))
        .all(&state.db)
        .await?;
    let store = Store::in_data_dir(&state.settings.data_dir);
    let mut purged = 0;
    for attachment in stale {
        // Only while still unclaimed: a case may take it at this very moment.
        let deleted = attachments::Entity::delete_many()
            .filter(attachments::Column::Id.eq(attachment.id))
            .filter(attachments::Column::CaseId.is_null())
            .exec(&state.db)
            .await?;
        if deleted.rows_affected != 1 {
            continue;
        }
        let store = store.clone();
        let key = attachment.storage_key.clone();
        match web::block(move || store.remove(&key)).await {
            Ok(Ok(())) => purged += 1,
            Ok(Err(error)) => {
                tracing::warn!(%error, attachment_id = attachment.id, "could not remove an unclaimed photo's file")
            }
            Err(error) => {
                tracing::warn!(%error, attachment_id = attachment.id, "could not remove an unclaimed photo's file")
            }
        }
    }
    Ok(purged)
}

//! Storing uploaded photos, handing them to those who may see them, and tying them to a case.
//!
//! An attachment is born without a case; only its uploader sees it then. A case claims it once,
//! inside the case's own transaction, and from then on whoever may see the case sees it.

use std::collections::BTreeSet;

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::{FieldError, Invalid};
use liaison_infra::files::{self, FileError, Store};
use liaison_infra::rate_limit::Decision;
use liaison_infra::store::attachments as store;
use sea_orm::ConnectionTrait;

// Re-exported: the cases module shows attachments through this module.
pub use super::dto::Attachment;
use super::Attachments;
use crate::app_error::{AppError, AppResult};
use crate::cases::access::find_visible;

/// The largest file accepted, in bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The most photos one case may carry.
pub const MAX_PER_CASE: usize = 9;

/// The request field that names attachments when a case is raised.
const IDS_FIELD: &str = "attachment_ids";

/// Uploads one person may make per hour: enough for many cases of nine photos, too few to fill
/// the disk.
const UPLOADS_PER_HOUR: u64 = 100;

/// How long a photo may wait for its case before housekeeping removes it.
pub const UNCLAIMED_FOR: chrono::Duration = chrono::Duration::hours(24);

/// Keeps `bytes` (a whole uploaded file) as an attachment of `actor`, without location
/// metadata, and describes it.
pub async fn upload(
    attachments: &Attachments<'_>,
    actor: &Actor,
    bytes: Vec<u8>,
) -> AppResult<Attachment> {
    let key = format!("upload:user:{}", actor.user_id);
    let hour = std::time::Duration::from_secs(3600);
    if let Decision::Limited { retry_after } = attachments
        .limiter
        .check(&key, UPLOADS_PER_HOUR, hour)
        .await
    {
        return Err(AppError::RateLimited { retry_after });
    }
    // By the bytes alone, whatever the file's name and declared type.
    let kind = files::sniff(&bytes).ok_or(AppError::UnsupportedFile)?;
    files::check_pixels(kind, &bytes, attachments.max_pixels).map_err(from_file_error)?;
    let (storage_key, size) = {
        let files = attachments.files.clone();
        tokio::task::spawn_blocking(move || {
            let stripped = files::strip_location(kind, bytes)?;
            let key = files.save(&stripped)?;
            Ok::<_, FileError>((key, stripped.len()))
        })
        .await
        .map_err(AppError::internal)?
        .map_err(from_file_error)?
    };
    let size = i64::try_from(size).map_err(AppError::internal)?;
    let inserted = store::insert(
        attachments.db,
        actor.user_id,
        kind.content_type(),
        size,
        &storage_key,
        Utc::now(),
    )
    .await;
    match inserted {
        Ok(model) => Ok(Attachment::new(model, attachments.base_url)),
        Err(error) => {
            // No row will ever name the file: remove it rather than leave an orphan on disk.
            // Failing to remove it is logged; the answer is about the database error.
            if let Err(error) = remove_file(&attachments.files, storage_key).await {
                tracing::warn!(error, "could not remove the file of a failed upload");
            }
            Err(error.into())
        }
    }
}

/// The file of attachment `id` and its media type, if `actor` may see it: its uploader while no
/// case has claimed it, then whoever may see the case. Anything else is not found.
pub async fn download(
    attachments: &Attachments<'_>,
    actor: &Actor,
    id: i64,
) -> AppResult<(Vec<u8>, String)> {
    let not_found = || AppError::NotFound("attachment");
    let attachment = store::find(attachments.db, id)
        .await?
        .ok_or_else(not_found)?;
    match attachment.case_id {
        None if attachment.uploader_id != actor.user_id => return Err(not_found()),
        None => {}
        Some(case_id) => match find_visible(attachments.db, actor, case_id).await {
            Ok(_) => {}
            // Same answer as for an absent attachment, naming no case.
            Err(AppError::NotFound(_)) => return Err(not_found()),
            Err(error) => return Err(error),
        },
    }
    let files = attachments.files.clone();
    let key = attachment.storage_key;
    let bytes = tokio::task::spawn_blocking(move || files.read(&key))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok((bytes, attachment.content_type))
}

/// Ties the attachments `ids` to case `case_id`, for a case that `uploader_id` raises. Runs on
/// the case's transaction, so an error here undoes the whole case.
///
/// Duplicates count once. An id that does not exist and one uploaded by someone else answer
/// the same (`unknown`), so ids cannot be probed; one already claimed answers `already_used`.
/// The claim itself re-checks every condition, so two cases racing for one photo cannot both
/// get it: the loser answers `already_used`.
pub async fn claim(
    db: &impl ConnectionTrait,
    uploader_id: i64,
    case_id: i64,
    ids: &[i64],
) -> AppResult<()> {
    let ids: Vec<i64> = ids
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    if ids.len() > MAX_PER_CASE {
        return Err(AppError::invalid_field(
            IDS_FIELD,
            "too_many",
            format!("a case carries at most {MAX_PER_CASE} photos"),
        ));
    }
    // All or nothing: nothing is written on a refusal. Only a refusal reads the photos again,
    // to say what was wrong.
    if store::claim(db, uploader_id, case_id, &ids).await? {
        return Ok(());
    }
    let found = store::find_many(db, &ids).await?;
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
        return Err(AppError::invalid_field(
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
) -> AppResult<Vec<Attachment>> {
    let found = store::of_case(db, case_id).await?;
    Ok(found
        .into_iter()
        .map(|m| Attachment::new(m, base_url))
        .collect())
}

fn from_file_error(error: FileError) -> AppError {
    match error {
        FileError::Malformed(_) => AppError::invalid_field("file", "malformed", error.to_string()),
        FileError::TooManyPixels { .. } => {
            AppError::invalid_field("file", "too_many_pixels", error.to_string())
        }
        other => AppError::internal(other),
    }
}

/// Removes photos no case claimed within `UNCLAIMED_FOR` of `now`: rows and files. Answers how
/// many went. A file that cannot be removed is logged and its row kept, to try again later.
pub async fn purge_unclaimed(
    attachments: &Attachments<'_>,
    now: chrono::DateTime<Utc>,
) -> AppResult<usize> {
    let mut purged = 0;
    for attachment in store::unclaimed_before(attachments.db, now - UNCLAIMED_FOR).await? {
        if !store::delete_unclaimed(attachments.db, attachment.id).await? {
            continue;
        }
        match remove_file(&attachments.files, attachment.storage_key).await {
            Ok(()) => purged += 1,
            Err(error) => {
                tracing::warn!(
                    error,
                    attachment_id = attachment.id,
                    "could not remove an unclaimed photo's file"
                )
            }
        }
    }
    Ok(purged)
}

/// Removes the file under `key`, off the async threads; why not, when it cannot be.
async fn remove_file(files: &Store, key: String) -> Result<(), String> {
    let files = files.clone();
    match tokio::task::spawn_blocking(move || files.remove(&key)).await {
        Ok(removed) => removed.map_err(|error| error.to_string()),
        Err(panicked) => Err(panicked.to_string()),
    }
}

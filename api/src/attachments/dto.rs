//! Attachment bodies.

use liaison_infra::entities::attachments;
use serde::Serialize;
use utoipa::ToSchema;

/// An uploaded photo.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attachment {
    pub id: i64,
    /// Where to fetch the file, with the same bearer token.
    #[schema(example = "https://liaison.example.cn/api/v1/attachments/7")]
    pub url: String,
    /// `image/jpeg`, `image/png` or `image/webp`, decided from the file's bytes.
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    /// Bytes as stored, after location metadata was removed.
    pub size: i64,
}

impl Attachment {
    /// `base_url` is the server's public base URL; the file's URL is built on it.
    pub fn new(model: attachments::Model, base_url: &str) -> Self {
        Self {
            url: format!(
                "{}/api/v1/attachments/{}",
                base_url.trim_end_matches('/'),
                model.id
            ),
            id: model.id,
            content_type: model.content_type,
            size: model.size,
        }
    }
}

/// The multipart body of an upload.
#[derive(ToSchema)]
pub struct UploadForm {
    /// The photo: JPEG, PNG or WebP, at most 10 MB. Its name and declared type are ignored.
    #[schema(format = Binary, value_type = String)]
    pub file: Vec<u8>,
}

//! Request extractors that fail as problem+json naming the offending field.

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::error::ApiError;

/// A JSON body: wrong content type answers 415, too large 413, unparsable 400, and a value of
/// the wrong shape 422 with the path of the field (`shifts[2].starts_at`).
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|essence| {
                let essence = essence.trim().to_ascii_lowercase();
                essence == "application/json" || essence.ends_with("+json")
            })
            .unwrap_or(false);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as application/json",
                ));
            }
            let bytes = body.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        "the body is larger than this endpoint accepts",
                    )
                } else {
                    ApiError::bad_request("unreadable_body", "the body could not be read")
                }
            })?;
            parse(&bytes).map(Json)
        })
    }
}

/// A JSON body read now and judged later: its 4xx (415, 413, 400, 422) is answered only when
/// the handler opens it, after asking whether the caller may make this write at all, so that
/// a caller without the right learns that first, whatever the body holds.
pub struct Deferred<T>(Result<T, ApiError>);

impl<T> Deferred<T> {
    pub fn open(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Deferred<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = Json::<T>::from_request(req, payload);
        Box::pin(async move { Ok(Deferred(body.await.map(|json| json.0))) })
    }
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            Category::Syntax | Category::Eof | Category::Io => ApiError::bad_request(
                "malformed_json",
                format!("the body is not valid JSON: {inner}"),
            ),
            Category::Data => data_error(&path, &inner),
        }
    })?;
    deserializer.end().map_err(|_| {
        ApiError::bad_request(
            "malformed_json",
            "the body has trailing characters after the JSON value",
        )
    })?;
    Ok(value)
}

/// serde reports a missing field on its parent, with the name only in the message.
fn data_error(path: &str, error: &serde_json::Error) -> ApiError {
    let message = error.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        let field = if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return ApiError::invalid_field(&field, "required", format!("{field} is required"));
    }
    let field = if path == "." { "body" } else { path };
    ApiError::invalid_field(field, "invalid_type", message)
}

/// Configures actix's own path and query extractors to answer problem+json.
pub fn configure_builtin(cfg: &mut web::ServiceConfig, json_limit: usize) {
    cfg.app_data(web::PayloadConfig::new(json_limit))
        .app_data(web::PathConfig::default().error_handler(|error, _| {
            ApiError::bad_request(
                "invalid_path",
                format!("a path parameter is invalid: {error}"),
            )
            .into()
        }))
        .app_data(web::QueryConfig::default().error_handler(|error, _| {
            ApiError::bad_request(
                "invalid_query",
                format!("a query parameter is invalid: {error}"),
            )
            .into()
        }));
}

/// For PATCH bodies: tells an absent field (`None`, keep) from an explicit `null`
/// (`Some(None)`, clear). Use with `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Shift {
        deputy_id: i64,
    }

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Roster {
        name: String,
        shifts: Vec<Shift>,
    }

    fn problem(body: &str) -> (StatusCode, String) {
        let error = parse::<Roster>(body.as_bytes()).unwrap_err();
        let status = actix_web::ResponseError::status_code(&error);
        (status, format!("{error:?}"))
    }

    #[test]
    fn syntax_errors_are_400() {
        assert_eq!(problem("{\"name\":").0, StatusCode::BAD_REQUEST);
        assert_eq!(
            problem("{\"name\":\"a\",\"shifts\":[]} x").0,
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let (status, debug) = problem("{\"shifts\":[]}");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(debug.contains("field: \"name\""), "{debug}");
    }

    #[test]
    fn wrong_types_name_their_path() {
        let (status, debug) = problem("{\"name\":\"a\",\"shifts\":[{\"deputy_id\":\"x\"}]}");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(debug.contains("shifts[0].deputy_id"), "{debug}");
    }
}

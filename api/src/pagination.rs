//! Keyset pagination: `?limit=&cursor=` in, `{items, next_cursor}` out, never OFFSET.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use liaison_domain::Invalid;

pub const DEFAULT_LIMIT: u64 = 20;
pub const MAX_LIMIT: u64 = 100;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub use liaison_infra::store::Page;

impl PageQuery {
    /// The page size asked for, checked: 1 to 100, 20 when not given.
    pub fn page_limit(&self) -> Result<u64, Invalid> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Invalid::one(
                "limit",
                "out_of_range",
                format!("limit must be between 1 and {MAX_LIMIT}"),
            ));
        }
        Ok(limit)
    }

    /// A page of a list ordered by id.
    pub fn page(&self) -> Result<Page, Invalid> {
        let limit = self.page_limit()?;
        let after = match &self.cursor {
            None => None,
            Some(cursor) => Some(decode(cursor).ok_or_else(|| {
                Invalid::one(
                    "cursor",
                    "invalid_cursor",
                    "cursor is not one this server gave out",
                )
            })?),
        };
        Ok(Page { limit, after })
    }
}

/// One page of a list. Ids are JSON numbers throughout the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Paged<T> {
    /// Cuts the extra row off `rows` (fetched for `page` in ascending id order) and makes the
    /// cursor.
    pub fn finish<R>(
        page: Page,
        mut rows: Vec<R>,
        id: impl Fn(&R) -> i64,
        item: impl Fn(R) -> T,
    ) -> Self {
        let more = rows.len() as u64 > page.limit;
        rows.truncate(page.limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| encode(id(r)))
        } else {
            None
        };
        Paged {
            items: rows.into_iter().map(item).collect(),
            next_cursor,
        }
    }
}

fn encode(id: i64) -> String {
    encode_cursor(&format!("id:{id}"))
}

fn decode(cursor: &str) -> Option<i64> {
    decode_cursor(cursor)?.strip_prefix("id:")?.parse().ok()
}

/// An opaque cursor around `key`, for lists ordered by more than the id.
pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

pub fn decode_cursor(cursor: &str) -> Option<String> {
    String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(decode(&encode(42)), Some(42));
        assert_eq!(decode("garbage!"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("id:x")), None);
    }

    #[test]
    fn limits_are_bounded() {
        let query = |limit| PageQuery {
            limit: Some(limit),
            cursor: None,
        };
        assert!(query(0).page().is_err());
        assert!(query(101).page().is_err());
        assert_eq!(query(100).page().unwrap().limit, 100);
        assert_eq!(PageQuery::default().page().unwrap().limit, DEFAULT_LIMIT);
    }

    #[test]
    fn finish_reports_a_next_page_only_when_there_is_one() {
        let page = Page {
            limit: 2,
            after: None,
        };
        let full = Paged::finish(page, vec![1, 2, 3], |r| *r, |r| r);
        assert_eq!(full.items, [1, 2]);
        assert_eq!(full.next_cursor.as_deref().and_then(decode), Some(2));
        let last = Paged::finish(page, vec![1, 2], |r| *r, |r| r);
        assert_eq!(last.next_cursor, None);
    }
}

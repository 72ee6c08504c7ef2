//! Cursor pagination: a page of items and an opaque cursor for the next.

use crate::error::ApiError;
use serde::{Deserialize, Serialize};

/// The most items a page may hold; the default is 100.
pub const MAX_LIMIT: usize = 1000;

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next` cursor of the previous page.
    #[param(pattern = "^([0-9a-fA-F]{2})+$")]
    pub cursor: Option<String>,
    /// How many items the page may hold (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

impl PageQuery {
    pub fn limit(&self) -> Result<usize, ApiError> {
        match self.limit {
            None => Ok(100),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(n) => Err(ApiError::bad_request(format!(
                "limit {n} is outside 1..={MAX_LIMIT}"
            ))),
        }
    }

    /// The key the cursor stands for.
    pub fn after(&self) -> Result<Option<String>, ApiError> {
        self.cursor
            .as_deref()
            .map(|c| {
                hex::decode(c)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| {
                        ApiError::bad_request("the cursor is not one this server issued")
                    })
            })
            .transpose()
    }
}

#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl Page<serde_json::Value> {
    /// A page of a small, fully loaded list: sorted by `key`, after the
    /// cursor's key, shown with `show`.
    pub fn of_ids<R>(
        mut all: Vec<R>,
        limit: usize,
        after: Option<String>,
        key: impl Fn(&R) -> String,
        show: impl Fn(&R) -> serde_json::Value,
    ) -> Self {
        all.sort_by_key(|r| key(r));
        let rest: Vec<R> = all
            .into_iter()
            .filter(|r| after.as_ref().is_none_or(|a| key(r) > *a))
            .take(limit + 1)
            .collect();
        let page = Page::new(rest, limit, &key);
        Page {
            items: page.items.iter().map(show).collect(),
            next: page.next,
        }
    }
}

impl<T> Page<T> {
    /// A page from `limit + 1` fetched items: the extra one only says there is more.
    pub fn new(mut items: Vec<T>, limit: usize, key: impl Fn(&T) -> String) -> Self {
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more {
            items.last().map(|i| hex::encode(key(i)))
        } else {
            None
        };
        Page { items, next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_lists_page_by_key_to_the_end() {
        let all = vec!["c", "a", "d", "b", "e"];
        let page = |after: Option<String>| {
            Page::of_ids(
                all.clone(),
                2,
                after,
                |s| s.to_string(),
                |s| serde_json::json!(s),
            )
        };
        let first = page(None);
        assert_eq!(first.items, ["a", "b"]);
        let after = |p: &Page<serde_json::Value>| {
            PageQuery {
                cursor: p.next.clone(),
                limit: None,
            }
            .after()
            .ok()
            .flatten()
        };
        let second = page(after(&first));
        assert_eq!(second.items, ["c", "d"]);
        let third = page(after(&second));
        assert_eq!((third.items.len(), third.next.is_none()), (1, true));
    }

    #[test]
    fn cursor_round_trip_and_bad_cursor() {
        let p = Page::new(vec!["a", "b", "c"], 2, |s| s.to_string());
        assert_eq!(p.items, ["a", "b"]);
        let q = PageQuery {
            cursor: p.next.clone(),
            limit: Some(2),
        };
        assert_eq!(q.after().ok().flatten().as_deref(), Some("b"));
        assert!(
            Page::new(vec!["a"], 2, |s: &&str| s.to_string())
                .next
                .is_none()
        );
        assert!(
            PageQuery {
                cursor: Some("zz".into()),
                limit: None
            }
            .after()
            .is_err()
        );
        assert!(
            PageQuery {
                cursor: None,
                limit: Some(0)
            }
            .limit()
            .is_err()
        );
        assert!(
            PageQuery {
                cursor: None,
                limit: Some(MAX_LIMIT + 1)
            }
            .limit()
            .is_err()
        );
    }
}

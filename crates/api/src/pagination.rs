//! Cursor pagination at the edge, shared by both surfaces: the `?cursor=&limit=` query, its
//! parsing into the store's [`Cursor`] and [`Limit`], and the `{items, next_cursor}` page body.
//!
//! Cursors are opaque to clients: they pass back a `next_cursor` verbatim. One that does not
//! decode is a 400 `invalid_cursor`, never a 500 and never "the first page".

use actix_web::HttpResponse;
use ordinavo_persistence::page::{Cursor, Limit, Page};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// The query of a list with no filter of its own. Unknown parameters are refused.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page; omit (or leave empty) for the first page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

impl PageQuery {
    /// The store's cursor and limit for this query (see [`page_request`]).
    pub fn parse<K: Serialize + DeserializeOwned>(
        &self,
    ) -> Result<(Option<Cursor<K>>, Limit), ApiError> {
        page_request(self.cursor.as_deref(), self.limit)
    }
}

/// Parses a `cursor` and `limit` from a query: an empty cursor means the first page, a cursor
/// that does not decode is a 400 `invalid_cursor`, the limit is clamped to 1..=100.
pub fn page_request<K: Serialize + DeserializeOwned>(
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<(Option<Cursor<K>>, Limit), ApiError> {
    let cursor = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(text) => Some(Cursor::decode(text).map_err(|_| {
            ApiError::bad_request(
                "invalid_cursor",
                "The cursor is not valid; pass back the next_cursor of a previous page.",
            )
        })?),
    };
    Ok((cursor, Limit::new(limit)))
}

/// One page of a list, sorted stably; `next_cursor` is absent on the last page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageDto<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` when this is the last page.
    pub next_cursor: Option<String>,
}

impl<T> PageDto<T> {
    /// The body of a store page, each item mapped to its DTO.
    pub fn from_page<U>(page: Page<U>, to_dto: impl FnMut(U) -> T) -> Self {
        Self {
            items: page.items.into_iter().map(to_dto).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

impl<T: Serialize> PageDto<T> {
    /// The 200 response with this page as JSON, written into a buffer sized up front for about
    /// `bytes_per_item` per item: a page of appointments is ~25 KB, and growing the buffer by
    /// doubling copied it several times per request (bench/RESULTS.md).
    pub fn respond(&self, bytes_per_item: usize) -> Result<HttpResponse, ApiError> {
        let mut body = Vec::with_capacity(64 + self.items.len() * bytes_per_item);
        serde_json::to_writer(&mut body, self).map_err(|e| ApiError::Internal(e.into()))?;
        Ok(HttpResponse::Ok()
            .insert_header(actix_web::http::header::ContentType::json())
            .body(body))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use actix_web::ResponseError;
    use uuid::Uuid;

    #[test]
    fn no_cursor_or_an_empty_one_is_the_first_page() {
        let (none, limit) = page_request::<String>(None, None).unwrap();
        assert!(none.is_none());
        assert_eq!(limit.get(), 50);
        let (empty, _) = page_request::<String>(Some(""), Some(7)).unwrap();
        assert!(empty.is_none());
    }

    #[test]
    fn a_garbage_cursor_is_a_400_invalid_cursor() {
        let err = page_request::<String>(Some("not-a-cursor"), None).unwrap_err();
        assert_eq!(err.status_code().as_u16(), 400);
        assert_eq!(err.problem().code, "invalid_cursor");
    }

    #[test]
    fn a_cursor_round_trips_and_the_limit_is_clamped() {
        let c = Cursor::new("Acme".to_string(), Uuid::new_v4());
        let (back, limit) = page_request::<String>(Some(&c.encode()), Some(1000)).unwrap();
        assert_eq!(back, Some(c));
        assert_eq!(limit.get(), 100);
    }
}

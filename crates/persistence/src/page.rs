//! Keyset pagination: opaque cursors and pages. Lists never use OFFSET, so the cost of a page
//! does not grow with the table; a cursor carries the sort key and id of the last row served.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use uuid::Uuid;

/// The largest page any list serves.
pub const MAX_LIMIT: u32 = 100;
/// The page size when the caller names none.
pub const DEFAULT_LIMIT: u32 = 50;

/// Position after the last row of a page: its sort key and its id (the tie-breaker).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor<K> {
    #[serde(rename = "k")]
    pub key: K,
    #[serde(rename = "i")]
    pub id: Uuid,
}

/// A cursor string that does not decode; the API answers it with 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid cursor")]
pub struct InvalidCursor;

impl<K: Serialize + DeserializeOwned> Cursor<K> {
    pub fn new(key: K, id: Uuid) -> Self {
        Self { key, id }
    }

    /// URL-safe text that clients pass back verbatim.
    pub fn encode(&self) -> String {
        // Serialising a struct of a key and a uuid cannot fail; fall back to an empty cursor.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(text: &str) -> Result<Self, InvalidCursor> {
        if text.len() > 512 {
            return Err(InvalidCursor);
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| InvalidCursor)?;
        serde_json::from_slice(&bytes).map_err(|_| InvalidCursor)
    }
}

/// A page size clamped to `1..=MAX_LIMIT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u32);

impl Limit {
    pub fn new(requested: Option<u32>) -> Self {
        Self(requested.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// The number of rows to fetch: one more than served, to learn whether a next page exists.
    pub fn fetch(self) -> i64 {
        i64::from(self.0) + 1
    }
}

impl Default for Limit {
    fn default() -> Self {
        Self::new(None)
    }
}

/// One page of a list and the cursor of the next one, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only signals that more exist.
    pub fn from_rows<K: Serialize + DeserializeOwned>(
        mut rows: Vec<T>,
        limit: Limit,
        cursor_of: impl Fn(&T) -> Cursor<K>,
    ) -> Self {
        let served = limit.get() as usize;
        let next_cursor = if rows.len() > served {
            rows.truncate(served);
            rows.last().map(|last| cursor_of(last).encode())
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_cursor_round_trips_through_its_text() {
        let c = Cursor::new("Acme".to_string(), Uuid::new_v4());
        assert_eq!(Cursor::<String>::decode(&c.encode()).unwrap(), c);
    }

    #[test]
    fn garbage_is_not_a_cursor() {
        assert_eq!(Cursor::<String>::decode("%%%"), Err(InvalidCursor));
        assert_eq!(Cursor::<String>::decode("eyJ4IjoxfQ"), Err(InvalidCursor));
    }

    #[test]
    fn limits_are_clamped_to_one_through_one_hundred() {
        assert_eq!(Limit::new(Some(0)).get(), 1);
        assert_eq!(Limit::new(Some(500)).get(), 100);
        assert_eq!(Limit::new(None).get(), DEFAULT_LIMIT);
    }

    #[test]
    fn the_extra_row_becomes_a_next_cursor() {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        let page = Page::from_rows(ids.clone(), Limit::new(Some(2)), |id| {
            Cursor::new(0_i64, *id)
        });
        assert_eq!(page.items.len(), 2);
        let next = Cursor::<i64>::decode(page.next_cursor.as_deref().unwrap()).unwrap();
        assert_eq!(next.id, ids[1]);
        let last = Page::from_rows(ids, Limit::new(Some(3)), |id| Cursor::new(0_i64, *id));
        assert_eq!(last.next_cursor, None);
    }
}

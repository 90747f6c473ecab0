//! Serving attachment bytes: the one response every download route sends.
//!
//! The bytes are streamed from storage in 64 KiB chunks, never read whole. The headers make a
//! browser save the file instead of rendering it, whatever it claims to be:
//! `Content-Disposition: attachment` with an RFC 6266 / RFC 8187 `filename*=UTF-8''…` (and a
//! plain-ASCII `filename="…"` fallback for old clients), the stored (sniffed) content type,
//! `X-Content-Type-Options: nosniff`, `Cache-Control: no-store` and
//! `Content-Security-Policy: sandbox` (should it be opened anyway, no script runs and it gets
//! an opaque origin).

use actix_web::HttpResponse;
use actix_web::http::header::{self, HeaderValue};
use tokio_util::io::ReaderStream;

use crate::error::ApiError;
use crate::storage::ByteReader;

/// Read size of a download stream.
const CHUNK_BYTES: usize = 64 * 1024;

/// The `Content-Disposition` value of a download of `filename`: always `attachment`, with a
/// sanitised ASCII `filename` and the exact UTF-8 name percent-encoded in `filename*`.
pub fn content_disposition(filename: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(filename),
        encode_rfc8187(filename)
    )
}

/// The name with everything but printable ASCII (and `"`/`\`, which would end or escape the
/// quoted string) replaced by `_`; `download` when nothing is left.
fn ascii_fallback(filename: &str) -> String {
    let cleaned: String = filename
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        "download".into()
    } else {
        trimmed.to_owned()
    }
}

/// RFC 8187 `value-chars`: `attr-char` bytes kept, every other byte of the UTF-8 as `%XX`.
fn encode_rfc8187(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A `200` streaming `body` (of `size` bytes) as a download named `filename` of type
/// `content_type`, with the headers above. A stored type that is not a valid header value is
/// served as `application/octet-stream`.
pub fn attachment_response(
    body: ByteReader<'static>,
    size: i64,
    content_type: &str,
    filename: &str,
) -> Result<HttpResponse, ApiError> {
    let disposition = HeaderValue::from_str(&content_disposition(filename))
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?;
    let content_type = HeaderValue::from_str(content_type)
        .ok()
        .filter(|v| v.to_str().is_ok_and(|t| t.contains('/')))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let size = u64::try_from(size).map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox"))
        .no_chunking(size)
        .streaming(ReaderStream::with_capacity(body, CHUNK_BYTES)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_appear_in_both_forms() {
        assert_eq!(
            content_disposition("report.pdf"),
            "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
        );
    }

    #[test]
    fn non_ascii_names_are_percent_encoded_and_replaced_in_the_fallback() {
        let value = content_disposition("Prüfbericht été.pdf");
        assert_eq!(
            value,
            "attachment; filename=\"Pr_fbericht _t_.pdf\"; \
             filename*=UTF-8''Pr%C3%BCfbericht%20%C3%A9t%C3%A9.pdf"
        );
    }

    #[test]
    fn quotes_backslashes_and_line_breaks_cannot_escape_the_header() {
        let value = content_disposition("a\"b\\c\r\nSet-Cookie: x=1;.pdf");
        assert!(!value.contains('\r') && !value.contains('\n'));
        assert!(value.starts_with("attachment; filename=\"a_b_c__Set-Cookie: x=1;.pdf\";"));
        assert!(value.ends_with("filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3D1%3B.pdf"));
        assert!(HeaderValue::from_str(&value).is_ok());
    }

    #[test]
    fn an_empty_name_falls_back_to_download() {
        assert!(content_disposition("").starts_with("attachment; filename=\"download\";"));
    }
}

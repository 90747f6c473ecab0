//! File uploads at the edge: one `multipart/form-data` part named `file`, at most a
//! route's byte limit, accepted only when its first bytes are an image or a PDF.
//!
//! The body is never held in memory: [`read_one_file`] streams the part into a temporary file
//! under `<data dir>/tmp`, hashing (SHA-256) and counting as it goes, and the caller then
//! streams that file into storage ([`SpooledUpload::reader`]); the temporary file is removed
//! when the [`SpooledUpload`] is dropped. So a 50 MB upload costs a few buffers of memory.
//!
//! The type is decided by content sniffing ([`sniff`]), never by the client's file name or
//! declared type: a `.png` that is really a script is refused with 415. The client's file name
//! is kept, sanitised ([`sanitize_filename`]), for display and `Content-Disposition` only;
//! storage keys are made from ids (see [`crate::storage`]).

use std::path::Path;
use std::time::Duration;

use actix_multipart::{Multipart, MultipartError};
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::error::{ApiError, FieldError};
use crate::storage::ByteReader;

/// The largest file a portal user may upload, in bytes (10 MiB).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The largest file staff may upload (`POST /attachments`), in bytes (50 MiB).
pub const MAX_STAFF_FILE_BYTES: usize = 50 * 1024 * 1024;

/// Room for the multipart framing around the file (boundaries, part headers).
const FRAMING_ALLOWANCE: usize = 64 * 1024;

/// How long reading one upload may take before it is abandoned.
const READ_TIMEOUT: Duration = Duration::from_secs(300);

/// How many leading bytes are kept for sniffing.
const SNIFF_BYTES: usize = 16;

/// An accepted upload, spooled to a temporary file: sniffed type, sanitised name, size and
/// SHA-256. The temporary file is deleted when this is dropped.
#[derive(Debug)]
pub struct SpooledUpload {
    file: tempfile::NamedTempFile,
    size: u64,
    /// From the bytes, e.g. `image/png`, `application/pdf`.
    pub content_type: &'static str,
    pub filename: String,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
}

impl SpooledUpload {
    /// The size in bytes, as stored.
    pub fn size(&self) -> i64 {
        i64::try_from(self.size).unwrap_or(i64::MAX)
    }

    /// The bytes from the start, as a stream for [`crate::storage::Storage::put`].
    pub fn reader(&self) -> std::io::Result<ByteReader<'static>> {
        let file = tokio::fs::File::from_std(self.file.reopen()?);
        Ok(Box::pin(file))
    }
}

fn unsupported(detail: &str) -> ApiError {
    ApiError::UnsupportedMediaType {
        detail: detail.into(),
    }
}

fn too_large(limit_bytes: usize) -> ApiError {
    ApiError::PayloadTooLarge { limit_bytes }
}

fn field_error(field: &str, code: &str, message: &str) -> ApiError {
    ApiError::invalid_fields(vec![FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }])
}

fn internal(e: std::io::Error) -> ApiError {
    ApiError::Internal(anyhow::Error::new(e).context("spooling an upload"))
}

/// What reading the form found wrong. Everything but `Multipart` leaves the stream readable,
/// so the rest of the body is drained before answering (the client then reads the answer
/// instead of a reset connection).
enum Refusal {
    Api(ApiError),
    Multipart(MultipartError),
}

/// Reads the one-file form from `payload` into a temporary file under `spool_dir`: 413 when
/// the file (or the whole body, by its `Content-Length`) is larger than `max_bytes`, 415 when
/// the body is not `multipart/form-data` or the file is neither an image nor a PDF, 400 when
/// the `file` part is missing, repeated or accompanied by other parts. Call it after
/// authorization, so nobody can make the server read a body first.
pub async fn read_one_file(
    req: &HttpRequest,
    payload: web::Payload,
    max_bytes: usize,
    spool_dir: &Path,
) -> Result<SpooledUpload, ApiError> {
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared_length.is_some_and(|n| n > max_bytes + FRAMING_ALLOWANCE) {
        return Err(too_large(max_bytes));
    }
    tokio::fs::create_dir_all(spool_dir)
        .await
        .map_err(internal)?;
    let mut multipart = Multipart::new(req.headers(), payload);
    let read = read_form(&mut multipart, max_bytes, spool_dir);
    match tokio::time::timeout(READ_TIMEOUT, read).await {
        Err(_elapsed) => Err(ApiError::bad_request(
            "upload_timeout",
            "The upload took too long; try again.",
        )),
        Ok(Ok(upload)) => Ok(upload),
        Ok(Err(Refusal::Multipart(e))) => Err(multipart_error(&e, max_bytes)),
        Ok(Err(Refusal::Api(e))) => {
            // Bounded in time and bytes; a broken stream simply ends the draining.
            let _ = tokio::time::timeout(READ_TIMEOUT, drain(&mut multipart, max_bytes)).await;
            Err(e)
        }
    }
}

/// Reads every part: exactly one, named `file`, spooled to disk while hashing.
async fn read_form(
    multipart: &mut Multipart,
    max_bytes: usize,
    spool_dir: &Path,
) -> Result<SpooledUpload, Refusal> {
    let mut upload: Option<SpooledUpload> = None;
    while let Some(mut field) = multipart.try_next().await.map_err(Refusal::Multipart)? {
        match field.name() {
            Some("file") => {}
            other => {
                let name = other.unwrap_or("(unnamed)").to_owned();
                return Err(Refusal::Api(field_error(
                    &name,
                    "unknown_field",
                    "only a part named \"file\" is accepted",
                )));
            }
        }
        if upload.is_some() {
            return Err(Refusal::Api(field_error(
                "file",
                "duplicate",
                "send one file per request",
            )));
        }
        let client_name = field.content_disposition().and_then(|cd| {
            cd.get_filename().map(str::to_owned).or_else(|| {
                cd.get_filename_ext()
                    .map(|ext| String::from_utf8_lossy(&ext.value).into_owned())
            })
        });
        let tmp = tempfile::Builder::new()
            .prefix(".upload-")
            .tempfile_in(spool_dir)
            .map_err(|e| Refusal::Api(internal(e)))?;
        let std_file = tmp.reopen().map_err(|e| Refusal::Api(internal(e)))?;
        let mut out =
            tokio::io::BufWriter::with_capacity(64 * 1024, tokio::fs::File::from_std(std_file));
        let mut hasher = Sha256::new();
        let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
        let mut size: u64 = 0;
        let limit = u64::try_from(max_bytes).unwrap_or(u64::MAX);
        while let Some(chunk) = field.try_next().await.map_err(Refusal::Multipart)? {
            size += chunk.len() as u64;
            if size > limit {
                return Err(Refusal::Api(too_large(max_bytes)));
            }
            if head.len() < SNIFF_BYTES {
                let take = (SNIFF_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            out.write_all(&chunk)
                .await
                .map_err(|e| Refusal::Api(internal(e)))?;
        }
        out.flush().await.map_err(|e| Refusal::Api(internal(e)))?;
        let Some(content_type) = sniff(&head) else {
            return Err(Refusal::Api(unsupported(
                "Only images (JPEG, PNG, GIF, WebP, HEIC/HEIF, AVIF) and PDF documents are \
                 accepted.",
            )));
        };
        upload = Some(SpooledUpload {
            file: tmp,
            size,
            content_type,
            filename: sanitize_filename(client_name.as_deref(), content_type),
            sha256: hex::encode(hasher.finalize()),
        });
    }
    upload.ok_or_else(|| {
        Refusal::Api(field_error(
            "file",
            "required",
            "a part named \"file\" is required",
        ))
    })
}

/// Reads and discards what is left of the body, at most `budget` bytes (past that the
/// connection is simply closed after the answer). Stops at the first error: the multipart
/// stream must not be polled after it failed.
async fn drain(multipart: &mut Multipart, budget: usize) {
    let mut left = budget;
    loop {
        match multipart.try_next().await {
            Ok(Some(mut field)) => loop {
                match field.try_next().await {
                    Ok(Some(chunk)) if chunk.len() <= left => left -= chunk.len(),
                    Ok(Some(_)) | Err(_) => return,
                    Ok(None) => break,
                }
            },
            Ok(None) | Err(_) => return,
        }
    }
}

/// The problem for a body that is not the expected one-file form.
fn multipart_error(e: &MultipartError, max_bytes: usize) -> ApiError {
    match e {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => {
            unsupported("Send the file as multipart/form-data in a part named \"file\".")
        }
        MultipartError::Payload(actix_web::error::PayloadError::Overflow) => too_large(max_bytes),
        _ => ApiError::bad_request(
            "malformed_multipart",
            "The multipart body could not be read.",
        ),
    }
}

/// The media type of `bytes` by their magic numbers: JPEG, PNG, GIF, WebP, HEIC/HEIF, AVIF or
/// PDF; `None` for anything else (SVG and other scriptable formats included).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let at = |range: std::ops::Range<usize>| bytes.get(range);
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.starts_with(b"RIFF") && at(8..12) == Some(b"WEBP") {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if at(4..8) == Some(b"ftyp") {
        match at(8..12)? {
            b"heic" | b"heix" | b"hevc" | b"hevx" => Some("image/heic"),
            b"mif1" | b"msf1" => Some("image/heif"),
            b"avif" | b"avis" => Some("image/avif"),
            _ => None,
        }
    } else {
        None
    }
}

/// The usual extension of a sniffed type, for uploads without a usable name.
fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/heic" => "heic",
        "image/heif" => "heif",
        "image/avif" => "avif",
        "application/pdf" => "pdf",
        _ => "bin",
    }
}

/// Longest file name kept, in characters.
const MAX_FILENAME_CHARS: usize = 200;

/// The client's file name made safe to show and to put in a header: the last path segment,
/// without control characters, quotes or leading dots, at most 200 characters; `upload.<ext>`
/// when nothing usable is left.
pub fn sanitize_filename(name: Option<&str>, content_type: &str) -> String {
    let base = name
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        return format!("upload.{}", extension(content_type));
    }
    trimmed.chars().take(MAX_FILENAME_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_pdfs_are_recognised_by_their_first_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a......"), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0"), Some("image/heic"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
    }

    #[test]
    fn text_scripts_and_svg_are_not_images() {
        assert_eq!(sniff(b"just some text pretending to be a png"), None);
        assert_eq!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        assert_eq!(sniff(b"#!/bin/sh\nrm -rf /"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVE"), None);
    }

    #[test]
    fn file_names_lose_paths_controls_and_quotes() {
        assert_eq!(
            sanitize_filename(Some("C:\\Users\\me\\photo 1.jpg"), "image/jpeg"),
            "photo 1.jpg"
        );
        assert_eq!(
            sanitize_filename(Some("../../etc/passwd"), "application/pdf"),
            "passwd"
        );
        assert_eq!(
            sanitize_filename(Some("a\"b;\r\nc.png"), "image/png"),
            "abc.png"
        );
        assert_eq!(sanitize_filename(Some("..."), "image/png"), "upload.png");
        assert_eq!(sanitize_filename(None, "application/pdf"), "upload.pdf");
        assert_eq!(
            sanitize_filename(Some(&"x".repeat(500)), "image/png").len(),
            200
        );
    }
}

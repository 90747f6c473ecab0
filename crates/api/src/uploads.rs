//! File uploads at the edge: one `multipart/form-data` field named `file`, at most
//! [`MAX_FILE_BYTES`], accepted only when its first bytes are an image or a PDF.
//!
//! The type is decided by content sniffing ([`sniff`]), never by the client's file name or
//! declared type: a `.png` that is really a script is refused with 415. The client's file name
//! is kept, sanitised ([`sanitize_filename`]), for display and `Content-Disposition` only;
//! storage keys are made from ids (see [`crate::storage`]).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use actix_multipart::form::{FieldReader, Limits, MultipartForm};
use actix_multipart::{Field, MultipartError};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest, web};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, FieldError};

/// The largest file accepted, in bytes (10 MiB).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// Room for the multipart framing around the file (boundaries, part headers).
const FRAMING_ALLOWANCE: usize = 64 * 1024;

/// How long reading one upload may take before it is abandoned.
const READ_TIMEOUT: Duration = Duration::from_secs(120);

/// The `file` part as read from the body: its bytes, or `None` when it was larger than
/// [`MAX_FILE_BYTES`] (the rest of the part is drained, so the request can still be answered).
#[derive(Debug)]
pub struct FilePart {
    bytes: Option<Bytes>,
    filename: Option<String>,
}

impl<'t> FieldReader<'t> for FilePart {
    type Future = Pin<Box<dyn Future<Output = Result<Self, MultipartError>> + 't>>;

    fn read_field(_: &'t HttpRequest, mut field: Field, _: &'t mut Limits) -> Self::Future {
        Box::pin(async move {
            let filename = field.content_disposition().and_then(|cd| {
                cd.get_filename().map(str::to_owned).or_else(|| {
                    cd.get_filename_ext()
                        .map(|ext| String::from_utf8_lossy(&ext.value).into_owned())
                })
            });
            let bytes = match field.bytes(MAX_FILE_BYTES).await {
                Ok(Ok(bytes)) => Some(bytes),
                Ok(Err(e)) => return Err(e),
                Err(_too_large) => None,
            };
            Ok(Self { bytes, filename })
        })
    }
}

/// The form: exactly one `file` part; other or repeated parts are refused.
#[derive(Debug, actix_multipart::form::MultipartForm)]
#[multipart(deny_unknown_fields, duplicate_field = "deny")]
pub struct FileForm {
    file: FilePart,
}

/// An accepted upload: sniffed type, sanitised name, bytes and their SHA-256.
#[derive(Debug, Clone)]
pub struct Upload {
    pub bytes: Bytes,
    /// From the bytes, e.g. `image/png`, `application/pdf`.
    pub content_type: &'static str,
    pub filename: String,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
}

impl Upload {
    /// The size in bytes, as stored.
    pub fn size(&self) -> i64 {
        i64::try_from(self.bytes.len()).unwrap_or(i64::MAX)
    }
}

fn unsupported(detail: &str) -> ApiError {
    ApiError::UnsupportedMediaType {
        detail: detail.into(),
    }
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge {
        limit_bytes: MAX_FILE_BYTES,
    }
}

fn field_error(field: &str, code: &str, message: &str) -> ApiError {
    ApiError::invalid_fields(vec![FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }])
}

/// Reads the one-file form from `payload`: 413 when the file (or the whole body, by its
/// `Content-Length`) is too large, 415 when the body is not `multipart/form-data` or the file is
/// neither an image nor a PDF, 400 when the `file` part is missing, repeated or accompanied by
/// other parts. Call it after authorization, so nobody can make the server read a body first.
pub async fn read_one_file(req: &HttpRequest, payload: web::Payload) -> Result<Upload, ApiError> {
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared_length.is_some_and(|n| n > MAX_FILE_BYTES + FRAMING_ALLOWANCE) {
        return Err(too_large());
    }
    let mut payload = payload.into_inner();
    let read = MultipartForm::<FileForm>::from_request(req, &mut payload);
    let form = match tokio::time::timeout(READ_TIMEOUT, read).await {
        Err(_elapsed) => {
            return Err(ApiError::bad_request(
                "upload_timeout",
                "The upload took too long; try again.",
            ));
        }
        Ok(Err(e)) => return Err(multipart_error(&e)),
        Ok(Ok(form)) => form.into_inner(),
    };
    let Some(bytes) = form.file.bytes else {
        return Err(too_large());
    };
    let Some(content_type) = sniff(&bytes) else {
        return Err(unsupported(
            "Only images (JPEG, PNG, GIF, WebP, HEIC/HEIF, AVIF) and PDF documents are accepted.",
        ));
    };
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(Upload {
        filename: sanitize_filename(form.file.filename.as_deref(), content_type),
        bytes,
        content_type,
        sha256,
    })
}

/// The problem for a body that is not the expected one-file form.
fn multipart_error(e: &actix_web::Error) -> ApiError {
    match e.as_error::<MultipartError>() {
        Some(
            MultipartError::ContentTypeMissing
            | MultipartError::ContentTypeParse
            | MultipartError::ContentTypeIncompatible
            | MultipartError::BoundaryMissing,
        ) => unsupported("Send the file as multipart/form-data in a part named \"file\"."),
        Some(MultipartError::MissingField(_)) => {
            field_error("file", "required", "a part named \"file\" is required")
        }
        Some(MultipartError::DuplicateField(_)) => {
            field_error("file", "duplicate", "send one file per request")
        }
        Some(MultipartError::UnknownField(name)) => field_error(
            name,
            "unknown_field",
            "only a part named \"file\" is accepted",
        ),
        Some(MultipartError::Payload(actix_web::error::PayloadError::Overflow)) => too_large(),
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

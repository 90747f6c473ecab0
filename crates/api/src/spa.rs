//! Serves the built SPA (`frontend/dist`) at `/` with an `index.html` fallback for client-side
//! routes, and answers everything else that matches no route with a problem+json 404.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::error::ApiError;

/// The SPA's static files when `dir/index.html` exists, otherwise `None` (API-only mode).
pub fn files(dir: &Path) -> Option<Files> {
    let index = dir.join("index.html");
    if !index.is_file() {
        return None;
    }
    Some(
        Files::new("/", dir)
            .index_file("index.html")
            .default_handler(actix_web::dev::fn_service(move |req: ServiceRequest| {
                let index = index.clone();
                async move { Ok(spa_fallback(req, &index).await) }
            })),
    )
}

/// Client-side routes (`GET /requests/42`) get `index.html`; API paths, non-GET methods and
/// file-like paths (`/missing.js`) get a 404 problem.
async fn spa_fallback(req: ServiceRequest, index: &PathBuf) -> ServiceResponse {
    let (http_req, _payload) = req.into_parts();
    let response = if serves_index(&http_req) {
        match NamedFile::open_async(index).await {
            Ok(file) => {
                let mut res = file.into_response(&http_req);
                res.headers_mut().insert(
                    header::CACHE_CONTROL,
                    header::HeaderValue::from_static("no-cache"),
                );
                res
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot read the SPA index");
                ApiError::NotFound.error_response()
            }
        }
    } else {
        ApiError::NotFound.error_response()
    };
    ServiceResponse::new(http_req, response)
}

fn serves_index(req: &HttpRequest) -> bool {
    let path = req.path();
    let last = path.rsplit('/').next().unwrap_or_default();
    matches!(*req.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/api/")
        && path != "/api"
        && !last.contains('.')
}

/// The 404 for any path no route matches (used when the SPA is not built, and for API paths).
pub async fn not_found(_req: HttpRequest) -> HttpResponse {
    ApiError::NotFound.error_response()
}

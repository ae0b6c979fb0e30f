//! Evidence files as HTTP answers, shared by pages and API.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use taizhang_core::evidence::Evidence;

/// The stored file (or its JPEG thumbnail), never rendered inline as HTML.
pub fn file_response(evidence: &Evidence, bytes: Vec<u8>, thumbnail: bool) -> Response {
    let content_type = if thumbnail { "image/jpeg".to_owned() } else { evidence.content_type.clone() };
    let disposition =
        if evidence.is_image() || evidence.content_type == "application/pdf" { "inline" } else { "attachment" };
    let name = crate::sheets::encode_filename(&evidence.file_name);
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, format!("{disposition}; filename*=UTF-8''{name}")),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Upload limit of an evidence request: the file limit plus room for the form.
pub const MAX_REQUEST_BYTES: usize = taizhang_core::evidence::MAX_EVIDENCE_BYTES + 64 * 1024;

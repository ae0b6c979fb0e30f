//! Evidence files as HTTP answers, shared by pages and API.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use taizhang_core::evidence::{self, Attachment, Evidence};

/// Attaches an uploaded file to an activity, for pages and API alike. Access
/// is checked before a byte is decoded; a photo's thumbnail is then made on a
/// blocking thread, a few at a time ([`crate::gates::Gates::images`]), within
/// the decoder's limits on size.
pub async fn attach(
    state: &crate::AppState,
    actor: &taizhang_core::auth::Actor,
    activity_id: i64,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Evidence, taizhang_core::Error> {
    state.services.evidence_may_add(actor, activity_id).await?;
    let thumb = thumbnail(state, bytes.clone()).await?;
    state.services.evidence_add(actor, activity_id, file_name, bytes, thumb).await
}

/// Stores a new record checked with its files: thumbnails of its photos
/// first (as [`thumbnail`] makes them), then the record and every file in
/// one transaction.
pub async fn create_activity(
    state: &crate::AppState,
    actor: &taizhang_core::auth::Actor,
    mut new: taizhang_core::service::NewActivity,
) -> Result<taizhang_core::ledger::Activity, taizhang_core::Error> {
    let images: Vec<(usize, Vec<u8>)> = new.images().map(|(i, bytes)| (i, bytes.to_vec())).collect();
    for (i, bytes) in images {
        new.set_thumbnail(i, thumbnail(state, bytes).await?);
    }
    state.services.activity_create_checked(actor, new).await
}

/// A photo's thumbnail, made on a blocking thread a few at a time
/// ([`crate::gates::Gates::images`]) within the decoder's limits; None when
/// the bytes are no photo it can read. Called only after the account's right
/// to store the file was checked.
pub async fn thumbnail(state: &crate::AppState, bytes: Vec<u8>) -> Result<Option<Vec<u8>>, taizhang_core::Error> {
    let permit = state.gates.images.enter().await?;
    Ok(tokio::task::spawn_blocking(move || {
        let _permit = permit;
        taizhang_docs::thumbnail(&bytes)
    })
    .await
    .ok()
    .flatten())
}

/// The stored file (or its JPEG thumbnail), never rendered inline as HTML
/// and never kept in a cache: evidence may show people.
pub fn file_response(evidence: &Evidence, bytes: Vec<u8>, thumbnail: bool) -> Response {
    let content_type = if thumbnail { "image/jpeg" } else { evidence.content_type.as_str() };
    stored_file(&evidence.file_name, &evidence.content_type, content_type, bytes)
}

/// An attached file (a pledge's scan, a progress photo).
pub fn attachment_response(a: &Attachment, bytes: Vec<u8>) -> Response {
    stored_file(&a.file_name, &a.content_type, &a.content_type, bytes)
}

/// Photos and PDFs open in the browser, other files download; `stored_type`
/// is the file's type, `content_type` what is sent (a thumbnail is a JPEG).
fn stored_file(file_name: &str, stored_type: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let content_type = content_type.to_owned();
    let disposition =
        if stored_type.starts_with("image/") || stored_type == "application/pdf" { "inline" } else { "attachment" };
    // Files stored before names followed the type (or lost bidi controls)
    // are sent under such a name too.
    let file_name = evidence::name_for(&evidence::clean_file_name(file_name), stored_type);
    let name = crate::sheets::encode_filename(&file_name);
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, format!("{disposition}; filename*=UTF-8''{name}")),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Upload limit of an evidence request: the file limit plus room for the form.
pub const MAX_REQUEST_BYTES: usize = taizhang_core::evidence::MAX_EVIDENCE_BYTES + 64 * 1024;

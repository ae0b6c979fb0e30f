//! The work summary as HTTP answers, shared by pages and API.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use taizhang_core::auth::Actor;
use taizhang_core::{Error, Services};
use taizhang_docs::report::{self, Document, Format};

/// The summary of an org and period, built from the ledgers with the default
/// template, and the warnings to show before it is sent. A template that
/// fails is an input error on `template`.
pub async fn summary(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
) -> Result<(Document, Vec<String>), Error> {
    let data = services.summary_data(actor, org_id, period).await?;
    let markup =
        report::render(report::DEFAULT_SUMMARY, &data).map_err(|e| Error::invalid("template", e.to_string()))?;
    Ok((report::parse(&markup), data.warnings))
}

/// Generates the summary and keeps it as a version.
pub async fn keep(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
) -> Result<taizhang_core::summary::SavedSummary, Error> {
    let data = services.summary_data(actor, org_id, period).await?;
    let markup =
        report::render(report::DEFAULT_SUMMARY, &data).map_err(|e| Error::invalid("template", e.to_string()))?;
    let title = report::parse(&markup).title;
    services.summary_keep(actor, &data, data.org_id, &title, markup).await
}

/// "docx", "html" or "md", as an input error on `format` otherwise.
pub fn format(raw: &str) -> Result<Format, Error> {
    Format::parse(if raw.trim().is_empty() { "docx" } else { raw })
        .ok_or_else(|| Error::invalid("format", "格式应为 docx、html 或 md"))
}

/// The summary as a download named after its title.
pub fn download(doc: &Document, format: Format) -> Result<Response, Error> {
    let bytes = report::write(doc, format).map_err(Error::Storage)?;
    let name = crate::sheets::encode_filename(&format!("{}.{}", doc.title, format.extension()));
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{name}")),
        ],
        bytes,
    )
        .into_response())
}

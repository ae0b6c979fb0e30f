//! The work summary as HTTP answers, shared by pages and API.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use taizhang_core::auth::Actor;
use taizhang_core::{Error, Services};
use taizhang_docs::report::{self, Document, Format};

/// The summary of an org and period, built from the ledgers with the org's
/// template, and the warnings to show before it is sent. A template that
/// fails is an input error on `source`.
pub async fn summary(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
) -> Result<(Document, Vec<String>), Error> {
    render(services, actor, org_id, period, None).await
}

/// The summary rendered with `source`, or with the org's template when `None`.
pub async fn render(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
    source: Option<&str>,
) -> Result<(Document, Vec<String>), Error> {
    let data = services.summary_data(actor, org_id, period).await?;
    let markup = match source {
        Some(source) => markup(source, &data)?,
        None => markup(&template(services, actor, Some(data.org_id)).await?, &data)?,
    };
    Ok((report::parse(&markup), data.warnings))
}

/// Generates the summary with the org's template and keeps it as a version.
pub async fn keep(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
) -> Result<taizhang_core::summary::SavedSummary, Error> {
    let data = services.summary_data(actor, org_id, period).await?;
    let markup = markup(&template(services, actor, Some(data.org_id)).await?, &data)?;
    let title = report::parse(&markup).title;
    services.summary_keep(actor, &data, data.org_id, &title, markup).await
}

/// The template an org's summaries use (its own, an ancestor's, or the default).
pub async fn template(services: &Services, actor: &Actor, org_id: Option<i64>) -> Result<String, Error> {
    let found = services.summary_template(actor, org_id).await?;
    Ok(found.source.unwrap_or_else(|| report::DEFAULT_SUMMARY.to_owned()))
}

/// The markup of a template over the facts; a template error is an input
/// error on `source`, naming its line.
fn markup(source: &str, data: &taizhang_core::summary::SummaryData) -> Result<String, Error> {
    report::render(source, data).map_err(|e| Error::invalid("source", e.to_string()))
}

/// "docx", "pdf", "html" or "md", as an input error on `format` otherwise.
pub fn format(raw: &str) -> Result<Format, Error> {
    Format::parse(if raw.trim().is_empty() { "docx" } else { raw })
        .ok_or_else(|| Error::invalid("format", "格式应为 docx、pdf、html 或 md"))
}

/// The summary as a download named after its title. Written on a blocking
/// thread: a PDF waits for LibreOffice.
pub async fn download(doc: Document, format: Format) -> Result<Response, Error> {
    let title = doc.title.clone();
    let bytes = tokio::task::spawn_blocking(move || report::write(&doc, format))
        .await
        .map_err(|e| Error::Storage(e.to_string()))?
        .map_err(|e| if format == Format::Pdf { Error::Unavailable(e) } else { Error::Storage(e) })?;
    let doc_title = title;
    let name = crate::sheets::encode_filename(&format!("{doc_title}.{}", format.extension()));
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{name}")),
        ],
        bytes,
    )
        .into_response())
}

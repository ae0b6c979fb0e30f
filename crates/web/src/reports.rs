//! The work summary as HTTP answers, shared by pages and API: the use cases
//! of `taizhang_reports::summary` with the web's way of running templates
//! ([`WebRenderer`]), the web's addresses for citations ([`cite_href`]) and
//! downloads.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use taizhang_core::Error;
use taizhang_core::auth::Actor;
use taizhang_core::summary::{SavedSummary, SummaryData};
use taizhang_docs::report::{self, Document, Format};
use taizhang_reports::summary::{self as use_case, Renderer};

use crate::AppState;

pub use taizhang_reports::summary::format;

/// Runs templates as a server must: the built-in presets are trusted and
/// render on a blocking thread; a template a user wrote runs at most a few at
/// a time ([`crate::gates::Gates::templates`]), in the template worker (a
/// child process with a memory limit, killed after
/// [`use_case::TEMPLATE_TIME`]) when the server has one, otherwise on a
/// blocking thread that the request stops waiting for after that time.
pub struct WebRenderer<'a>(pub &'a AppState);

#[async_trait::async_trait]
impl Renderer for WebRenderer<'_> {
    async fn markup(&self, source: &str, data: &SummaryData) -> Result<String, Error> {
        if report::is_preset(source) {
            return use_case::render_trusted(source, data).await;
        }
        let permit = self.0.gates.templates.enter().await?;
        match &self.0.config.template_worker {
            Some(program) => {
                let markup = use_case::render_in_worker(program, source, data).await;
                drop(permit);
                markup
            }
            // The permit goes with the work: a template that outlives the
            // request still holds its place until it ends.
            None => use_case::render_in_thread(source, data, permit).await,
        }
    }
}

/// The summary of an org and period, built from the ledgers with the org's
/// template, and the warnings to show before it is sent. A template that
/// fails is an input error on `source`.
pub async fn summary(
    state: &AppState,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
) -> Result<(Document, Vec<String>), Error> {
    render(state, actor, org_id, period, None).await
}

/// The summary rendered with `source`, or with the org's template when `None`.
pub async fn render(
    state: &AppState,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
    source: Option<&str>,
) -> Result<(Document, Vec<String>), Error> {
    use_case::render(&state.services, actor, org_id, period, source, &WebRenderer(state)).await
}

/// The facts of an org's summary of a period and the markup its template
/// makes of them.
pub async fn generate(
    state: &AppState,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
) -> Result<(SummaryData, String), Error> {
    use_case::generate(&state.services, actor, org_id, period, &WebRenderer(state)).await
}

/// Generates the summary with the org's template and keeps it as a version.
pub async fn keep(state: &AppState, actor: &Actor, org_id: Option<i64>, period: &str) -> Result<SavedSummary, Error> {
    use_case::keep(&state.services, actor, org_id, period, &WebRenderer(state)).await
}

/// The page of the records a citation names (kind "activity", rest "1,2" →
/// the activity list of those ids); `None` for kinds without a page.
pub fn cite_href(kind: &str, rest: &str) -> Option<String> {
    if kind == "activities" {
        // A list's filter: "activities:org_id=1&period=2025&kind=sanitation".
        return Some(format!("/activities?{rest}"));
    }
    if kind == "indicator_values" {
        // The values behind a large sum: "indicator_values:org_id=3&period=2021".
        return Some(format!("/indicators?{rest}"));
    }
    let ids: Vec<&str> =
        rest.split(',').map(str::trim).filter(|s| s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty()).collect();
    if ids.is_empty() {
        return None;
    }
    let base = match kind {
        "activity" if ids.len() == 1 => return Some(format!("/activities/{}", ids[0])),
        "activity" => "/activities?ids=",
        "case" if ids.len() == 1 => return Some(format!("/cases/{}", ids[0])),
        "case" => "/cases?ids=",
        "project" => return Some(format!("/projects/{}", ids[0])),
        "pledge" => return Some("/responsibility".to_owned()),
        "screening" => return Some(format!("/screenings/{}", ids[0])),
        "key_person" => return Some("/key-persons?all=1".to_owned()),
        "follow_up" => return Some("/follow-ups".to_owned()),
        "disinfection" => return Some("/disinfections".to_owned()),
        "rectification" => return Some("/rectifications".to_owned()),
        "indicator_value" => return Some("/indicators".to_owned()),
        _ => return None,
    };
    Some(format!("{base}{}", ids.join(",")))
}

/// The document as an HTML fragment, its citations linked to the site's pages.
pub fn html(doc: &Document) -> String {
    report::html(doc, &cite_href)
}

/// The summary as a download named after its title. Written on a blocking
/// thread; a PDF waits for LibreOffice (as the configuration's
/// [`report::PdfConfig`] says), a few at a time ([`crate::gates::Gates::pdf`]),
/// and the PDF of a document converted lately is served again without
/// converting.
pub async fn download(state: &AppState, doc: Document, format: Format) -> Result<Response, Error> {
    let title = doc.title.clone();
    let pdf = state.config.pdf.clone();
    let bytes = if format == Format::Pdf {
        let key = format!("{doc:?}");
        match state.gates.cached_pdf(&key) {
            Some(bytes) => bytes.as_ref().clone(),
            None => {
                let permit = state.gates.pdf.enter().await?;
                let bytes = tokio::task::spawn_blocking(move || {
                    let _permit = permit;
                    report::write(&doc, format, &cite_href, &pdf)
                })
                .await
                .map_err(|e| Error::Storage(e.to_string()))?
                .map_err(Error::Unavailable)?;
                state.gates.keep_pdf(key, std::sync::Arc::new(bytes.clone()));
                bytes
            }
        }
    } else {
        tokio::task::spawn_blocking(move || report::write(&doc, format, &cite_href, &pdf))
            .await
            .map_err(|e| Error::Storage(e.to_string()))?
            .map_err(Error::Storage)?
    };
    let name = crate::sheets::encode_filename(&format!("{title}.{}", format.extension()));
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{name}")),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::cite_href;

    #[test]
    fn citations_lead_to_the_pages_of_their_records() {
        assert_eq!(cite_href("activity", "7").as_deref(), Some("/activities/7"));
        assert_eq!(cite_href("activity", "1, 2").as_deref(), Some("/activities?ids=1,2"));
        assert_eq!(
            cite_href("activities", "org_id=1&period=2025").as_deref(),
            Some("/activities?org_id=1&period=2025")
        );
        assert_eq!(cite_href("case", "3").as_deref(), Some("/cases/3"));
        assert_eq!(cite_href("activity", "x"), None);
        assert_eq!(cite_href("unknown", "1"), None);
    }
}

//! The work summary as HTTP answers, shared by pages and API.

use std::process::Stdio;
use std::time::Duration;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use taizhang_core::auth::Actor;
use taizhang_core::summary::SummaryData;
use taizhang_core::{Error, Services};
use taizhang_docs::report::{self, Document, Format};
use tokio::io::AsyncWriteExt;

use crate::AppState;

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
    let data = state.services.summary_data(actor, org_id, period).await?;
    let markup = match source {
        Some(source) => markup(state, source, &data).await?,
        None => {
            markup(state, &template(&state.services, actor, Some(data.org_id), &data.org_kind).await?, &data).await?
        }
    };
    Ok((report::parse(&markup), data.warnings))
}

/// The facts of an org's summary of a period and the markup its template
/// makes of them.
pub async fn generate(
    state: &AppState,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
) -> Result<(SummaryData, String), Error> {
    let data = state.services.summary_data(actor, org_id, period).await?;
    let markup =
        markup(state, &template(&state.services, actor, Some(data.org_id), &data.org_kind).await?, &data).await?;
    Ok((data, markup))
}

/// Generates the summary with the org's template and keeps it as a version.
pub async fn keep(
    state: &AppState,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
) -> Result<taizhang_core::summary::SavedSummary, Error> {
    let (data, markup) = generate(state, actor, org_id, period).await?;
    let title = report::parse(&markup).title;
    state.services.summary_keep(actor, &data, data.org_id, &title, markup).await
}

/// The template an org's summaries use: its own, an ancestor's, or the
/// preset of its kind (`kind`, as `OrgKind::as_str`).
pub async fn template(services: &Services, actor: &Actor, org_id: Option<i64>, kind: &str) -> Result<String, Error> {
    let found = services.summary_template(actor, org_id).await?;
    Ok(found.source.unwrap_or_else(|| report::preset_for_kind(kind).to_owned()))
}

/// How long a user's template may run before it is stopped.
const TEMPLATE_TIME: Duration = Duration::from_secs(5);
/// Memory a template worker may use (address space, in bytes).
pub const TEMPLATE_MEMORY: u64 = 512 * 1024 * 1024;

/// The markup of a template over the facts; a template error is an input
/// error on `source`, naming its line.
///
/// The built-in presets are trusted and render on a blocking thread. A
/// template a user wrote runs at most a few at a time ([`crate::gates::Gates::templates`]),
/// in the template worker (a child process with a memory limit, killed after
/// [`TEMPLATE_TIME`]) when the server has one, otherwise on a blocking thread
/// that the request stops waiting for after that time.
async fn markup(state: &AppState, source: &str, data: &SummaryData) -> Result<String, Error> {
    let failed = |e: report::TemplateError| Error::invalid("source", e.to_string());
    let stopped = || {
        Error::invalid(
            "source",
            format!("模板运行超过{}秒或占用内存过多，已停止；请减少循环或拼接的文字", TEMPLATE_TIME.as_secs()),
        )
    };
    if report::is_preset(source) {
        let (source, data) = (source.to_owned(), data.clone());
        return tokio::task::spawn_blocking(move || report::render(&source, &data))
            .await
            .map_err(|e| Error::Storage(e.to_string()))?
            .map_err(failed);
    }
    let permit = state.gates.templates.enter().await?;
    let Some(program) = &state.config.template_worker else {
        let (source, data) = (source.to_owned(), data.clone());
        // The permit goes with the work: a template that outlives the
        // request still holds its place until it ends.
        let work = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            report::render(&source, &data)
        });
        return match tokio::time::timeout(TEMPLATE_TIME, work).await {
            Ok(done) => done.map_err(|e| Error::Storage(e.to_string()))?.map_err(failed),
            Err(_) => Err(stopped()),
        };
    };
    let request = serde_json::to_vec(&report::WorkerRequest { source: source.to_owned(), data })
        .map_err(|e| Error::Storage(e.to_string()))?;
    let mut child = tokio::process::Command::new(program)
        .arg("render-template")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Error::Storage(format!("template worker: {e}")))?;
    let mut stdin = child.stdin.take().ok_or_else(|| Error::Storage("template worker: no stdin".into()))?;
    let run = async move {
        stdin.write_all(&request).await?;
        drop(stdin);
        child.wait_with_output().await
    };
    let output = match tokio::time::timeout(TEMPLATE_TIME, run).await {
        Ok(Ok(output)) => output,
        // A worker that broke its pipe died of its limits.
        Ok(Err(_)) | Err(_) => return Err(stopped()),
    };
    drop(permit);
    match serde_json::from_slice::<report::WorkerAnswer>(&output.stdout) {
        Ok(report::WorkerAnswer::Markup(markup)) => Ok(markup),
        Ok(report::WorkerAnswer::Failed { line, message }) => Err(failed(report::TemplateError { line, message })),
        Err(_) => Err(stopped()),
    }
}

/// "docx", "pdf", "html" or "md", as an input error on `format` otherwise.
pub fn format(raw: &str) -> Result<Format, Error> {
    Format::parse(if raw.trim().is_empty() { "docx" } else { raw })
        .ok_or_else(|| Error::invalid("format", "格式应为 docx、pdf、html 或 md"))
}

/// The summary as a download named after its title. Written on a blocking
/// thread; a PDF waits for LibreOffice, a few at a time ([`crate::gates::Gates::pdf`]), and
/// the PDF of a document converted lately is served again without converting.
pub async fn download(state: &AppState, doc: Document, format: Format) -> Result<Response, Error> {
    let title = doc.title.clone();
    let bytes = if format == Format::Pdf {
        let key = format!("{doc:?}");
        match state.gates.cached_pdf(&key) {
            Some(bytes) => bytes.as_ref().clone(),
            None => {
                let permit = state.gates.pdf.enter().await?;
                let bytes = tokio::task::spawn_blocking(move || {
                    let _permit = permit;
                    report::write(&doc, format)
                })
                .await
                .map_err(|e| Error::Storage(e.to_string()))?
                .map_err(Error::Unavailable)?;
                state.gates.keep_pdf(key, std::sync::Arc::new(bytes.clone()));
                bytes
            }
        }
    } else {
        tokio::task::spawn_blocking(move || report::write(&doc, format))
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

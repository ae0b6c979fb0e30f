//! The work summary (工作总结): the facts of an org and period, the template
//! that words them (the org's own, an ancestor's or the preset of its kind),
//! the markup it makes and the document parsed from it.
//!
//! Where a template runs is the caller's choice ([`Renderer`]): the web runs
//! a template a user wrote in the template worker, a few at a time; the
//! command line runs the operator's own in process ([`InProcess`]). The
//! helpers here ([`render_trusted`], [`render_in_thread`],
//! [`render_in_worker`]) are the ways a renderer may take.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use taizhang_core::auth::Actor;
use taizhang_core::summary::{SavedSummary, SummaryData};
use taizhang_core::{Error, Services};
use taizhang_docs::report::{self, Document, Format};
use tokio::io::AsyncWriteExt;

/// How long a user's template may run before it is stopped.
pub const TEMPLATE_TIME: Duration = Duration::from_secs(5);
/// Memory a template worker may use (address space, in bytes).
pub const TEMPLATE_MEMORY: u64 = 512 * 1024 * 1024;

/// Turns a template and the facts into markup; a template that fails is an
/// input error on `source`, naming its line.
#[async_trait::async_trait]
pub trait Renderer: Send + Sync {
    async fn markup(&self, source: &str, data: &SummaryData) -> Result<String, Error>;
}

/// Renders every template in this process, on a blocking thread and without
/// a time limit: for a program whose templates are its operator's own.
pub struct InProcess;

#[async_trait::async_trait]
impl Renderer for InProcess {
    async fn markup(&self, source: &str, data: &SummaryData) -> Result<String, Error> {
        render_trusted(source, data).await
    }
}

/// The template an org's summaries use: its own, an ancestor's, or the
/// preset of its kind (`kind`, as `OrgKind::as_str`).
pub async fn template(services: &Services, actor: &Actor, org_id: Option<i64>, kind: &str) -> Result<String, Error> {
    let found = services.summary_template(actor, org_id).await?;
    Ok(found.source.unwrap_or_else(|| report::preset_for_kind(kind).to_owned()))
}

/// The markup of the facts, with `source` or, when `None`, the template of
/// the facts' org.
pub async fn markup(
    services: &Services,
    actor: &Actor,
    data: &SummaryData,
    source: Option<&str>,
    renderer: &dyn Renderer,
) -> Result<String, Error> {
    match source {
        Some(source) => renderer.markup(source, data).await,
        None => renderer.markup(&template(services, actor, Some(data.org_id), &data.org_kind).await?, data).await,
    }
}

/// The summary of an org and period rendered with `source`, or with the
/// org's template when `None`, and the warnings to show before it is sent.
pub async fn render(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
    source: Option<&str>,
    renderer: &dyn Renderer,
) -> Result<(Document, Vec<String>), Error> {
    let data = services.summary_data(actor, org_id, period).await?;
    let markup = markup(services, actor, &data, source, renderer).await?;
    Ok((report::parse(&markup), data.warnings))
}

/// The facts of an org's summary of a period and the markup its template
/// makes of them.
pub async fn generate(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
    renderer: &dyn Renderer,
) -> Result<(SummaryData, String), Error> {
    let data = services.summary_data(actor, org_id, period).await?;
    let markup = markup(services, actor, &data, None, renderer).await?;
    Ok((data, markup))
}

/// Generates the summary with the org's template and keeps it as a version.
pub async fn keep(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
    renderer: &dyn Renderer,
) -> Result<SavedSummary, Error> {
    let (data, markup) = generate(services, actor, org_id, period, renderer).await?;
    let title = report::parse(&markup).title;
    services.summary_keep(actor, &data, data.org_id, &title, markup).await
}

/// "docx", "pdf", "html" or "md" (docx when blank), as an input error on
/// `format` otherwise.
pub fn format(raw: &str) -> Result<Format, Error> {
    Format::parse(if raw.trim().is_empty() { "docx" } else { raw })
        .ok_or_else(|| Error::invalid("format", "格式应为 docx、pdf、html 或 md"))
}

fn failed(e: report::TemplateError) -> Error {
    Error::invalid("source", e.to_string())
}

fn stopped() -> Error {
    Error::invalid(
        "source",
        format!("模板运行超过{}秒或占用内存过多，已停止；请减少循环或拼接的文字", TEMPLATE_TIME.as_secs()),
    )
}

/// Renders on a blocking thread and waits for it: for the built-in presets
/// and templates one trusts.
pub async fn render_trusted(source: &str, data: &SummaryData) -> Result<String, Error> {
    let (source, data) = (source.to_owned(), data.clone());
    tokio::task::spawn_blocking(move || report::render(&source, &data))
        .await
        .map_err(|e| Error::Storage(e.to_string()))?
        .map_err(failed)
}

/// Renders on a blocking thread that the caller stops waiting for after
/// [`TEMPLATE_TIME`]. `hold` goes with the work (a permit: a template that
/// outlives the request still holds its place until it ends).
pub async fn render_in_thread(source: &str, data: &SummaryData, hold: impl Send + 'static) -> Result<String, Error> {
    let (source, data) = (source.to_owned(), data.clone());
    let work = tokio::task::spawn_blocking(move || {
        let _hold = hold;
        report::render(&source, &data)
    });
    match tokio::time::timeout(TEMPLATE_TIME, work).await {
        Ok(done) => done.map_err(|e| Error::Storage(e.to_string()))?.map_err(failed),
        Err(_) => Err(stopped()),
    }
}

/// Renders in the template worker: `program render-template`, a child
/// process that sets its own memory limit ([`TEMPLATE_MEMORY`]), killed
/// after [`TEMPLATE_TIME`].
pub async fn render_in_worker(program: &Path, source: &str, data: &SummaryData) -> Result<String, Error> {
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
    match serde_json::from_slice::<report::WorkerAnswer>(&output.stdout) {
        Ok(report::WorkerAnswer::Markup(markup)) => Ok(markup),
        Ok(report::WorkerAnswer::Failed { line, message }) => Err(failed(report::TemplateError { line, message })),
        Err(_) => Err(stopped()),
    }
}

//! Spreadsheet answers shared by pages and API: exports, the import
//! template, error reports.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use taizhang_core::auth::Actor;
use taizhang_core::ledger::{CHANNELS, SheetActivity};
use taizhang_core::service::ActivityFilter;
use taizhang_core::{Error, FieldError, Services};
use taizhang_docs::{ActivityExport, SheetError, TemplateChoices};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Largest spreadsheet accepted for import.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

pub fn encode_filename(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A download of an .xlsx file named in Chinese.
pub fn xlsx_response(file_name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{}", encode_filename(file_name))),
        ],
        bytes,
    )
        .into_response()
}

pub fn sheet_error(e: SheetError) -> Error {
    match e {
        SheetError::Write(detail) => Error::Storage(detail),
        other => Error::invalid("file", other.to_string()),
    }
}

/// The ledger of the filter as a workbook, with its file name.
pub async fn export(services: &Services, actor: &Actor, filter: &ActivityFilter) -> Result<(String, Vec<u8>), Error> {
    let activities = services.activity_export(actor, filter).await?;
    let mut rows = Vec::with_capacity(activities.len());
    for a in &activities {
        rows.push(ActivityExport {
            sheet: services.activity_sheet(actor, a).await?,
            present: a.fields.present_count(),
        });
    }
    let org = match filter.org_id.or(actor.org_id) {
        Some(id) => services.visible_org(actor, id).await?.name,
        None => "全部".to_owned(),
    };
    let period = filter
        .period
        .as_deref()
        .and_then(|p| taizhang_core::period::Period::parse(p).ok())
        .map(|p| format!("（{}）", p.label()))
        .unwrap_or_default();
    let title = format!("{org}工作台账{period}");
    let bytes = taizhang_docs::activities_workbook(&title, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// The import template with the actor's orgs, areas and campaigns in its lists.
pub async fn template(services: &Services, actor: &Actor) -> Result<Vec<u8>, Error> {
    let (orgs, work_areas, campaigns) = services.activity_template_choices(actor).await?;
    let sample = SheetActivity {
        org: orgs.first().cloned().unwrap_or_default(),
        date: "2020-04-10".into(),
        start_time: "09:00".into(),
        kind: "宣传".into(),
        work_area: "扫黑除恶专项斗争宣传".into(),
        title: "扫黑除恶专项斗争宣传".into(),
        place: "矿区主干道".into(),
        campaign: "扫黑除恶专项斗争".into(),
        channels: "标语、横幅、展板、微信群".into(),
        banners: "10".into(),
        boards: "6".into(),
        ..Default::default()
    };
    let choices = TemplateChoices {
        orgs,
        kinds: services.kinds_for(actor).await?.into_iter().map(|(_, l)| l).collect(),
        work_areas,
        campaigns,
        channels: CHANNELS.iter().map(|(_, l)| (*l).to_owned()).collect(),
        sample,
    };
    taizhang_docs::activity_template(&choices).map_err(sheet_error)
}

/// Reads and imports an uploaded workbook.
pub async fn import(services: &Services, actor: &Actor, bytes: &[u8], source: &str) -> Result<usize, Error> {
    let rows = taizhang_docs::read_activities(bytes).map_err(sheet_error)?;
    services.activity_import(actor, rows, source).await
}

/// Field errors of an import as (row, column, message) lines.
pub fn problems(errors: &[FieldError]) -> Vec<(Option<usize>, String, String)> {
    errors
        .iter()
        .map(|e| {
            let row = e.field.strip_prefix("rows[").and_then(|r| r.split(']').next()).and_then(|r| r.parse().ok());
            let column = e
                .field
                .rsplit('.')
                .next()
                .and_then(|key| taizhang_core::ledger::SHEET_COLUMNS.iter().find(|(k, _)| *k == key))
                .map_or_else(String::new, |(_, h)| (*h).to_owned());
            (row, column, e.message.clone())
        })
        .collect()
}

pub fn error_report(errors: &[FieldError]) -> Result<Vec<u8>, Error> {
    taizhang_docs::error_report("工作台账导入错误报告：以下行未导入，整个文件均未导入。", &problems(errors))
        .map_err(sheet_error)
}

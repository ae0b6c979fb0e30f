//! Spreadsheet answers shared by pages and API: exports, the import
//! template, error reports.

use crate::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use taizhang_core::auth::Actor;
use taizhang_core::ledger::{CHANNELS, SheetActivity};
use taizhang_core::service::ActivityFilter;
use taizhang_core::{Error, FieldError, Services};
use taizhang_docs::{ActivityExport, Cell, Problem, SheetError, TemplateChoices, table_workbook};

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

/// Reads and imports an uploaded workbook: the account's right to import
/// is checked before the file is read, and the reading waits for its turn
/// ([`crate::gates::Gates::imports`]).
pub async fn import(state: &AppState, actor: &Actor, bytes: &[u8], source: &str) -> Result<usize, Error> {
    state.services.activity_may_import(actor)?;
    let permit = state.gates.imports.enter().await?;
    let bytes = bytes.to_vec();
    let rows = state
        .gates
        .import_lane
        .run(move || {
            let _permit = permit;
            taizhang_docs::read_activities(&bytes)
        })
        .await?
        .map_err(sheet_error)?;
    state.services.activity_import(actor, rows, source).await
}

/// Field errors of an activity import as (row, column, message) lines.
pub fn problems(errors: &[FieldError]) -> Vec<(Option<usize>, String, String)> {
    lines(&field_problems(errors, activity_header))
}

/// The header of an activity sheet column.
fn activity_header(key: &str) -> &'static str {
    taizhang_core::ledger::SHEET_COLUMNS.iter().find(|(k, _)| *k == key).map_or("", |(_, h)| *h)
}

/// Field errors (`rows[N].key`, N the 1-based sheet row) as problems: the
/// row, the column's key and header, the message.
fn field_problems(errors: &[FieldError], header: impl Fn(&str) -> &'static str) -> Vec<Problem> {
    errors
        .iter()
        .map(|e| {
            let row = e.field.strip_prefix("rows[").and_then(|r| r.split(']').next()).and_then(|r| r.parse().ok());
            let key = if row.is_some() { e.field.rsplit('.').next().unwrap_or_default() } else { "" };
            Problem { row, key: key.to_owned(), column: header(key).to_owned(), message: e.message.clone() }
        })
        .collect()
}

/// Problems as (row, column header, message) lines.
fn lines(problems: &[Problem]) -> Vec<(Option<usize>, String, String)> {
    problems.iter().map(|p| (p.row, p.column.clone(), p.message.clone())).collect()
}

const ACTIVITY_REPORT_TITLE: &str = "工作台账导入错误报告：以下行未导入，整个文件均未导入。";
const ROSTER_REPORT_TITLE: &str = "居民花名册导入错误报告：以下行有误，整个文件均未导入。";

/// The error report of an import: when some errors name rows and the upload
/// reads again, the uploaded sheet with its bad cells red and a 错误说明
/// column, the list on a second sheet ([`taizhang_docs::roster_error_workbook`]);
/// otherwise the list alone.
fn report(
    title: &str,
    problems: &[Problem],
    marked: impl FnOnce(&[Problem]) -> Result<Vec<u8>, SheetError>,
) -> Result<Vec<u8>, Error> {
    if problems.iter().any(|p| p.row.is_some()) {
        match marked(problems) {
            Ok(bytes) => return Ok(bytes),
            Err(SheetError::Write(detail)) => tracing::warn!(%detail, "marked error workbook failed; the list instead"),
            Err(_) => {}
        }
    }
    taizhang_docs::error_report(title, &lines(problems)).map_err(sheet_error)
}

/// The error report of an activity import, from the uploaded bytes.
pub fn error_report(errors: &[FieldError], bytes: &[u8]) -> Result<Vec<u8>, Error> {
    report(ACTIVITY_REPORT_TITLE, &field_problems(errors, activity_header), |problems| {
        taizhang_docs::activities_error_workbook(bytes, ACTIVITY_REPORT_TITLE, problems)
    })
}

/// Field errors of a roster import as (row, column, message) lines.
pub fn roster_problems(errors: &[FieldError]) -> Vec<(Option<usize>, String, String)> {
    lines(&field_problems(errors, taizhang_core::grid::roster_header))
}

/// The error report of a roster import, from the uploaded bytes (.xlsx or
/// CSV) and the column mapping it was read with ([`parse_mapping`]'s text).
pub fn roster_error_report(errors: &[FieldError], bytes: &[u8], mapping: &str) -> Result<Vec<u8>, Error> {
    let problems = field_problems(errors, taizhang_core::grid::roster_header);
    report(ROSTER_REPORT_TITLE, &problems, |problems| {
        taizhang_docs::roster_error_workbook(bytes, &parse_mapping(mapping), ROSTER_REPORT_TITLE, problems)
    })
}

/// Makes an error report as heavy work: in turn with imports, on their lane
/// (it reads the upload again). When no turn comes, the list alone, which
/// costs nothing to make.
async fn report_in_turn(
    state: &AppState,
    make: impl FnOnce() -> Result<Vec<u8>, Error> + Send + 'static,
    list: impl FnOnce() -> Result<Vec<u8>, Error>,
) -> Result<Vec<u8>, Error> {
    match state.gates.imports.enter().await {
        Ok(permit) => {
            state
                .gates
                .import_lane
                .run(move || {
                    let _permit = permit;
                    make()
                })
                .await?
        }
        Err(_) => list(),
    }
}

/// [`error_report`] for a request: in turn with imports.
pub async fn error_report_in_turn(state: &AppState, errors: Vec<FieldError>, bytes: Vec<u8>) -> Result<Vec<u8>, Error> {
    let list = field_problems(&errors, activity_header);
    report_in_turn(
        state,
        move || error_report(&errors, &bytes),
        || taizhang_docs::error_report(ACTIVITY_REPORT_TITLE, &lines(&list)).map_err(sheet_error),
    )
    .await
}

/// [`roster_error_report`] for a request: in turn with imports.
pub async fn roster_error_report_in_turn(
    state: &AppState,
    errors: Vec<FieldError>,
    bytes: Vec<u8>,
    mapping: String,
) -> Result<Vec<u8>, Error> {
    let list = field_problems(&errors, taizhang_core::grid::roster_header);
    report_in_turn(
        state,
        move || roster_error_report(&errors, &bytes, &mapping),
        || taizhang_docs::error_report(ROSTER_REPORT_TITLE, &lines(&list)).map_err(sheet_error),
    )
    .await
}

/// Largest roster accepted (a county's roster of 100,000 residents as CSV is about 12 MB).
pub const MAX_ROSTER_BYTES: usize = 64 * 1024 * 1024;

/// Column mapping written as `身份证号=证件号码; 住址=家庭地址` (or one per line).
pub fn parse_mapping(text: &str) -> Vec<(String, String)> {
    text.split([';', '；', '\n', ','])
        .filter_map(|pair| {
            let (k, v) = pair.split_once(['=', '＝', ':', '：'])?;
            let (k, v) = (k.trim(), v.trim());
            (!k.is_empty() && !v.is_empty()).then(|| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

/// Reads and imports an uploaded roster (.xlsx or .csv) under an org, with
/// the same checks before reading and the same turns as [`import`].
pub async fn roster_import(
    state: &AppState,
    actor: &Actor,
    org_id: Option<i64>,
    bytes: &[u8],
    mapping: &str,
    source: &str,
) -> Result<taizhang_core::grid::RosterOutcome, Error> {
    state.services.roster_may_import(actor, org_id).await?;
    let permit = state.gates.imports.enter().await?;
    let (bytes, mapping) = (bytes.to_vec(), parse_mapping(mapping));
    // Reading a spreadsheet is CPU work: off the async workers.
    let rows = state
        .gates
        .import_lane
        .run(move || {
            let _permit = permit;
            taizhang_docs::read_roster(&bytes, &mapping)
        })
        .await?
        .map_err(sheet_error)?;
    state.services.roster_import(actor, org_id, &rows, source).await
}

/// The roster of an org as a workbook, with its file name (masked unless revealed; audited).
pub async fn roster_export(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    reveal: bool,
) -> Result<(String, Vec<u8>), Error> {
    let (org, rows) = services.roster_rows(actor, org_id, reveal).await?;
    let title = format!("{}居民花名册", org.name);
    let bytes = taizhang_docs::roster_workbook(&title, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// The roster import template with the actor's grids in its drop-down list.
pub async fn roster_template(services: &Services, actor: &Actor) -> Result<Vec<u8>, Error> {
    let grids: Vec<String> = services.grids_under(actor, None).await?.into_iter().map(|g| g.name).collect();
    let sample = taizhang_core::grid::RosterRow {
        name: "韦丽华".into(),
        gender: "女".into(),
        id_number: "45900219800101002X".into(),
        birth_date: "1980-01-01".into(),
        mobile: "13800000000".into(),
        address: "1栋1单元101室".into(),
        head: "韦丽华".into(),
        relation: "户主".into(),
        grid: grids.first().cloned().unwrap_or_default(),
        ..Default::default()
    };
    taizhang_docs::roster_template(&grids, taizhang_core::grid::RELATIONS, &sample).map_err(sheet_error)
}

/// The daily report as a ledger workbook: the same figures as the page and the API.
pub fn daily_report_workbook(report: &taizhang_core::grid::DailyReport) -> Result<(String, Vec<u8>), Error> {
    let columns: Vec<(&str, u16)> = vec![
        ("单位", 18),
        ("新增重点人员", 10),
        ("在管重点人员", 10),
        ("解除管控", 10),
        ("健康监测（人次）", 10),
        ("异常", 8),
        ("已随访", 8),
        ("逾期未随访", 10),
        ("消毒场所（次）", 10),
        ("应排查户数", 10),
        ("已排查户数", 10),
        ("户覆盖率", 10),
        ("应排查人数", 10),
        ("已排查人数", 10),
        ("人覆盖率", 10),
    ];
    let row = |l: &taizhang_core::grid::ReportLine| -> Vec<Cell> {
        let n = |v: u64| Cell::Number(v as f64);
        // A hidden count of health checks is the text "<3", as on the page.
        let count = |c: taizhang_core::grid::HealthCount| c.exact().map_or_else(|| Cell::from(c.to_string()), n);
        vec![
            Cell::from(l.org_name.as_str()),
            n(l.new_key_persons),
            n(l.under_care),
            n(l.released),
            count(l.checks),
            count(l.abnormal_checks),
            n(l.follow_ups_done),
            n(l.follow_ups_overdue),
            n(l.disinfections),
            n(l.coverage.households),
            n(l.coverage.visited),
            Cell::from(format!("{}%", l.coverage.household_percent())),
            n(l.coverage.residents),
            n(l.coverage.with_status),
            Cell::from(format!("{}%", l.coverage.person_percent())),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = report.lines.iter().map(row).collect();
    rows.push(row(&report.total));
    let title = format!("{}疫情防控信息报送（{}）", report.org_name, report.day);
    let bytes = table_workbook(&title, "信息报送", &columns, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// Text of an optional date for a ledger cell.
fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The responsibility chain of an org for a year (责任体系台账).
pub async fn responsibility_export(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    year: i32,
) -> Result<(String, Vec<u8>), Error> {
    let chain = services.responsibility_chain(actor, org_id, year).await?;
    let areas = services.work_areas_for(actor).await?;
    let area_names = |ids: &[i64]| -> String {
        ids.iter()
            .filter_map(|id| areas.iter().find(|a| a.id == *id))
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let rows: Vec<Vec<Cell>> = chain
        .iter()
        .map(|link| {
            let first = link.first_responsible.as_ref();
            vec![
                Cell::from(format!("{}{}", "　".repeat(link.depth), link.org.name)),
                Cell::from(first.map(|d| format!("{}（{}）", d.person_name, d.post)).unwrap_or_default()),
                Cell::from(
                    link.others
                        .iter()
                        .map(|d| format!("{}（{}）：{}", d.person_name, d.post, area_names(&d.area_ids)))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                Cell::from(
                    link.pledges
                        .iter()
                        .map(|p| format!("{} {}与{}签订", p.signed_on, p.signer_name, p.counterpart))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                Cell::from(link.gaps.join("；")),
            ]
        })
        .collect();
    let root = chain.first().map(|l| l.org.name.clone()).unwrap_or_default();
    let title = format!("{root}{year}年意识形态工作责任体系台账");
    let columns = [("组织", 24), ("第一责任人", 16), ("班子成员分工（一岗双责）", 40), ("责任状", 36), ("缺项", 24)];
    let bytes = table_workbook(&title, "责任体系", &columns, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// Petitions, disputes and ideology problems of a filter (信访矛盾纠纷台账).
pub async fn cases_export(
    services: &Services,
    actor: &Actor,
    filter: &taizhang_core::service::CaseFilter,
) -> Result<(String, Vec<u8>), Error> {
    let (views, _) = services.case_list(actor, filter).await?;
    let rows: Vec<Vec<Cell>> = views
        .iter()
        .map(|v| {
            let c = &v.case;
            vec![
                Cell::from(c.kind.label()),
                Cell::from(c.received_on.to_string()),
                Cell::from(v.org_name.as_str()),
                Cell::from(c.parties.as_str()),
                Cell::from(c.matter.as_str()),
                Cell::from(c.handler.as_str()),
                Cell::from(day(c.deadline)),
                Cell::from(c.steps.iter().map(|s| format!("{} {}", s.date, s.text)).collect::<Vec<_>>().join("\n")),
                Cell::from(c.outcome.map(|o| o.label()).unwrap_or_default()),
                Cell::from(c.resolution.as_str()),
                Cell::from(day(c.closed_on)),
                Cell::from(v.status.label()),
            ]
        })
        .collect();
    let what = filter.kind.map_or("信访、矛盾纠纷及意识形态问题", |k| k.label());
    let title = format!("{what}台账");
    let columns = [
        ("类别", 10),
        ("受理日期", 12),
        ("组织", 16),
        ("当事人/地点", 18),
        ("事项", 30),
        ("承办人", 10),
        ("办理期限", 12),
        ("办理过程", 36),
        ("结果", 10),
        ("处理情况", 30),
        ("办结日期", 12),
        ("状态", 8),
    ];
    let bytes = table_workbook(&title, "台账", &columns, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// Projects with their milestones and progress (工程项目进度台账).
pub async fn projects_export(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
) -> Result<(String, Vec<u8>), Error> {
    let projects = services.project_list(actor, org_id).await?;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for p in &projects {
        for u in &p.updates {
            rows.push(vec![
                Cell::from(p.name.as_str()),
                Cell::from(u.date.to_string()),
                Cell::from(u32::from(u.percent)),
                Cell::from(u.note.as_str()),
                Cell::from(u.reason.as_str()),
                Cell::from(p.milestones_done(u.date).iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、")),
            ]);
        }
    }
    let title = "工程项目进度台账".to_owned();
    let columns =
        [("项目", 24), ("日期", 12), ("完成进度（%）", 12), ("进展情况", 40), ("进度调整原因", 20), ("已完成节点", 40)];
    let bytes = table_workbook(&title, "项目进度", &columns, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// The problems and plans of an org and period.
pub async fn review_export(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
) -> Result<(String, Vec<u8>), Error> {
    let review = services.review(actor, org_id, period).await?;
    let rows: Vec<Vec<Cell>> = review
        .items
        .iter()
        .map(|i| {
            vec![
                Cell::from(i.section.label()),
                Cell::from(i.text.as_str()),
                Cell::from(if i.source.is_empty() { "人工填写" } else { "台账建议" }),
            ]
        })
        .collect();
    let title = format!("{}{}存在问题和下一步打算", review.org.name, review.period_label);
    let bytes = table_workbook(&title, "问题与打算", &[("类别", 12), ("内容", 80), ("来源", 10)], &rows)
        .map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

// --- indicators (统计指标) ---

const INDICATOR_REPORT_TITLE: &str = "统计指标导入错误报告：以下行有误，整个文件均未导入。";

/// The indicator values of an org (and its direct sub-orgs) for a period as
/// a workbook, one row per indicator and org; `blank` leaves the figures
/// empty (the import template). Imports again as it is.
pub async fn indicator_export(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
    blank: bool,
) -> Result<(String, Vec<u8>), Error> {
    let sheet = services.indicator_sheet(actor, org_id, period).await?;
    let number = |text: &str| match text.parse::<f64>() {
        _ if blank || text.is_empty() => Cell::from(""),
        Ok(n) => Cell::Number(n),
        Err(_) => Cell::from(text),
    };
    let rows: Vec<Vec<Cell>> = sheet
        .lines
        .iter()
        .map(|l| {
            vec![
                Cell::from(l.org_name.as_str()),
                Cell::from(l.indicator.as_str()),
                Cell::from(l.unit.as_str()),
                number(&l.value),
                number(&l.target),
                number(&l.last_year),
                Cell::from(if blank { "" } else { l.note.as_str() }),
            ]
        })
        .collect();
    let what = if blank { "统计指标填报模板" } else { "统计指标" };
    let title = format!("{}{}{what}", sheet.org.name, sheet.period_label);
    let header = taizhang_core::indicator::sheet_header;
    let columns = [
        (header("org"), 20),
        (header("indicator"), 20),
        (taizhang_docs::UNIT_HEADER, 10),
        (header("value"), 12),
        (header("target"), 12),
        (header("last_year"), 12),
        (header("note"), 30),
    ];
    let bytes = table_workbook(&title, "统计指标", &columns, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// Reads and imports an uploaded values sheet for an org and period, with
/// the same checks before reading and the same turns as [`import`].
pub async fn indicator_import(
    state: &AppState,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
    bytes: &[u8],
    source: &str,
) -> Result<usize, Error> {
    state.services.indicator_may_enter(actor, org_id).await?;
    let permit = state.gates.imports.enter().await?;
    let bytes = bytes.to_vec();
    let rows = state
        .gates
        .import_lane
        .run(move || {
            let _permit = permit;
            taizhang_docs::read_indicator_values(&bytes)
        })
        .await?
        .map_err(sheet_error)?;
    state.services.indicator_import(actor, org_id, period, rows, source).await
}

/// Field errors of an indicator import as (row, column, message) lines.
pub fn indicator_problems(errors: &[FieldError]) -> Vec<(Option<usize>, String, String)> {
    lines(&field_problems(errors, taizhang_core::indicator::sheet_header))
}

/// The error report of an indicator import (the upload with its bad cells
/// marked, and the list), in turn with imports.
pub async fn indicator_error_report_in_turn(
    state: &AppState,
    errors: Vec<FieldError>,
    bytes: Vec<u8>,
) -> Result<Vec<u8>, Error> {
    let list = field_problems(&errors, taizhang_core::indicator::sheet_header);
    let problems = list.clone();
    report_in_turn(
        state,
        move || {
            report(INDICATOR_REPORT_TITLE, &problems, |problems| {
                taizhang_docs::indicator_error_workbook(&bytes, INDICATOR_REPORT_TITLE, problems)
            })
        },
        || taizhang_docs::error_report(INDICATOR_REPORT_TITLE, &lines(&list)).map_err(sheet_error),
    )
    .await
}

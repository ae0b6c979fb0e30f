//! The activity ledger (工作台账): its export, its import template, the
//! error report of a bad import.

use taizhang_core::auth::Actor;
use taizhang_core::ledger::{CHANNELS, SheetActivity};
use taizhang_core::service::ActivityFilter;
use taizhang_core::{Error, FieldError, Services};
use taizhang_docs::{ActivityExport, TemplateChoices};

use crate::problems::{Import, sheet_error};

/// The ledger of the filter as a workbook, with its file name.
pub async fn export(services: &Services, actor: &Actor, filter: &ActivityFilter) -> Result<(String, Vec<u8>), Error> {
    let activities = services.activity_export(actor, filter).await?;
    let sheets = services.activity_sheets(actor, &activities).await?;
    let rows: Vec<ActivityExport> = sheets
        .into_iter()
        .zip(&activities)
        .map(|(sheet, a)| ActivityExport { sheet, present: a.fields.present_count() })
        .collect();
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
pub async fn activity_template(services: &Services, actor: &Actor) -> Result<Vec<u8>, Error> {
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

/// Field errors of an activity import as (row, column, message) lines.
pub fn problems(errors: &[FieldError]) -> Vec<(Option<usize>, String, String)> {
    Import::Activities.lines(errors)
}

/// The error report of an activity import, from the uploaded bytes: the
/// upload with its bad cells marked, and the list.
pub fn error_report(errors: &[FieldError], bytes: &[u8]) -> Result<Vec<u8>, Error> {
    Import::Activities
        .report(errors, |title, problems| taizhang_docs::activities_error_workbook(bytes, title, problems))
}

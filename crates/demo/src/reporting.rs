//! The district's upward reporting in 2020, as the seed tells it: the
//! volunteer team reports its volunteer activities to the district each
//! month of H1 (all approved), and the district submits its half-year
//! summary to the county (awaiting the county's review).

use chrono::{Duration, NaiveDate};
use taizhang_core::auth::Actor;
use taizhang_core::model::Id;
use taizhang_core::reporting::Preset;
use taizhang_core::service::{Decision, TaskInput};
use taizhang_core::{Result, Services};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a demo date")
}

pub(crate) async fn load(services: &Services, actor: &Actor, county: Id, district: Id, team: Id) -> Result<()> {
    let monthly = services
        .report_task_create(
            actor,
            &TaskInput {
                org_id: Some(district),
                preset: Preset::MonthlyVolunteer.as_str().into(),
                first_period: "2020-01".into(),
                last_period: "2020-06".into(),
                org_kinds: vec!["volunteer_team".into()],
                note: "每月5日前报送上月志愿服务活动情况，数字以台账为准。".into(),
                ..Default::default()
            },
        )
        .await?;
    for month in 1..=6 {
        let period = format!("2020-{month:02}");
        let month_end = d(&format!("2020-{:02}-01", month % 12 + 1)) - Duration::days(1);
        let sent = month_end + Duration::days(2 + i64::from(month % 3));
        services.submission_save_on(actor, monthly.id, team, &period, &[], true, Some(sent)).await?;
        services.submission_decide(actor, monthly.id, team, &period, Decision::Approve, "").await?;
    }

    let half = services
        .report_task_create(
            actor,
            &TaskInput {
                org_id: Some(county),
                preset: Preset::HalfYearSummary.as_str().into(),
                first_period: "2020H1".into(),
                last_period: "2020H1".into(),
                org_kinds: vec!["party_committee".into()],
                note: "请于7月10日前报送上半年工作总结及主要数据。".into(),
                ..Default::default()
            },
        )
        .await?;
    taizhang_reports::summary::keep(services, actor, Some(district), "2020H1", &taizhang_reports::summary::InProcess)
        .await?;
    services.submission_save_on(actor, half.id, district, "2020H1", &[], true, Some(d("2020-07-08"))).await?;
    Ok(())
}

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Services, parse_date, required_text};
use crate::auth::{Actor, now};
use crate::error::{Error, Problems, Result};
use crate::ledger::{ActivityCounts, kind_name};
use crate::model::{Id, Org, Role};
use crate::period::Period;
use crate::target::{Evaluation, Exemption, Frequency, Target};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExemptionInput {
    pub start: String,
    pub end: String,
    pub reason: String,
}

/// A target as typed or sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TargetInput {
    pub org_id: Option<Id>,
    pub year: i32,
    pub kind: String,
    /// week, month, quarter or year.
    pub frequency: String,
    pub min_count: i64,
    pub include_subtree: bool,
    pub title: String,
    pub exemptions: Vec<ExemptionInput>,
}

/// A target with its evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct TargetStatus {
    pub target: Target,
    pub org_name: String,
    pub evaluation: Evaluation,
    /// One sentence for people: "党委理论中心组学习全年目标10次，已开展4次，还需开展6次".
    pub sentence: String,
}

/// Everything the dashboard of one org and period shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub org: Org,
    pub period: Period,
    pub counts: ActivityCounts,
    pub targets: Vec<TargetStatus>,
    /// Volunteer activities of the period not yet reported to the platform.
    pub unreported: u64,
    /// Activities of the period with no evidence file.
    pub without_evidence: u64,
    /// Rectification orders past their deadline at the period's end (or today).
    pub overdue_rectifications: u64,
}

fn sentence(t: &Target, e: &Evaluation, org_name: &str) -> String {
    let kind = kind_name(&t.kind);
    let per = match t.frequency {
        Frequency::Year => format!("全年目标{}次", t.min_count),
        f => format!("要求{}不少于{}次", f.label(), t.min_count),
    };
    let mut s = format!("{org_name}{kind}{per}，截至{}已开展{}次", e.as_of.format("%Y年%-m月%-d日"), e.done);
    if let Some(expected) = e.behind_pace {
        s.push_str(&format!("（按时间进度应已开展{expected}次）"));
    }
    if !e.missed.is_empty() {
        s.push_str(&format!("，{}未达到要求", e.missed.join("、")));
    }
    if e.still_needed > 0 {
        s.push_str(&format!("，全年还需开展{}次", e.still_needed));
    } else if e.attained {
        s.push_str("，已完成全年目标");
    }
    s
}

impl Services {
    pub async fn target_create(&self, actor: &Actor, input: &TargetInput) -> Result<Target> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id, &mut problems).await;
        if !(2000..=2100).contains(&input.year) {
            problems.add("year", "年度应在2000年至2100年之间");
        }
        let kind = self.resolve_kind(actor, &input.kind).await?;
        if kind.is_none() {
            problems.add("kind", "请选择活动类型");
        }
        let frequency = Frequency::parse(input.frequency.trim());
        if frequency.is_none() {
            problems.add("frequency", "频次只能是每周、每月、每季度或全年");
        }
        if input.min_count < 1 {
            problems.add("min_count", "目标次数至少为1次");
        } else if input.min_count > 1000 {
            problems.add("min_count", "目标次数不能超过1000次");
        }
        let title = match input.title.trim() {
            "" => kind.as_deref().map(|k| kind_name(k).to_owned()),
            t => required_text(&mut problems, "title", "目标名称", t, 60),
        };
        let mut exemptions = Vec::new();
        for (i, e) in input.exemptions.iter().enumerate() {
            let row = format!("第{}个豁免期", i + 1);
            let field = |name: &str| format!("exemptions[{i}].{name}");
            let start = parse_date(&e.start);
            let end = parse_date(&e.end);
            problems.text(&field("reason"), &format!("{row}的原因"), &e.reason);
            if start.is_none() {
                problems.add(&field("start"), format!("{row}的开始日期格式应为“2020-01-20”"));
            }
            if end.is_none() {
                problems.add(&field("end"), format!("{row}的结束日期格式应为“2020-03-22”"));
            }
            if let (Some(s), Some(en)) = (start, end) {
                if s > en {
                    problems.add(&field("end"), format!("{row}的结束日期早于开始日期"));
                } else if s.year() != input.year || en.year() != input.year {
                    problems.add(&field("start"), format!("{row}应在{}年之内", input.year));
                } else {
                    exemptions.push(Exemption { start: s, end: en, reason: e.reason.trim().to_owned() });
                }
            }
        }
        problems.finish()?;
        let target = Target {
            id: 0,
            org_id: org.expect("checked").id,
            year: input.year,
            kind: kind.expect("checked"),
            frequency: frequency.expect("checked"),
            min_count: input.min_count as u32,
            include_subtree: input.include_subtree,
            title: title.unwrap_or_default(),
            exemptions,
        };
        self.store.target_create(target, &actor.ctx()).await
    }

    pub async fn target_delete(&self, actor: &Actor, id: Id) -> Result<()> {
        let target = self.store.target_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, target.org_id).await?;
        actor.require(Role::OrgAdmin)?;
        self.store.target_delete(id, &actor.ctx()).await
    }

    /// The targets of an org's subtree (default: the org in view) for a year
    /// (default: this one), judged today, or at the year's end for a year
    /// past: what the dashboard, the targets page and the API show.
    pub async fn target_statuses(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        year: Option<i32>,
    ) -> Result<Vec<TargetStatus>> {
        let org = self.org_in_view(actor, org_id).await?;
        let today = now().date_naive();
        let year = year.unwrap_or(today.year());
        let as_of = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today).min(today);
        self.target_statuses_at(&org, year, as_of).await
    }

    /// The targets of the orgs in `org`'s subtree for `year`, each judged at
    /// the end of `as_of`. One grouped query serves every target.
    pub async fn target_statuses_at(&self, org: &Org, year: i32, as_of: NaiveDate) -> Result<Vec<TargetStatus>> {
        let year = super::year_param("year", year)?;
        let targets = self.store.target_list(&org.path, year).await?;
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        let tree = self.store.org_subtree(&org.path).await?;
        let mut kinds: Vec<String> = targets.iter().map(|t| t.kind.clone()).collect();
        kinds.sort();
        kinds.dedup();
        let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
        let counts = self.store.activity_day_counts(&org.path, kinds, start, end).await?;
        let mut out = Vec::with_capacity(targets.len());
        for target in targets {
            let owner = tree.iter().find(|o| o.id == target.org_id).ok_or(Error::NotFound)?;
            let counted: Vec<Id> = if target.include_subtree {
                tree.iter().filter(|o| o.path.starts_with(&owner.path)).map(|o| o.id).collect()
            } else {
                vec![owner.id]
            };
            let dates: Vec<NaiveDate> = counts
                .iter()
                .filter(|(org_id, kind, _, _)| *kind == target.kind && counted.contains(org_id))
                .flat_map(|(_, _, day, n)| std::iter::repeat_n(*day, *n as usize))
                .collect();
            let evaluation = target.evaluate(&dates, as_of);
            out.push(TargetStatus {
                sentence: sentence(&target, &evaluation, &owner.name),
                org_name: owner.name.clone(),
                target,
                evaluation,
            });
        }
        Ok(out)
    }

    /// The dashboard of an org (default: the actor's own) for a period.
    pub async fn dashboard(&self, actor: &Actor, org_id: Option<Id>, period: &str) -> Result<Dashboard> {
        let org = self.org_in_view(actor, org_id).await?;
        let period = Period::parse(period.trim()).map_err(|e| Error::invalid("period", e.to_string()))?;
        let (from, to) = (period.start(), period.end());
        let counts = self
            .store
            .activity_counts(&org.path, &from.format("%Y-%m").to_string(), &to.format("%Y-%m").to_string())
            .await?;
        let as_of = to.min(now().date_naive());
        let targets = self.target_statuses_at(&org, period.year(), as_of).await?;
        // Both from the monthly aggregate, kept on every write: no scan of activities.
        let unreported = counts.unreported(crate::ledger::VOLUNTEER_KIND);
        let without_evidence = counts.without_evidence();
        let overdue_rectifications = self
            .rectification_list(actor, Some(org.id), as_of)
            .await?
            .iter()
            .filter(|r| r.status == crate::ledger::RectificationStatus::Overdue)
            .count() as u64;
        Ok(Dashboard { org, period, counts, targets, unreported, without_evidence, overdue_rectifications })
    }
}

//! Problems and plans of a period, with suggestions computed from the ledgers.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Services, required_text};
use crate::auth::Actor;
use crate::cases::CaseStatus;
use crate::error::{Error, Problems, Result};
use crate::ledger::{RectificationStatus, kind_name};
use crate::model::{Id, Org, Role};
use crate::period::Period;
use crate::review::{ReviewItem, Section, Suggestion};
use crate::service::targets::TargetStatus;
use crate::target::Frequency;

/// The problems and plans of an org and period, and what the ledgers suggest.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub org: Org,
    pub period: String,
    pub period_label: String,
    pub items: Vec<ReviewItem>,
    /// Suggestions neither accepted nor dropped yet.
    pub suggestions: Vec<Suggestion>,
}

/// "上半年已开展4次，下半年需开展6次": how the part of the year done and the
/// part left are named for a period.
fn halves(period: &Period) -> (String, String) {
    match *period {
        Period::Half(_, 1) => ("上半年".to_owned(), "下半年".to_owned()),
        Period::Quarter(_, q) => (format!("前{}季度", crate::numerals::to_chinese(u32::from(q))), "年内还".to_owned()),
        Period::Month(_, m) => (format!("截至{m}月"), "年内还".to_owned()),
        _ => ("全年".to_owned(), "年内还".to_owned()),
    }
}

/// The suggestions a target gives for a period.
fn target_suggestions(s: &TargetStatus, org: &Org, period: &Period, out: &mut Vec<Suggestion>) {
    let t = &s.target;
    let e = &s.evaluation;
    let who = if t.org_id == org.id { String::new() } else { s.org_name.clone() };
    let kind = kind_name(&t.kind);
    let year_end = NaiveDate::from_ymd_opt(t.year, 12, 31).unwrap_or_default();
    let (done, rest) = halves(period);
    if !e.missed.is_empty() {
        let per = format!("{}不少于{}次", t.frequency.label(), t.min_count);
        out.push(Suggestion {
            key: format!("target:{}:missed", t.id),
            section: Section::Problem,
            text: format!("{who}{kind}{}未达到{per}的要求", e.missed.join("、")),
        });
    }
    if period.end() >= year_end {
        if !e.attained {
            out.push(Suggestion {
                key: format!("target:{}:year", t.id),
                section: Section::Problem,
                text: format!("{who}{kind}全年目标{}次，全年已开展{}次，未完成全年目标", t.min_count, e.done),
            });
        }
        return;
    }
    let text = match t.frequency {
        Frequency::Year if e.still_needed > 0 => {
            format!("{who}{kind}全年目标{}次，{done}已开展{}次，{rest}需开展{}次", t.min_count, e.done, e.still_needed)
        }
        Frequency::Year => return,
        f => format!("{who}坚持{}开展{kind}不少于{}次", f.label(), t.min_count),
    };
    out.push(Suggestion { key: format!("target:{}:plan", t.id), section: Section::Plan, text });
}

impl Services {
    /// What the ledgers of an org's subtree suggest for the period's problems
    /// and plans: targets behind, overdue rectifications and matters,
    /// volunteer activities not reported to the platform.
    pub async fn review_suggestions(&self, actor: &Actor, org: &Org, period: &Period) -> Result<Vec<Suggestion>> {
        let as_of = period.end();
        let mut out = Vec::new();
        for s in self.target_statuses_at(org, period.year(), as_of).await? {
            target_suggestions(&s, org, period, &mut out);
        }
        let overdue: Vec<String> = self
            .rectification_list(actor, Some(org.id), as_of)
            .await?
            .into_iter()
            .filter(|r| r.status == RectificationStatus::Overdue)
            .map(|r| r.order.subject)
            .collect();
        if !overdue.is_empty() {
            out.push(Suggestion {
                key: "rectifications:overdue".into(),
                section: Section::Problem,
                text: format!("有{}项整改逾期未完成（{}），需加强督促检查", overdue.len(), overdue.join("、")),
            });
        }
        // From the monthly aggregate alone: the whole dashboard would judge the
        // targets and list the rectifications a second time.
        let month = |d: NaiveDate| d.format("%Y-%m").to_string();
        let counts = self.store.activity_counts(&org.path, &month(period.start()), &month(period.end())).await?;
        let unreported = counts.unreported(crate::ledger::VOLUNTEER_KIND);
        if unreported > 0 {
            out.push(Suggestion {
                key: "volunteer:unreported".into(),
                section: Section::Problem,
                text: format!("有{unreported}次志愿服务活动尚未录入上报新时代文明实践云平台"),
            });
        }
        let filter = super::CaseFilter { org_id: Some(org.id), to: Some(as_of), ..Default::default() };
        let (cases, _) = self.case_list(actor, &filter).await?;
        let overdue = cases.iter().filter(|c| c.status == CaseStatus::Overdue).count();
        if overdue > 0 {
            out.push(Suggestion {
                key: "cases:overdue".into(),
                section: Section::Problem,
                text: format!("有{overdue}件信访、矛盾纠纷或意识形态问题超期未办结"),
            });
        }
        Ok(out)
    }

    async fn review_scope(&self, actor: &Actor, org_id: Option<Id>, period: &str) -> Result<(Org, Period)> {
        let org = self.org_in_view(actor, org_id).await?;
        let period = Period::parse(period.trim()).map_err(|e| Error::invalid("period", e.to_string()))?;
        Ok((org, period))
    }

    pub async fn review(&self, actor: &Actor, org_id: Option<Id>, period: &str) -> Result<Review> {
        let (org, period) = self.review_scope(actor, org_id, period).await?;
        let code = period.code();
        let items = self.store.review_items(org.id, &code).await?;
        let dismissed = self.store.review_dismissed(org.id, &code).await?;
        let suggestions = self
            .review_suggestions(actor, &org, &period)
            .await?
            .into_iter()
            .filter(|s| !dismissed.contains(&s.key) && !items.iter().any(|i| i.source == s.key))
            .collect();
        Ok(Review { org, period_label: period.label(), period: code, items, suggestions })
    }

    /// Accepts a suggestion as an item, with staff's wording when given.
    pub async fn review_accept(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        period: &str,
        key: &str,
        text: Option<&str>,
    ) -> Result<ReviewItem> {
        let (org, period) = self.review_scope(actor, org_id, period).await?;
        actor.require(Role::Recorder)?;
        let code = period.code();
        if self.store.review_items(org.id, &code).await?.iter().any(|i| i.source == key) {
            return Err(Error::conflict("key", "该建议已采纳，请勿重复采纳"));
        }
        let suggestion = self
            .review_suggestions(actor, &org, &period)
            .await?
            .into_iter()
            .find(|s| s.key == key)
            .ok_or_else(|| Error::invalid("key", "该建议已不存在（台账已变化），请刷新后再试"))?;
        let mut problems = Problems::new();
        let text = required_text(&mut problems, "text", "内容", text.unwrap_or(&suggestion.text), 1000);
        problems.finish()?;
        let item = ReviewItem {
            id: 0,
            org_id: org.id,
            period: code,
            section: suggestion.section,
            position: 0,
            text: text.expect("checked"),
            source: suggestion.key,
        };
        self.store.review_item_save(item, &actor.ctx()).await
    }

    pub async fn review_dismiss(&self, actor: &Actor, org_id: Option<Id>, period: &str, key: &str) -> Result<()> {
        let (org, period) = self.review_scope(actor, org_id, period).await?;
        actor.require(Role::Recorder)?;
        if key.trim().is_empty() || key.len() > 100 {
            return Err(Error::invalid("key", "请选择要忽略的建议"));
        }
        self.store.review_dismiss(org.id, &period.code(), key.trim(), &actor.ctx()).await
    }

    /// Adds an item staff wrote.
    pub async fn review_item_add(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        period: &str,
        section: &str,
        text: &str,
    ) -> Result<ReviewItem> {
        let (org, period) = self.review_scope(actor, org_id, period).await?;
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let section = Section::parse(section.trim());
        if section.is_none() {
            problems.add("section", "请选择“存在问题”或“下一步打算”");
        }
        let text = required_text(&mut problems, "text", "内容", text, 1000);
        problems.finish()?;
        let item = ReviewItem {
            id: 0,
            org_id: org.id,
            period: period.code(),
            section: section.expect("checked"),
            position: 0,
            text: text.expect("checked"),
            source: String::new(),
        };
        self.store.review_item_save(item, &actor.ctx()).await
    }

    async fn review_item_of(&self, actor: &Actor, id: Id) -> Result<ReviewItem> {
        let item = self.store.review_item_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, item.org_id).await?;
        actor.require(Role::Recorder)?;
        Ok(item)
    }

    pub async fn review_item_update(&self, actor: &Actor, id: Id, text: &str) -> Result<ReviewItem> {
        let mut item = self.review_item_of(actor, id).await?;
        let mut problems = Problems::new();
        let text = required_text(&mut problems, "text", "内容", text, 1000);
        problems.finish()?;
        item.text = text.expect("checked");
        self.store.review_item_save(item, &actor.ctx()).await
    }

    pub async fn review_item_delete(&self, actor: &Actor, id: Id) -> Result<()> {
        self.review_item_of(actor, id).await?;
        self.store.review_item_delete(id, &actor.ctx()).await
    }
}

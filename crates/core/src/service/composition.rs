//! The composition of an org's summaries: kept per org, inherited down the
//! tree, else the default built from the org's own work areas.

use super::Services;
use crate::auth::Actor;
use crate::composition::{Composition, default_for};
use crate::error::{Error, Result};
use crate::ledger::{Campaign, WorkArea};
use crate::model::{Id, Org, Role};

/// Where an org's composition comes from.
#[derive(Debug, Clone)]
pub struct CompositionSource {
    /// The org whose composition applies (itself or an ancestor); `None`
    /// for the default.
    pub owner_id: Option<Id>,
    pub owner_name: Option<String>,
    pub composition: Composition,
}

/// What a section may be bound to, for the composer.
#[derive(Debug, Clone, Default)]
pub struct CompositionChoices {
    pub areas: Vec<WorkArea>,
    pub kinds: Vec<(String, String)>,
    pub campaigns: Vec<Campaign>,
    /// The org's direct sub-orgs.
    pub orgs: Vec<Org>,
}

impl Services {
    /// The work areas an org's summary speaks of: the shared ones, those of
    /// its ancestors, its own and its subtree's, in their order.
    pub(super) async fn areas_of(&self, org: &Org, tree: &[Org]) -> Result<Vec<WorkArea>> {
        let chain: Vec<Id> = org.path.split('/').filter_map(|s| s.parse().ok()).collect();
        Ok(self
            .store
            .work_areas()
            .await?
            .into_iter()
            .filter(|a| a.org_id.is_none_or(|id| chain.contains(&id) || tree.iter().any(|o| o.id == id)))
            .collect())
    }

    /// The composition that applies to `org`: its own, its nearest
    /// ancestor's, else `None` (the caller builds the default).
    pub(super) async fn composition_kept(&self, org: &Org) -> Result<Option<(Id, Composition)>> {
        let chain: Vec<Id> = org.path.split('/').filter_map(|s| s.parse().ok()).collect();
        let found = self.store.summary_compositions(chain.clone()).await?;
        for id in chain.iter().rev() {
            if let Some((_, body)) = found.iter().find(|(o, _)| o == id) {
                return Ok(Some((*id, Composition::from_json(body)?)));
            }
        }
        Ok(None)
    }

    /// The composition of an org's summaries (default: the actor's own org),
    /// as kept, or the default for its areas; `period_name` ("上半年") only
    /// words the default's first heading.
    pub async fn summary_composition(&self, actor: &Actor, org_id: Option<Id>) -> Result<CompositionSource> {
        let org = self.org_in_view(actor, org_id).await?;
        if let Some((owner, composition)) = self.composition_kept(&org).await? {
            let owner_name = self.store.org_get(owner).await?.map(|o| o.name);
            return Ok(CompositionSource { owner_id: Some(owner), owner_name, composition });
        }
        let tree = self.store.org_subtree(&org.path).await?;
        let areas = self.areas_of(&org, &tree).await?;
        Ok(CompositionSource { owner_id: None, owner_name: None, composition: default_for(&areas, "「期间」") })
    }

    /// What the composer offers for binding sections of an org's summary.
    pub async fn summary_composition_choices(&self, actor: &Actor, org_id: Option<Id>) -> Result<CompositionChoices> {
        let org = self.org_in_view(actor, org_id).await?;
        let tree = self.store.org_subtree(&org.path).await?;
        Ok(CompositionChoices {
            areas: self.areas_of(&org, &tree).await?,
            kinds: self.kinds_for(actor).await?,
            campaigns: self.campaigns(actor).await?,
            orgs: tree.into_iter().filter(|o| o.parent_id == Some(org.id)).collect(),
        })
    }

    /// Keeps an org's own composition, or drops it (back to the inherited
    /// one or the default) when `None`. An org admin's work. Every bound id
    /// must be one the org's summary can take.
    pub async fn summary_composition_set(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        composition: Option<&Composition>,
    ) -> Result<()> {
        actor.require(Role::OrgAdmin)?;
        let id = org_id.or(actor.org_id).ok_or_else(|| Error::invalid("org_id", "请选择组织"))?;
        let org = self.visible_org(actor, id).await?;
        let Some(c) = composition else {
            return self.store.summary_composition_set(org.id, None, &actor.ctx()).await;
        };
        c.check()?;
        let choices = self.summary_composition_choices(actor, Some(org.id)).await?;
        let mut problems = crate::error::Problems::new();
        for (i, s) in c.sections.iter().enumerate() {
            let n = i + 1;
            let b = &s.binding;
            if b.areas.iter().any(|a| !choices.areas.iter().any(|w| w.id == *a)) {
                problems
                    .add(&format!("sections[{i}].binding.areas"), format!("第{n}节选择的工作领域不存在或不属于本单位"));
            }
            if b.kinds.iter().any(|k| !choices.kinds.iter().any(|(code, _)| code == k)) {
                problems.add(&format!("sections[{i}].binding.kinds"), format!("第{n}节选择的活动种类不存在"));
            }
            if b.campaigns.iter().any(|a| !choices.campaigns.iter().any(|w| w.id == *a)) {
                problems.add(&format!("sections[{i}].binding.campaigns"), format!("第{n}节选择的专项活动不存在"));
            }
            if b.orgs.iter().any(|a| !choices.orgs.iter().any(|o| o.id == *a)) {
                problems.add(&format!("sections[{i}].binding.orgs"), format!("第{n}节选择的单位不是本单位的下级"));
            }
        }
        problems.finish()?;
        self.store.summary_composition_set(org.id, Some(c.to_json()), &actor.ctx()).await
    }
}

/// Largest draft kept, in bytes.
pub const MAX_DRAFT_BYTES: usize = 512 * 1024;

impl Services {
    /// The draft of an org's summary of a period, if staff keep one.
    pub async fn summary_draft(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        period: &str,
    ) -> Result<Option<crate::summary::SummaryDraft>> {
        let org = self.org_in_view(actor, org_id).await?;
        let period =
            crate::period::Period::parse(period.trim()).map_err(|e| Error::invalid("period", e.to_string()))?;
        self.store.summary_draft(org.id, period.code()).await
    }

    /// Keeps the draft staff edited (`markup`), with the markup as generated
    /// and the facts it was generated from (kept from the first save, so
    /// that later edits and record changes can be flagged). A recorder's work.
    pub async fn summary_draft_save(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        period: &str,
        markup: &str,
        generated: &str,
        data: &crate::summary::SummaryData,
    ) -> Result<()> {
        actor.require(Role::Recorder)?;
        let org = self.org_in_view(actor, org_id).await?;
        let period =
            crate::period::Period::parse(period.trim()).map_err(|e| Error::invalid("period", e.to_string()))?;
        let mut p = crate::error::Problems::new();
        if markup.trim().is_empty() {
            p.add("markup", "草稿不能为空；要按记录重新生成请点“按最新记录重新生成”");
        } else if markup.len() > MAX_DRAFT_BYTES {
            p.add("markup", format!("草稿不能超过{}KB", MAX_DRAFT_BYTES / 1024));
        } else {
            p.text("markup", "草稿", markup);
        }
        p.finish()?;
        let kept = self.store.summary_draft(org.id, period.code()).await?;
        let (generated, data) = match kept {
            Some(d) => (d.generated, d.data),
            None => (generated.to_owned(), serde_json::to_string(data).unwrap_or_default()),
        };
        let draft = crate::summary::SummaryDraft {
            org_id: org.id,
            period: period.code(),
            markup: markup.replace("\r\n", "\n"),
            generated,
            data,
            updated_at: crate::auth::now(),
            updated_by: actor.username.clone(),
        };
        self.store.summary_draft_set(org.id, period.code(), Some(draft), &actor.ctx()).await
    }

    /// Drops the draft: the next one starts from the records as they are.
    pub async fn summary_draft_drop(&self, actor: &Actor, org_id: Option<Id>, period: &str) -> Result<()> {
        actor.require(Role::Recorder)?;
        let org = self.org_in_view(actor, org_id).await?;
        let period =
            crate::period::Period::parse(period.trim()).map_err(|e| Error::invalid("period", e.to_string()))?;
        self.store.summary_draft_set(org.id, period.code(), None, &actor.ctx()).await
    }
}

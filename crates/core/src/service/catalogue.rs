//! What records are filed by: publicity campaigns (专项宣传), work areas
//! (工作条线, with `OrgKind::default_work_areas` to adopt) and activity kinds,
//! the built-in ones and an org's own.

use super::{Services, required_text};
use crate::auth::Actor;
use crate::error::{Error, Problems, Result};
use crate::ledger::*;
use crate::model::{Id, Role};

impl Services {
    /// Shared campaigns and those of orgs the actor can see.
    pub async fn campaigns(&self, actor: &Actor) -> Result<Vec<Campaign>> {
        let all = self.store.campaigns().await?;
        let tree = self.store.org_subtree(&actor.scope_path).await?;
        Ok(all.into_iter().filter(|c| c.org_id.is_none_or(|id| tree.iter().any(|o| o.id == id))).collect())
    }

    pub async fn campaign_create(&self, actor: &Actor, org_id: Option<Id>, name: &str) -> Result<Campaign> {
        self.campaign_add(actor, org_id, name, "").await
    }

    /// Adds an org's campaign serving a summary topic (`purpose`: a code or
    /// label of [`crate::purpose::PURPOSES`], empty for none).
    pub async fn campaign_add(&self, actor: &Actor, org_id: Option<Id>, name: &str, purpose: &str) -> Result<Campaign> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let name = required_text(&mut problems, "name", "专项名称", name, 40);
        let org = self.org_field(actor, org_id, &mut problems).await;
        let purpose = crate::purpose::purpose_field(&mut problems, "purpose", purpose);
        problems.finish()?;
        let name = name.expect("checked");
        if self.campaigns(actor).await?.iter().any(|c| c.name == name) {
            return Err(Error::conflict("name", format!("已有名为“{name}”的专项")));
        }
        self.store.campaign_create(org.expect("checked").id, name, purpose.expect("checked"), &actor.ctx()).await
    }

    /// Renames a campaign or sets its purpose (absent: unchanged; an empty
    /// purpose clears it): an org's own campaigns by its administrators, the
    /// shared ones by system administrators only.
    pub async fn campaign_update(
        &self,
        actor: &Actor,
        id: Id,
        name: Option<&str>,
        purpose: Option<&str>,
    ) -> Result<Campaign> {
        actor.require(Role::OrgAdmin)?;
        let campaigns = self.campaigns(actor).await?;
        let campaign = campaigns.iter().find(|c| c.id == id).ok_or(Error::NotFound)?;
        if campaign.org_id.is_none() {
            actor.require(Role::SystemAdmin)?;
        }
        let mut problems = Problems::new();
        let name = match name {
            Some(n) => required_text(&mut problems, "name", "专项名称", n, 40),
            None => Some(campaign.name.clone()),
        };
        let purpose = match purpose {
            Some(p) => crate::purpose::purpose_field(&mut problems, "purpose", p),
            None => Some(campaign.purpose.clone()),
        };
        problems.finish()?;
        let name = name.expect("checked");
        if campaigns.iter().any(|c| c.id != id && c.name == name) {
            return Err(Error::conflict("name", format!("已有名为“{name}”的专项")));
        }
        self.store.campaign_update(id, name, purpose.expect("checked"), &actor.ctx()).await
    }

    /// Shared work areas and those of the orgs the actor can see.
    pub async fn work_areas_for(&self, actor: &Actor) -> Result<Vec<WorkArea>> {
        let tree = self.store.org_subtree(&actor.scope_path).await?;
        Ok(self
            .store
            .work_areas()
            .await?
            .into_iter()
            .filter(|a| a.org_id.is_none_or(|id| tree.iter().any(|o| o.id == id)))
            .collect())
    }

    /// Adds a work area for an org, under an existing area or at the top.
    pub async fn work_area_create(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        parent_id: Option<Id>,
        name: &str,
    ) -> Result<WorkArea> {
        self.work_area_add(actor, org_id, parent_id, name, "").await
    }

    /// Adds a work area serving a summary topic (`purpose`: a code or label
    /// of [`crate::purpose::PURPOSES`], empty for none).
    pub async fn work_area_add(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        parent_id: Option<Id>,
        name: &str,
        purpose: &str,
    ) -> Result<WorkArea> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let name = required_text(&mut problems, "name", "工作条线名称", name, 40);
        let org = self.org_field(actor, org_id.or(actor.org_id), &mut problems).await;
        let areas = self.work_areas_for(actor).await?;
        if parent_id.is_some_and(|p| !areas.iter().any(|a| a.id == p)) {
            problems.add("parent_id", "所选上级条线不存在");
        }
        let purpose = crate::purpose::purpose_field(&mut problems, "purpose", purpose);
        problems.finish()?;
        let name = name.expect("checked");
        let org_id = org.expect("checked").id;
        // Names are unique among an org's own areas and the shared ones
        // under the same parent; two offices may each have "产业发展".
        if areas.iter().any(|a| a.parent_id == parent_id && a.name == name && a.org_id.is_none_or(|o| o == org_id)) {
            return Err(Error::conflict("name", format!("已有名为“{name}”的工作条线")));
        }
        self.store.work_area_create(org_id, parent_id, name, purpose.expect("checked"), &actor.ctx()).await
    }

    /// Adds the work areas an office of the org's kind usually keeps
    /// ([`crate::model::OrgKind::default_work_areas`]), skipping those it
    /// already has by name; the areas it has after, in order.
    pub async fn work_areas_adopt(&self, actor: &Actor, org_id: Option<Id>) -> Result<Vec<WorkArea>> {
        actor.require(Role::OrgAdmin)?;
        let id = org_id.or(actor.org_id).ok_or_else(|| Error::invalid("org_id", "请选择组织"))?;
        let org = self.visible_org_field(actor, id, "org_id").await?;
        let own = |areas: &[WorkArea], parent: Option<Id>, name: &str| {
            areas.iter().find(|a| a.org_id == Some(org.id) && a.parent_id == parent && a.name == name).map(|a| a.id)
        };
        for (top, subs) in org.kind.default_work_areas() {
            let areas = self.work_areas_for(actor).await?;
            let top_id = match own(&areas, None, top) {
                Some(id) => id,
                None => self.work_area_add(actor, Some(org.id), None, top, "").await?.id,
            };
            for sub in *subs {
                if own(&areas, Some(top_id), sub).is_none() {
                    self.work_area_add(actor, Some(org.id), Some(top_id), sub, "").await?;
                }
            }
        }
        Ok(self.work_areas_for(actor).await?.into_iter().filter(|a| a.org_id == Some(org.id)).collect())
    }

    /// Renames an area: an org's own areas by its administrators, the shared
    /// defaults by system administrators only.
    pub async fn work_area_rename(&self, actor: &Actor, id: Id, name: &str) -> Result<WorkArea> {
        self.work_area_update(actor, id, Some(name), None).await
    }

    /// Renames an area or sets its purpose (absent: unchanged; an empty
    /// purpose clears it), with the permissions of [`Self::work_area_rename`].
    pub async fn work_area_update(
        &self,
        actor: &Actor,
        id: Id,
        name: Option<&str>,
        purpose: Option<&str>,
    ) -> Result<WorkArea> {
        actor.require(Role::OrgAdmin)?;
        let area = self.work_areas_for(actor).await?.into_iter().find(|a| a.id == id).ok_or(Error::NotFound)?;
        if area.org_id.is_none() {
            actor.require(Role::SystemAdmin)?;
        }
        let mut problems = Problems::new();
        let name = match name {
            Some(n) => required_text(&mut problems, "name", "工作条线名称", n, 40),
            None => Some(area.name.clone()),
        };
        let purpose = match purpose {
            Some(p) => crate::purpose::purpose_field(&mut problems, "purpose", p),
            None => Some(area.purpose.clone()),
        };
        problems.finish()?;
        self.store.work_area_update(id, name.expect("checked"), purpose.expect("checked"), &actor.ctx()).await
    }

    /// Built-in kinds and those added by the actor's orgs or the orgs above
    /// them: (code, label). An added kind's name is its code; offices in
    /// different branches may each add one of the same name, listed once.
    pub async fn kinds_for(&self, actor: &Actor) -> Result<Vec<(String, String)>> {
        let mut kinds: Vec<(String, String)> = KINDS.iter().map(|(c, l)| ((*c).to_owned(), (*l).to_owned())).collect();
        for (name, org_id) in self.store.custom_kinds().await? {
            if !kinds.iter().any(|(c, _)| *c == name)
                && let Some(org) = self.store.org_get(org_id).await?
                && (org.path.starts_with(&actor.scope_path) || actor.scope_path.starts_with(&org.path))
            {
                kinds.push((name.clone(), name));
            }
        }
        Ok(kinds)
    }

    /// Adds an activity kind for the administrator's org and everything below.
    pub async fn kind_create(&self, actor: &Actor, name: &str) -> Result<()> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let name = required_text(&mut problems, "name", "活动类型名称", name, 20);
        problems.finish()?;
        let name = name.expect("checked");
        if self.kinds_for(actor).await?.iter().any(|(c, l)| *c == name || *l == name) || parse_kind(&name).is_some() {
            return Err(Error::conflict("name", format!("已有名为“{name}”的活动类型")));
        }
        let org = self.org_in_view(actor, None).await?;
        self.store.custom_kind_create(org.id, name, &actor.ctx()).await
    }

    /// The kind's code if the actor may use it (given as code or label).
    pub async fn resolve_kind(&self, actor: &Actor, raw: &str) -> Result<Option<String>> {
        let raw = raw.trim();
        if let Some(code) = parse_kind(raw) {
            return Ok(Some(code.to_owned()));
        }
        Ok(self.kinds_for(actor).await?.into_iter().find(|(c, _)| c == raw).map(|(c, _)| c))
    }
}

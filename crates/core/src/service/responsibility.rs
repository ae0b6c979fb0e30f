//! Duties, pledges and the chain view of the responsibility system.

use chrono::Datelike;
use serde::Deserialize;

use super::{Services, date_field, required_text};
use crate::auth::Actor;
use crate::error::{Error, Problems, Result};
use crate::evidence::{Attachment, AttachmentOwner, NewFile};
use crate::model::{Id, Org, Person, Role};
use crate::responsibility::{ChainLink, Duty, Pledge, gaps};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutyInput {
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub org_id: Option<Id>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person_id: Option<Id>,
    pub post: String,
    pub first_responsible: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<i64>))]
    pub area_ids: Vec<Id>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PledgeInput {
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub org_id: Option<Id>,
    pub year: Option<i32>,
    /// A person of the org.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub signer_id: Option<Id>,
    /// With whom it was signed.
    pub counterpart: String,
    /// YYYY-MM-DD
    pub signed_on: String,
    pub duties: String,
}

impl Services {
    /// The person chosen in `field`, if they belong to `org`: kept in its
    /// subtree's register, or a member of it.
    async fn person_of_org(&self, org: &Org, id: Option<Id>, field: &str, problems: &mut Problems) -> Option<Person> {
        let Some(id) = id else {
            problems.add(field, "请选择人员");
            return None;
        };
        let person = self.store.person_get(id).await.ok().flatten();
        let Some(person) = person else {
            problems.add(field, "所选人员不存在");
            return None;
        };
        let home = self.store.org_get(person.org_id).await.ok().flatten();
        let mut belongs = home.is_some_and(|h| h.path.starts_with(&org.path));
        if !belongs {
            let memberships = self.store.memberships_of_person(person.id).await.unwrap_or_default();
            for m in memberships.iter().filter(|m| m.ended_on.is_none()) {
                if let Ok(Some(o)) = self.store.org_get(m.org_id).await {
                    belongs |= o.path.starts_with(&org.path);
                }
            }
        }
        if !belongs {
            problems.add(field, format!("{}不是“{}”的人员", person.name, org.name));
            return None;
        }
        Some(person)
    }

    /// Stores a duty (new when `id` is None). Assigning duties is an org admin's work.
    pub async fn duty_save(&self, actor: &Actor, id: Option<Id>, input: &DutyInput) -> Result<Duty> {
        if let Some(id) = id {
            let old = self.store.duty_get(id).await?.ok_or(Error::NotFound)?;
            self.visible_org(actor, old.org_id).await?;
        }
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id, &mut problems).await;
        let person = match &org {
            Some(org) => self.person_of_org(org, input.person_id, "person_id", &mut problems).await,
            None => None,
        };
        let post = required_text(&mut problems, "post", "职务", &input.post, 50);
        let areas = self.work_areas_for(actor).await?;
        let mut area_ids = input.area_ids.clone();
        area_ids.sort();
        area_ids.dedup();
        if area_ids.iter().any(|id| !areas.iter().any(|a| a.id == *id)) {
            problems.add("area_ids", "所选分管工作条线不存在");
        }
        problems.finish()?;
        let (org, person) = (org.expect("checked"), person.expect("checked"));
        let others: Vec<Duty> = self
            .store
            .duties(&org.path)
            .await?
            .into_iter()
            .filter(|d| d.org_id == org.id && Some(d.id) != id)
            .collect();
        if others.iter().any(|d| d.person_id == person.id) {
            return Err(Error::conflict("person_id", "此人在该组织已有职务，请直接修改"));
        }
        if let Some(first) = others.iter().find(|d| d.first_responsible && input.first_responsible) {
            return Err(Error::conflict(
                "first_responsible",
                format!("该组织的第一责任人已是{}，请先取消", first.person_name),
            ));
        }
        let duty = Duty {
            id: id.unwrap_or(0),
            org_id: org.id,
            person_id: person.id,
            person_name: person.name,
            post: post.expect("checked"),
            first_responsible: input.first_responsible,
            area_ids,
        };
        self.store.duty_save(duty, &actor.ctx()).await
    }

    pub async fn duty_delete(&self, actor: &Actor, id: Id) -> Result<()> {
        let duty = self.store.duty_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, duty.org_id).await?;
        actor.require(Role::OrgAdmin)?;
        self.store.duty_delete(id, &actor.ctx()).await
    }

    /// Records a signed pledge, with its scan when one was uploaded.
    pub async fn pledge_create(
        &self,
        actor: &Actor,
        input: &PledgeInput,
        scan: Option<(String, Vec<u8>)>,
    ) -> Result<Pledge> {
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id, &mut problems).await;
        let signer = match &org {
            Some(org) => self.person_of_org(org, input.signer_id, "signer_id", &mut problems).await,
            None => None,
        };
        let year = match input.year {
            Some(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                problems.add("year", "请填写责任状年度（如2020）");
                None
            }
        };
        let counterpart = required_text(&mut problems, "counterpart", "签订对象", &input.counterpart, 100);
        let signed_on = date_field(&mut problems, "signed_on", "签订日期", &input.signed_on, true);
        if let (Some(y), Some(d)) = (year, signed_on)
            && !(y - 1..=y).contains(&d.year())
        {
            problems.add("signed_on", format!("签订日期应在{}年或{y}年内", y - 1));
        }
        problems.text("duties", "责任内容", &input.duties);
        let scan = super::optional_upload(&mut problems, scan, |name, bytes| NewFile::check("scan", name, bytes));
        problems.finish()?;
        let signer = signer.expect("checked");
        let pledge = Pledge {
            id: 0,
            org_id: org.expect("checked").id,
            year: year.expect("checked"),
            signer_id: signer.id,
            signer_name: signer.name,
            counterpart: counterpart.expect("checked"),
            signed_on: signed_on.expect("checked"),
            duties: input.duties.trim().chars().take(4000).collect(),
            scan_id: None,
            created_at: crate::auth::now(),
        };
        self.store.pledge_create(pledge, scan, &actor.ctx()).await
    }

    pub async fn pledge_delete(&self, actor: &Actor, id: Id) -> Result<()> {
        let pledge = self.store.pledge_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, pledge.org_id).await?;
        actor.require(Role::Recorder)?;
        self.store.pledge_delete(id, &actor.ctx()).await
    }

    /// Stores (or replaces) a pledge's signed scan.
    pub async fn pledge_scan_set(&self, actor: &Actor, id: Id, file_name: &str, bytes: Vec<u8>) -> Result<Attachment> {
        let pledge = self.store.pledge_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, pledge.org_id).await?;
        actor.require(Role::Recorder)?;
        let file = NewFile::check("file", file_name, bytes)?;
        self.store.attachment_set(AttachmentOwner::PledgeScan(id), pledge.org_id, file, &actor.ctx()).await
    }

    /// A pledge's signed scan.
    pub async fn pledge_scan(&self, actor: &Actor, id: Id) -> Result<(Attachment, Vec<u8>)> {
        let pledge = self.store.pledge_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, pledge.org_id).await?;
        let scan = pledge.scan_id.ok_or(Error::NotFound)?;
        self.store.attachment(scan).await?.ok_or(Error::NotFound)
    }

    /// The chain from an org (default: the actor's) down: every open org with
    /// its first-responsible person, other leaders, pledges and gaps for `year`.
    pub async fn responsibility_chain(&self, actor: &Actor, org_id: Option<Id>, year: i32) -> Result<Vec<ChainLink>> {
        let year = super::year_param("year", year)?;
        let root = self.org_in_view(actor, org_id).await?;
        let tree = self.store.org_subtree(&root.path).await?;
        let duties = self.store.duties(&root.path).await?;
        let pledges = self.store.pledges(&root.path).await?;
        Ok(tree
            .into_iter()
            .filter(|o| o.closed_at.is_none())
            .map(|org| {
                let mine: Vec<&Duty> = duties.iter().filter(|d| d.org_id == org.id).collect();
                let first = mine.iter().find(|d| d.first_responsible).map(|d| (*d).clone());
                let pledges: Vec<Pledge> = pledges.iter().filter(|p| p.org_id == org.id).cloned().collect();
                ChainLink {
                    depth: org.depth().saturating_sub(root.depth()),
                    gaps: gaps(&org, first.as_ref(), &pledges, year),
                    others: mine.iter().filter(|d| !d.first_responsible).map(|d| (*d).clone()).collect(),
                    first_responsible: first,
                    pledges: pledges.into_iter().filter(|p| p.year == year).collect(),
                    org,
                }
            })
            .collect())
    }
}

//! Grids, their households and residents. A grid worker's account is scoped to their grid, so they see
//! and change only its households.

use serde::Deserialize;

use super::{Services, required_text};
use crate::auth::Actor;
use crate::error::{Error, Problems, Result};
use crate::grid::*;
use crate::model::{Id, ListArgs, Org, OrgKind, Page, Role};
use crate::store::HouseholdQuery;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdInput {
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub grid_id: Option<Id>,
    pub address: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentInput {
    /// The household; none takes the person out of their household.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub household_id: Option<Id>,
    /// 与户主关系: 户主, 配偶, 子女 ...
    pub relation: String,
}

impl Services {
    /// Grids in the subtree of `org_id` (default: the actor's scope).
    pub async fn grids_under(&self, actor: &Actor, org_id: Option<Id>) -> Result<Vec<Org>> {
        let root = match org_id {
            Some(id) => self.visible_org(actor, id).await?.path,
            None => actor.scope_path.clone(),
        };
        Ok(self
            .store
            .org_subtree(&root)
            .await?
            .into_iter()
            .filter(|o| o.kind == OrgKind::Grid && !o.is_closed())
            .collect())
    }

    pub async fn households(
        &self,
        actor: &Actor,
        grid_id: Option<Id>,
        text: &str,
        args: &ListArgs,
    ) -> Result<Page<Household>> {
        if let Some(g) = grid_id {
            self.visible_org(actor, g).await?;
        }
        self.store
            .households(&HouseholdQuery {
                scope_path: actor.scope_path.clone(),
                grid_id,
                text: text.to_owned(),
                page: args.page.max(1),
                per_page: args.per_page.clamp(1, 200),
                after: args.cursor()?,
            })
            .await
    }

    pub async fn household_get(&self, actor: &Actor, id: Id) -> Result<Household> {
        let h = self.store.household_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, h.org_id).await?;
        Ok(h)
    }

    /// A grid the actor may work in, chosen in a form field.
    async fn grid_field(&self, actor: &Actor, id: Option<Id>, field: &str, problems: &mut Problems) -> Option<Org> {
        let Some(id) = id else {
            problems.add(field, "请选择网格");
            return None;
        };
        match self.visible_org(actor, id).await {
            Ok(o) if o.kind == OrgKind::Grid => Some(o),
            Ok(_) => {
                problems.add(field, "所选组织不是网格");
                None
            }
            Err(_) => {
                problems.add(field, "所选网格不存在或不在您的管辖范围内");
                None
            }
        }
    }

    pub async fn household_save(&self, actor: &Actor, id: Option<Id>, input: &HouseholdInput) -> Result<Household> {
        let old = match id {
            Some(id) => Some(self.household_get(actor, id).await?),
            None => None,
        };
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let grid = self.grid_field(actor, input.grid_id, "grid_id", &mut problems).await;
        let address = required_text(&mut problems, "address", "住址", &input.address, 200);
        problems.finish()?;
        let household = Household {
            id: id.unwrap_or(0),
            org_id: grid.expect("checked").id,
            address: address.expect("checked"),
            members: old.map(|o| o.members).unwrap_or_default(),
        };
        self.store.household_save(household, &actor.ctx()).await
    }

    /// Puts a person of the register in a household, or takes them out.
    pub async fn resident_set(&self, actor: &Actor, person_id: Id, input: &ResidentInput) -> Result<Option<Resident>> {
        self.person_get(actor, person_id).await?;
        actor.require(Role::Recorder)?;
        let household = match input.household_id {
            Some(h) => {
                let household = self.household_get(actor, h).await.map_err(|e| match e {
                    Error::NotFound => Error::invalid("household_id", "所选户不存在或不在您负责的网格内"),
                    other => other,
                })?;
                let relation: String = input.relation.trim().chars().take(20).collect();
                let mut problems = Problems::new();
                problems.text("relation", "与户主关系", &relation);
                problems.finish()?;
                if relation == HEAD && household.members.iter().any(|m| m.relation == HEAD && m.person_id != person_id)
                {
                    return Err(Error::invalid("relation", "该户已有户主"));
                }
                Some((household.id, relation))
            }
            None => None,
        };
        self.store.resident_set(person_id, household, &actor.ctx()).await?;
        self.store.resident_get(person_id).await
    }

    // --- screening campaigns ---
}

use serde::Deserialize;

use super::{Services, required_text};
use crate::auth::Actor;
use crate::error::{Error, Problems, Result};
use crate::model::{Id, NewOrg, Org, OrgChange, OrgKind, Role};

/// A new org as typed in a form or sent as JSON.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgInput {
    pub parent_id: Option<Id>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    /// The summary topic it serves (a code or label of
    /// [`crate::purpose::PURPOSES`]); empty for none.
    #[serde(default)]
    pub purpose: String,
}

/// A change to an org; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgUpdate {
    pub name: Option<String>,
    pub parent_id: Option<Id>,
    pub closed: Option<bool>,
    /// Empty clears the purpose.
    pub purpose: Option<String>,
}

impl Services {
    /// The actor's whole subtree, ordered by path (a tree in pre-order).
    pub async fn org_tree(&self, actor: &Actor) -> Result<Vec<Org>> {
        self.store.org_subtree(&actor.scope_path).await
    }

    /// Finds an org by id or by exact name, inside the actor's scope.
    pub async fn org_lookup(&self, actor: &Actor, key: &str) -> Result<Org> {
        if let Ok(id) = key.trim().parse::<Id>() {
            return self.visible_org(actor, id).await;
        }
        let found: Vec<Org> =
            self.store.org_find_by_name(key.trim()).await?.into_iter().filter(|o| actor.sees(&o.path)).collect();
        match found.len() {
            0 => Err(Error::NotFound),
            1 => Ok(found.into_iter().next().expect("one element")),
            n => Err(Error::invalid("org", format!("名为“{key}”的组织有{n}个，请改用编号"))),
        }
    }

    pub async fn org_create(&self, actor: &Actor, input: OrgInput) -> Result<Org> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let name = required_text(&mut problems, "name", "组织名称", &input.name, 60);
        let kind = OrgKind::parse(input.kind.trim());
        if kind.is_none() {
            problems.add("kind", "请选择组织类型");
        }
        let purpose = crate::purpose::purpose_field(&mut problems, "purpose", &input.purpose);
        let parent = match input.parent_id {
            Some(id) => match self.visible_org_field(actor, id, "parent_id").await {
                Ok(parent) if parent.is_closed() => {
                    problems.add("parent_id", "上级组织已撤销，不能在其下新增组织");
                    None
                }
                Ok(parent) => Some(parent),
                Err(Error::Invalid(errors)) => {
                    errors.into_iter().for_each(|e| problems.add(&e.field, e.message));
                    None
                }
                Err(other) => return Err(other),
            },
            None if actor.scope_path == "/" => None,
            None => {
                problems.add("parent_id", "请选择上级组织");
                None
            }
        };
        problems.finish()?;
        let name = name.expect("checked");
        self.check_sibling_name(parent.as_ref().map(|p| p.id), &name, None).await?;
        self.store
            .org_create(
                NewOrg {
                    parent_id: parent.map(|p| p.id),
                    kind: kind.expect("checked"),
                    name,
                    purpose: purpose.expect("checked"),
                },
                &actor.ctx(),
            )
            .await
    }

    pub async fn org_update(&self, actor: &Actor, id: Id, update: OrgUpdate) -> Result<Org> {
        let org = self.visible_org(actor, id).await?;
        actor.require(Role::OrgAdmin)?;
        if actor.scope_path != "/" && org.path == actor.scope_path {
            // The root of one's own scope is changed from above.
            return Err(Error::Forbidden);
        }
        let mut problems = Problems::new();
        let name = match &update.name {
            Some(name) => required_text(&mut problems, "name", "组织名称", name, 60),
            None => None,
        };
        let purpose = match &update.purpose {
            Some(p) => crate::purpose::purpose_field(&mut problems, "purpose", p).map(Some),
            None => Some(None),
        };
        let mut new_parent = None;
        if let Some(parent_id) = update.parent_id.filter(|p| Some(*p) != org.parent_id) {
            match self.store.org_get(parent_id).await? {
                Some(parent) if actor.sees(&parent.path) => {
                    if parent.path.starts_with(&org.path) {
                        problems.add("parent_id", "不能把组织移到它自己或它的下级组织之下");
                    } else if parent.is_closed() {
                        problems.add("parent_id", "不能移到已撤销的组织之下");
                    } else {
                        new_parent = Some(parent);
                    }
                }
                _ => problems.add("parent_id", "所选上级组织不存在或不在您的管辖范围内"),
            }
        }
        if update.closed == Some(true) && !org.is_closed() {
            let open_children =
                self.store.org_subtree(&org.path).await?.iter().any(|o| o.id != org.id && !o.is_closed());
            if open_children {
                problems.add("closed", "该组织下还有未撤销的下级组织，请先撤销下级组织");
            }
        }
        problems.finish()?;
        if name.is_some() || new_parent.is_some() {
            let parent_id = new_parent.as_ref().map(|p| p.id).or(org.parent_id);
            let name = name.clone().unwrap_or_else(|| org.name.clone());
            self.check_sibling_name(parent_id, &name, Some(org.id)).await?;
        }
        self.store
            .org_update(
                id,
                OrgChange {
                    name,
                    parent_id: new_parent.map(|p| p.id),
                    closed: update.closed,
                    purpose: purpose.expect("checked"),
                },
                &actor.ctx(),
            )
            .await
    }

    async fn check_sibling_name(&self, parent_id: Option<Id>, name: &str, except: Option<Id>) -> Result<()> {
        let clash = self
            .store
            .org_find_by_name(name)
            .await?
            .into_iter()
            .any(|o| o.parent_id == parent_id && Some(o.id) != except && !o.is_closed());
        if clash {
            Err(Error::conflict("name", format!("同一上级组织下已有名为“{name}”的组织")))
        } else {
            Ok(())
        }
    }
}

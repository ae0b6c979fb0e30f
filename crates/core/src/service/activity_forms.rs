//! Entering a record on the form: a new record checked with its photos and
//! stored with them in one transaction, the attendance presets of an org
//! and kind, and the last record entered ("复制上一条").

use super::ActivityInput;
use super::Services;
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::evidence::{NewEvidence, NewFile};
use crate::ledger::*;
use crate::model::{Id, Org, Role};
use serde::Serialize;

/// A preset of the attendance picker: the current members of an org.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterPreset {
    pub org_id: Id,
    pub org_name: String,
    /// The session's own org (its members), not a group under it.
    pub own: bool,
    /// The preset the session's kind suggests (see [`ROSTER_PURPOSE`]).
    pub suggested: bool,
    /// (person id, name), each person once.
    pub members: Vec<(Id, String)>,
}

/// A new record checked with the files sent with it, ready to be stored;
/// only [`Services::activity_check_new`] makes one.
#[derive(Debug)]
pub struct NewActivity {
    fields: ActivityFields,
    files: Vec<NewFile>,
    thumbnails: Vec<Option<Vec<u8>>>,
}

impl NewActivity {
    /// The photos among the files, by index, for the caller to make thumbnails of.
    pub fn images(&self) -> impl Iterator<Item = (usize, &[u8])> {
        self.files.iter().enumerate().filter(|(_, f)| f.is_image()).map(|(i, f)| (i, f.bytes.as_slice()))
    }

    pub fn set_thumbnail(&mut self, index: usize, thumbnail: Option<Vec<u8>>) {
        if let Some(slot) = self.thumbnails.get_mut(index) {
            *slot = thumbnail;
        }
    }
}

impl Services {
    /// Checks a new record and the files sent with it (`field` names the
    /// files' input), every problem at once; each file's message names it.
    /// Nothing is decoded or written.
    pub async fn activity_check_new(
        &self,
        actor: &Actor,
        input: &ActivityInput,
        field: &str,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<NewActivity> {
        actor.require(Role::Recorder)?;
        let fields = self.activity_fields(actor, input).await;
        let mut problems = match &fields {
            Err(Error::Invalid(list)) => list.clone(),
            _ => Vec::new(),
        };
        let mut checked = Vec::new();
        for (i, (name, bytes)) in files.into_iter().enumerate() {
            match NewFile::check(field, &name, bytes) {
                Ok(file) => checked.push(file),
                Err(Error::Invalid(list)) => {
                    let shown = crate::evidence::clean_file_name(&name);
                    let plain = !name
                        .chars()
                        .any(|c| c.is_control() || crate::evidence::is_bidi_control(c) || crate::error::xml_invalid(c));
                    for e in list {
                        let message = if e.message.contains(&shown) {
                            e.message
                        } else if plain && !shown.is_empty() {
                            format!("“{shown}”：{}", e.message)
                        } else {
                            format!("第{}个文件：{}", i + 1, e.message)
                        };
                        problems.push(crate::error::FieldError::new(field, message));
                    }
                }
                Err(other) => return Err(other),
            }
        }
        let fields = match fields {
            Ok(fields) if problems.is_empty() => fields,
            Err(e) if !matches!(e, Error::Invalid(_)) => return Err(e),
            _ => return Err(Error::Invalid(problems)),
        };
        let thumbnails = vec![None; checked.len()];
        Ok(NewActivity { fields, files: checked, thumbnails })
    }

    /// Stores a checked new record with its files, in one transaction.
    pub async fn activity_create_checked(&self, actor: &Actor, new: NewActivity) -> Result<Activity> {
        actor.require(Role::Recorder)?;
        let files = new
            .files
            .into_iter()
            .zip(new.thumbnails)
            .map(|(file, thumbnail)| NewEvidence {
                activity_id: 0,
                thumbnail: if file.is_image() { thumbnail } else { None },
                file_name: file.file_name,
                content_type: file.content_type,
                sha256: file.sha256,
                bytes: file.bytes,
            })
            .collect();
        self.ensure_unlocked(new.fields.org_id, new.fields.date).await?;
        self.store.activity_create_with_evidence(new.fields, files, &actor.ctx()).await
    }

    /// The record a new one starts from ("复制上一条"): the last one of the
    /// kind (given as code or label; any kind when empty) that this account
    /// entered and still sees.
    pub async fn activity_last_entered(&self, actor: &Actor, kind: &str) -> Result<Option<Activity>> {
        let Some(user_id) = actor.user_id else { return Ok(None) };
        let kind = match kind.trim() {
            "" => None,
            raw => match self.resolve_kind(actor, raw).await? {
                Some(code) => Some(code),
                None => return Ok(None),
            },
        };
        let Some(id) = self.store.activity_last_recorded(user_id, kind).await? else { return Ok(None) };
        match self.activity_get(actor, id).await {
            Ok(a) => Ok(Some(a)),
            Err(Error::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The presets of the attendance picker for a session of `kind` held by
    /// an org: the members of the org itself and of the leading groups,
    /// branches and volunteer teams directly under it, each with members.
    /// Which one the kind suggests is decided by org kind and purpose codes
    /// ([`ROSTER_PURPOSE`]; a volunteer team for volunteer service; else the
    /// org itself when it is a group, branch or team), never by names. The
    /// suggested preset comes first.
    pub async fn attendance_presets(&self, actor: &Actor, org_id: Id, kind: &str) -> Result<Vec<RosterPreset>> {
        use crate::model::OrgKind;
        let org = self.visible_org(actor, org_id).await?;
        let groups = |k: OrgKind| matches!(k, OrgKind::LeadingGroup | OrgKind::PartyBranch | OrgKind::VolunteerTeam);
        let mut orgs = vec![org.clone()];
        orgs.extend(
            self.store
                .org_subtree(&org.path)
                .await?
                .into_iter()
                .filter(|o| o.parent_id == Some(org.id) && !o.is_closed() && groups(o.kind)),
        );
        let purpose = ROSTER_PURPOSE.iter().find(|(k, _)| *k == kind).map(|(_, p)| *p);
        let suggests = |o: &Org| match purpose {
            Some(p) => o.kind == OrgKind::LeadingGroup && o.purpose.as_deref() == Some(p),
            None if kind == VOLUNTEER_KIND => o.kind == OrgKind::VolunteerTeam,
            None => o.id == org.id && groups(o.kind),
        };
        let mut presets = Vec::new();
        let mut suggested = false;
        for o in orgs {
            let mut members: Vec<(Id, String)> = Vec::new();
            for m in self.store.memberships_of_org(o.id).await? {
                if m.ended_on.is_none() && !members.iter().any(|(id, _)| *id == m.person_id) {
                    members.push((m.person_id, m.person_name));
                }
            }
            if members.is_empty() {
                continue;
            }
            let this = !suggested && suggests(&o);
            suggested |= this;
            presets.push(RosterPreset {
                org_id: o.id,
                org_name: o.name,
                own: o.id == org.id,
                suggested: this,
                members,
            });
        }
        presets.sort_by_key(|p| !p.suggested);
        Ok(presets)
    }
}

//! Projects with milestones and dated progress.

use serde::Deserialize;

use super::{Services, date_field, plain_texts, required_text};
use crate::auth::{Actor, now};
use crate::error::{Error, Problems, Result};
use crate::evidence::{Attachment, AttachmentOwner, NewFile};
use crate::model::{Id, Role};
use crate::project::{MAX_CATEGORY_CHARS, Measure, Milestone, ProgressUpdate, Project, check_update};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
// Serialize only for the schema's default of the list that holds it.
#[cfg_attr(feature = "openapi", derive(serde::Serialize, utoipa::ToSchema))]
pub struct MilestoneInput {
    /// 0 or absent for a new milestone.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub id: Option<Id>,
    pub name: String,
    /// YYYY-MM-DD, empty while not done.
    pub done_on: String,
}

/// A measure as typed: the value is text until checked ("5200", "3.5").
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
// Serialize only for the schema's default of the list that holds it.
#[cfg_attr(feature = "openapi", derive(serde::Serialize, utoipa::ToSchema))]
pub struct MeasureInput {
    /// 面积, 泊位, 金额 ...
    pub name: String,
    /// A number (5200 or "5200").
    #[serde(default, deserialize_with = "crate::input::number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = f64, default = json!(null)))]
    pub value: String,
    /// 平方米, 个, 万元 ...
    pub unit: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectInput {
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub org_id: Option<Id>,
    pub name: String,
    /// 项目类别 (基础设施, 民生工程 ...); empty for none.
    pub category: String,
    pub description: String,
    /// YYYY-MM-DD
    pub started_on: String,
    /// The whole list: rows left out are removed; empty rows are skipped.
    pub measures: Vec<MeasureInput>,
    /// The whole list: milestones left out are removed.
    pub milestones: Vec<MilestoneInput>,
}

/// Most measures a project may carry.
const MAX_MEASURES: usize = 20;

/// Reads a measure's value: "5200", "5,200", "3.5"; not negative.
fn measure_value(s: &str) -> Option<f64> {
    let cleaned: String = s.trim().chars().filter(|c| !matches!(c, ',' | '，' | ' ')).collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

/// Checks the measures of a project, each wrong row under `measures[i].field`.
fn checked_measures(problems: &mut Problems, input: &[MeasureInput]) -> Vec<Measure> {
    let mut out: Vec<Measure> = Vec::new();
    for (i, m) in input.iter().enumerate() {
        let (name, value, unit) = (m.name.trim(), m.value.trim(), m.unit.trim());
        if name.is_empty() && value.is_empty() && unit.is_empty() {
            continue;
        }
        let field = |f: &str| format!("measures[{i}].{f}");
        let row = i + 1;
        if out.len() >= MAX_MEASURES {
            problems.add(&field("name"), format!("工程量最多{MAX_MEASURES}项"));
            break;
        }
        let name = required_text(problems, &field("name"), &format!("第{row}项工程量的名称"), name, 20);
        if let Some(n) = &name
            && out.iter().any(|o| o.name == *n)
        {
            problems.add(&field("name"), format!("工程量“{n}”重复"));
        }
        let value = match measure_value(value) {
            Some(v) => Some(v),
            None if value.is_empty() => {
                problems.add(&field("value"), format!("请填写第{row}项工程量的数值"));
                None
            }
            None => {
                problems.add(&field("value"), format!("第{row}项工程量的数值“{value}”不是数字，应填写如5200或3.5"));
                None
            }
        };
        if unit.chars().count() > 10 {
            problems.add(&field("unit"), format!("第{row}项工程量的单位不能超过10个字"));
        } else {
            problems.text(&field("unit"), &format!("第{row}项工程量的单位"), unit);
        }
        if let (Some(name), Some(value)) = (name, value) {
            out.push(Measure { name, value, unit: unit.to_owned() });
        }
    }
    out
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressInput {
    /// YYYY-MM-DD
    pub date: String,
    /// 0 to 100
    pub percent: String,
    pub note: String,
    /// Required when the figure goes back.
    pub reason: String,
}

/// An uploaded file that must be a photo.
fn checked_photo(field: &str, file_name: &str, bytes: Vec<u8>) -> Result<NewFile> {
    let file = NewFile::check(field, file_name, bytes)?;
    if !file.is_image() {
        return Err(Error::invalid(field, format!("“{}”不是照片", file.file_name)));
    }
    Ok(file)
}

impl Services {
    pub async fn project_save(&self, actor: &Actor, id: Option<Id>, input: &ProjectInput) -> Result<Project> {
        let old = match id {
            Some(id) => Some(self.project_get(actor, id).await?),
            None => None,
        };
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id, &mut problems).await;
        let name = required_text(&mut problems, "name", "项目名称", &input.name, 100);
        let started_on = date_field(&mut problems, "started_on", "开工日期", &input.started_on, false);
        let mut milestones = Vec::new();
        for (i, m) in input.milestones.iter().enumerate() {
            let field = format!("milestones[{i}]");
            let name = m.name.trim();
            if name.is_empty() {
                if m.done_on.trim().is_empty() && m.id.unwrap_or(0) == 0 {
                    continue;
                }
                problems.add(&field, format!("第{}个节点的名称不能为空", i + 1));
                continue;
            }
            if !problems.text(&field, &format!("第{}个节点的名称", i + 1), name) {
                continue;
            }
            let done_on = date_field(&mut problems, &field, &format!("节点“{name}”的完成日期"), &m.done_on, false);
            let id = m.id.unwrap_or(0);
            if id > 0 && !old.as_ref().is_some_and(|o| o.milestones.iter().any(|x| x.id == id)) {
                problems.add(&field, format!("节点“{name}”不属于该项目"));
            }
            milestones.push(Milestone { id, name: name.chars().take(100).collect(), done_on });
        }
        problems.text("description", "项目内容", &input.description);
        let category = input.category.trim();
        if category.chars().count() > MAX_CATEGORY_CHARS {
            problems.add("category", format!("项目类别不能超过{MAX_CATEGORY_CHARS}个字"));
        } else {
            problems.text("category", "项目类别", category);
        }
        let measures = checked_measures(&mut problems, &input.measures);
        problems.finish()?;
        let project = Project {
            id: id.unwrap_or(0),
            org_id: org.expect("checked").id,
            name: name.expect("checked"),
            category: category.to_owned(),
            description: input.description.trim().chars().take(2000).collect(),
            started_on,
            measures,
            milestones,
            updates: Vec::new(),
        };
        self.store.project_save(project, &actor.ctx()).await
    }

    pub async fn project_get(&self, actor: &Actor, id: Id) -> Result<Project> {
        let project = self.store.project_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, project.org_id).await?;
        Ok(project)
    }

    /// Projects of an org's subtree (default: the actor's).
    pub async fn project_list(&self, actor: &Actor, org_id: Option<Id>) -> Result<Vec<Project>> {
        let scope = match org_id {
            Some(id) => self.visible_org(actor, id).await?.path,
            None => actor.scope_path.clone(),
        };
        self.store.projects(&scope).await
    }

    /// Records progress on a day, with a photo when one was uploaded. The
    /// figure may not pass 100 or go back without a reason.
    pub async fn progress_add(
        &self,
        actor: &Actor,
        project_id: Id,
        input: &ProgressInput,
        photo: Option<(String, Vec<u8>)>,
    ) -> Result<Project> {
        let project = self.project_get(actor, project_id).await?;
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let date = date_field(&mut problems, "date", "进度日期", &input.date, true);
        if let (Some(d), Some(s)) = (date, project.started_on)
            && d < s
        {
            problems.add("date", "进度日期不能早于开工日期");
        }
        let percent = match input.percent.trim().trim_end_matches(['%', '％']).trim().parse::<u32>() {
            Ok(p) => Some(p),
            Err(_) => {
                problems.add("percent", "完成进度应为0到100之间的整数");
                None
            }
        };
        if let (Some(d), Some(p)) = (date, percent)
            && let Some(message) = check_update(&project.updates, d, p, &input.reason)
        {
            problems.add(if p > 100 || !input.reason.trim().is_empty() { "percent" } else { "reason" }, message);
        }
        plain_texts(&mut problems, &[("note", "进展情况", &input.note), ("reason", "进度回退原因", &input.reason)]);
        let photo = super::optional_upload(&mut problems, photo, |name, bytes| checked_photo("photo", name, bytes));
        problems.finish()?;
        let update = ProgressUpdate {
            id: 0,
            date: date.expect("checked"),
            percent: percent.expect("checked") as u8,
            note: input.note.trim().chars().take(1000).collect(),
            reason: input.reason.trim().chars().take(500).collect(),
            photo_id: None,
            created_by: actor.username.clone(),
            created_at: now(),
        };
        self.store.progress_add(project_id, update, photo, &actor.ctx()).await
    }

    /// Stores (or replaces) the photo of a progress update.
    pub async fn progress_photo_set(
        &self,
        actor: &Actor,
        project_id: Id,
        update_id: Id,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<Attachment> {
        let project = self.project_get(actor, project_id).await?;
        project.updates.iter().find(|u| u.id == update_id).ok_or(Error::NotFound)?;
        actor.require(Role::Recorder)?;
        let file = checked_photo("file", file_name, bytes)?;
        let owner = AttachmentOwner::ProgressPhoto(update_id);
        self.store.attachment_set(owner, project.org_id, file, &actor.ctx()).await
    }

    /// The photo of a progress update.
    pub async fn progress_photo(&self, actor: &Actor, project_id: Id, update_id: Id) -> Result<(Attachment, Vec<u8>)> {
        let project = self.project_get(actor, project_id).await?;
        let update = project.updates.iter().find(|u| u.id == update_id).ok_or(Error::NotFound)?;
        let photo = update.photo_id.ok_or(Error::NotFound)?;
        self.store.attachment(photo).await?.ok_or(Error::NotFound)
    }
}

//! Activities to and from the spreadsheets offices keep: names instead of
//! ids, checked row by row; an import lands whole or not at all.

use std::collections::HashMap;

use super::{ActivityFilter, ActivityInput, ParticipantInput, Services};
use crate::auth::Actor;
use crate::error::{Error, FieldError, Result};
use crate::ledger::{
    Activity, ActivityQuery, CHANNELS, Campaign, SHEET_COLUMNS, SheetActivity, WorkArea, channel_label, kind_name,
};
use crate::model::{Id, Org, PersonQuery, Role};

/// Imports larger than this are refused; split the file.
pub const MAX_IMPORT_ROWS: usize = 20_000;

fn header(key: &str) -> &'static str {
    SHEET_COLUMNS.iter().find(|(k, _)| *k == key).map_or("", |(_, h)| *h)
}

/// The sheet column an input field belongs to.
fn column_of(field: &str) -> &'static str {
    let base = field.split(['[', '.']).next().unwrap_or(field);
    match base {
        "org_id" => "org",
        "work_area_id" => "work_area",
        "campaign_id" => "campaign",
        "participants" => "participants",
        other => SHEET_COLUMNS.iter().find(|(k, _)| *k == other).map_or("title", |(k, _)| *k),
    }
}

fn row_error(row: usize, key: &str, message: impl Into<String>) -> FieldError {
    let message = message.into();
    FieldError::new(format!("rows[{row}].{key}"), format!("第{row}行“{}”：{message}", header(key)))
}

fn number(row: usize, key: &str, text: &str, errors: &mut Vec<FieldError>) -> u32 {
    match text.trim() {
        "" => 0,
        t => t.parse().unwrap_or_else(|_| {
            errors.push(row_error(row, key, format!("“{t}”应为不小于0的整数")));
            0
        }),
    }
}

/// An activity as a spreadsheet row, given its org's name and the work
/// areas and campaigns its ids may name.
fn sheet_row(a: &Activity, org: String, areas: &[WorkArea], campaigns: &[Campaign]) -> SheetActivity {
    let f = &a.fields;
    SheetActivity {
        row: 0,
        org,
        date: f.date.to_string(),
        start_time: f.start_time.clone(),
        kind: kind_name(&f.kind).to_owned(),
        work_area: f
            .work_area_id
            .and_then(|id| areas.iter().find(|x| x.id == id))
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        title: f.title.clone(),
        place: f.place.clone(),
        host: f.host.clone(),
        participants: f.participants.iter().map(|p| p.person_name.as_str()).collect::<Vec<_>>().join("、"),
        others_count: if f.others_count > 0 { f.others_count.to_string() } else { String::new() },
        summary: f.summary.clone(),
        campaign: f
            .campaign_id
            .and_then(|id| campaigns.iter().find(|c| c.id == id))
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        channels: f.channels.iter().map(|c| channel_label(c).unwrap_or(c)).collect::<Vec<_>>().join("、"),
        banners: f.quantities.banners.to_string(),
        boards: f.quantities.boards.to_string(),
        posts: f.quantities.posts.to_string(),
        reached: f.quantities.reached.to_string(),
        role_models: f.role_models.join("、"),
        materials: f.materials.join("\n"),
        reported_on: f.reported_on.map(|d| d.to_string()).unwrap_or_default(),
        reported_by: f.reported_by.clone(),
    }
}

fn split_names(text: &str) -> Vec<String> {
    text.split(['、', '，', ',', ';', '；', '\n', ' ']).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

impl Services {
    /// An activity as a spreadsheet row, with names instead of ids.
    pub async fn activity_sheet(&self, actor: &Actor, a: &Activity) -> Result<SheetActivity> {
        let org = self.visible_org(actor, a.fields.org_id).await?;
        let areas = self.work_areas_for(actor).await?;
        let campaigns = self.campaigns(actor).await?;
        Ok(sheet_row(a, org.name, &areas, &campaigns))
    }

    /// Activities as spreadsheet rows, in their order: the orgs, work areas
    /// and campaigns they name are loaded once for all of them, so an export
    /// costs a few queries whatever its length. An activity of an org the
    /// actor cannot see is NotFound, as in [`Services::activity_sheet`].
    pub async fn activity_sheets(&self, actor: &Actor, activities: &[Activity]) -> Result<Vec<SheetActivity>> {
        if activities.is_empty() {
            return Ok(Vec::new());
        }
        let orgs: HashMap<Id, String> =
            self.store.org_subtree(&actor.scope_path).await?.into_iter().map(|o| (o.id, o.name)).collect();
        let areas = self.work_areas_for(actor).await?;
        let campaigns = self.campaigns(actor).await?;
        activities
            .iter()
            .map(|a| {
                let org = orgs.get(&a.fields.org_id).ok_or(Error::NotFound)?;
                Ok(sheet_row(a, org.clone(), &areas, &campaigns))
            })
            .collect()
    }

    /// The activities matching a filter, oldest first, in full, for export.
    pub async fn activity_export(&self, actor: &Actor, filter: &ActivityFilter) -> Result<Vec<Activity>> {
        let query: ActivityQuery = self.activity_query(actor, filter).await?;
        self.store.activities_matching(&query).await
    }

    /// Finds a participant by name: among the people the actor can see,
    /// preferring those who belong to the org when the name is shared.
    async fn person_by_name(&self, actor: &Actor, org: &Org, name: &str) -> Result<Vec<Id>> {
        let page = self.store.person_search(&PersonQuery::new(actor.scope_path.clone(), name)).await?;
        let same_name: Vec<Id> = page.items.into_iter().filter(|p| p.name == name).map(|p| p.id).collect();
        if same_name.len() <= 1 {
            return Ok(same_name);
        }
        let mut own = Vec::new();
        for id in same_name {
            if self.belongs_to(id, org).await?.is_some() {
                own.push(id);
            }
        }
        Ok(own)
    }

    /// Checks every row; stores all of them in one transaction, or none and
    /// reports every bad row and column.
    /// May the actor import activities? Asked before a file is read.
    pub fn activity_may_import(&self, actor: &Actor) -> Result<()> {
        actor.require(Role::Recorder)
    }

    pub async fn activity_import(&self, actor: &Actor, rows: Vec<SheetActivity>, source: &str) -> Result<usize> {
        self.activity_may_import(actor)?;
        if rows.is_empty() {
            return Err(Error::invalid("file", "文件中没有数据行"));
        }
        if rows.len() > MAX_IMPORT_ROWS {
            return Err(Error::invalid("file", format!("一次最多导入{MAX_IMPORT_ROWS}行，请拆分文件")));
        }
        let tree = self.store.org_subtree(&actor.scope_path).await?;
        let areas = self.work_areas_for(actor).await?;
        let campaigns = self.campaigns(actor).await?;
        let mut errors: Vec<FieldError> = Vec::new();
        let mut accepted = Vec::with_capacity(rows.len());
        let mut seen = std::collections::HashSet::new();
        for r in &rows {
            let row = r.row;
            let before = errors.len();
            let orgs: Vec<_> = tree.iter().filter(|o| o.name == r.org.trim()).collect();
            let org = match orgs.as_slice() {
                [] if r.org.trim().is_empty() => {
                    errors.push(row_error(row, "org", "不能为空"));
                    None
                }
                [] => {
                    errors.push(row_error(row, "org", format!("“{}”不存在或不在您的管辖范围内", r.org.trim())));
                    None
                }
                [one] => Some((*one).clone()),
                _ => {
                    errors.push(row_error(row, "org", format!("名为“{}”的组织不止一个", r.org.trim())));
                    None
                }
            };
            let kind = match self.resolve_kind(actor, &r.kind).await? {
                Some(k) => k,
                None => {
                    let names: Vec<String> = self.kinds_for(actor).await?.into_iter().map(|(_, l)| l).collect();
                    errors.push(row_error(
                        row,
                        "kind",
                        format!("“{}”不是有效的活动类型（可选：{}）", r.kind.trim(), names.join("、")),
                    ));
                    String::new()
                }
            };
            let work_area_id = match r.work_area.trim() {
                "" => None,
                name => match areas.iter().find(|a| a.name == name) {
                    Some(a) => Some(a.id),
                    None => {
                        errors.push(row_error(row, "work_area", format!("“{name}”不是已有的工作条线")));
                        None
                    }
                },
            };
            let campaign_id = match r.campaign.trim() {
                "" => None,
                name => match campaigns.iter().find(|c| c.name == name) {
                    Some(c) => Some(c.id),
                    None => {
                        errors.push(row_error(row, "campaign", format!("“{name}”不是已有的专项")));
                        None
                    }
                },
            };
            let mut channels = Vec::new();
            for name in split_names(&r.channels) {
                match CHANNELS.iter().find(|(c, l)| *c == name || *l == name) {
                    Some((code, _)) => channels.push((*code).to_owned()),
                    None => errors.push(row_error(row, "channels", format!("“{name}”不是有效的宣传渠道"))),
                }
            }
            let mut participants = Vec::new();
            if let Some(org) = &org {
                for name in split_names(&r.participants) {
                    match self.person_by_name(actor, org, &name).await?.as_slice() {
                        [id] => participants.push(ParticipantInput { person_id: Some(*id), ..Default::default() }),
                        [] => errors.push(row_error(row, "participants", format!("名册中没有“{name}”"))),
                        _ => errors.push(row_error(
                            row,
                            "participants",
                            format!("名册中有多个“{name}”，请在系统中逐条录入"),
                        )),
                    }
                }
            }
            let input = ActivityInput {
                org_id: org.as_ref().map(|o| o.id),
                kind: kind.clone(),
                work_area_id,
                title: r.title.clone(),
                summary: r.summary.clone(),
                place: r.place.clone(),
                date: r.date.clone(),
                start_time: r.start_time.clone(),
                host: r.host.clone(),
                participants,
                others_count: number(row, "others_count", &r.others_count, &mut errors),
                campaign_id,
                channels,
                banners: number(row, "banners", &r.banners, &mut errors),
                boards: number(row, "boards", &r.boards, &mut errors),
                posts: number(row, "posts", &r.posts, &mut errors),
                reached: number(row, "reached", &r.reached, &mut errors),
                role_models: vec![r.role_models.clone()],
                materials: r.materials.lines().map(str::to_owned).collect(),
                reported_on: r.reported_on.clone(),
                reported_by: r.reported_by.clone(),
            };
            match self.activity_fields(actor, &input).await {
                Ok(fields) if errors.len() == before => {
                    let key = (fields.org_id, fields.date, fields.kind.clone(), fields.title.clone());
                    let duplicate_in_db = self
                        .store
                        .activity_list(&ActivityQuery {
                            scope_path: org.as_ref().map(|o| o.path.clone()).unwrap_or_default(),
                            kind: Some(fields.kind.clone()),
                            from: Some(fields.date),
                            to: Some(fields.date),
                            text: fields.title.clone(),
                            page: 1,
                            per_page: 50,
                            ..Default::default()
                        })
                        .await?
                        .items
                        .iter()
                        .any(|a| a.org_id == fields.org_id && a.title == fields.title);
                    if duplicate_in_db {
                        errors.push(row_error(row, "title", "与已有记录重复（同一组织、日期、类型和名称）"));
                    } else if !seen.insert(key) {
                        errors.push(row_error(row, "title", "与文件中前面的行重复"));
                    } else {
                        accepted.push(fields);
                    }
                }
                Ok(_) => {}
                Err(Error::Invalid(field_errors)) => {
                    for e in field_errors {
                        let key = column_of(&e.field);
                        // Errors already reported from the names are not repeated.
                        let already = errors[before..].iter().any(|x| x.field == format!("rows[{row}].{key}"));
                        if !already {
                            errors.push(row_error(row, key, e.message));
                        }
                    }
                }
                Err(other) => return Err(other),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let mut locked = std::collections::HashMap::new();
        for (r, f) in rows.iter().zip(&accepted) {
            if let std::collections::hash_map::Entry::Vacant(e) = locked.entry((f.org_id, f.date)) {
                e.insert(self.lock_message(f.org_id, f.date).await?);
            }
            if let Some(message) = &locked[&(f.org_id, f.date)] {
                errors.push(row_error(r.row, "date", message.clone()));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        self.store.activity_import(accepted, source.to_owned(), &actor.ctx()).await
    }

    /// What the import template's lists offer, and its sample row.
    pub async fn activity_template_choices(&self, actor: &Actor) -> Result<(Vec<String>, Vec<String>, Vec<String>)> {
        let orgs = self.org_tree(actor).await?.into_iter().filter(|o| !o.is_closed()).map(|o| o.name).collect();
        let areas = self.work_areas_for(actor).await?.into_iter().map(|a| a.name).collect();
        let campaigns = self.campaigns(actor).await?.into_iter().map(|c| c.name).collect();
        Ok((orgs, areas, campaigns))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_map_to_columns() {
        assert_eq!(super::column_of("org_id"), "org");
        assert_eq!(super::column_of("participants[2].person_id"), "participants");
        assert_eq!(super::column_of("date"), "date");
        assert_eq!(super::column_of("reported_by"), "reported_by");
        assert_eq!(super::split_names("韦建国、蓝秀英，覃志明"), vec!["韦建国", "蓝秀英", "覃志明"]);
    }
}

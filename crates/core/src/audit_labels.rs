//! The audit log in words: Chinese labels of its actions, record types and
//! fields, and the change an entry records as lines such as
//! "姓名 由 张三 改为 李四". Pages and the API share it; it knows nothing of
//! HTTP. A code without a label is shown as it is.

use serde_json::{Map, Value};

use crate::model::AuditRecord;

/// Actions of audit entries, with their labels, in the order filters offer them.
pub const ACTIONS: &[(&str, &str)] = &[
    ("create", "新增"),
    ("update", "修改"),
    ("delete", "删除"),
    ("move", "移动"),
    ("close", "撤销"),
    ("reopen", "恢复"),
    ("attach", "上传附件"),
    ("dismiss", "不采纳"),
    ("import", "导入"),
    ("export", "导出"),
    ("login", "登录"),
    ("login_failed", "登录失败"),
    ("logout", "退出"),
    ("password", "修改密码"),
    ("view_personal", "查看个人信息"),
    ("save", "保存草稿"),
    ("submit", "报送"),
    ("return", "退回"),
    ("approve", "审核通过"),
    ("comment", "留言"),
    ("remind", "催报"),
];

/// Record types of audit entries, with their labels.
pub const ENTITIES: &[(&str, &str)] = &[
    ("org", "组织"),
    ("person", "人员"),
    ("membership", "任职"),
    ("user", "账号"),
    ("session", "登录会话"),
    ("activity", "活动"),
    ("activity_kind", "活动类型"),
    ("work_area", "工作领域"),
    ("campaign", "专项工作"),
    ("evidence", "佐证材料"),
    ("target", "目标"),
    ("plan_item", "学习计划"),
    ("rectification", "整改"),
    ("duty", "责任分工"),
    ("pledge", "责任状"),
    ("case", "信访纠纷"),
    ("project", "工程项目"),
    ("project_progress", "项目进度"),
    ("review_item", "问题与打算"),
    ("review_suggestion", "建议"),
    ("summary", "工作总结"),
    ("summary_template", "总结模板"),
    ("report_task", "报送任务"),
    ("report_submission", "报送"),
    ("report_reminder", "催报"),
    ("household", "户"),
    ("resident", "居民"),
    ("screening", "入户排查"),
    ("visit", "走访"),
    ("key_group", "重点人群"),
    ("key_person", "重点人员"),
    ("care_plan", "一人一策"),
    ("follow_up", "随访"),
    ("health_check", "健康监测"),
    ("disinfection", "消毒"),
    ("indicator", "统计指标"),
    ("indicator_value", "指标值"),
];

/// Keys of the before/after records, with their labels (the same key means
/// the same thing in every record type, but for [`field_label`]'s exceptions).
const FIELDS: &[(&str, &str)] = &[
    // People, accounts, orgs.
    ("name", "名称"),
    ("display_name", "姓名"),
    ("username", "用户名"),
    ("role", "职务"),
    ("can_view_personal", "查看个人信息权限"),
    ("disabled", "停用"),
    ("org_id", "所属组织"),
    ("org_name", "组织"),
    ("parent_id", "上级组织"),
    ("kind", "类型"),
    ("closed_at", "撤销时间"),
    ("purpose", "用于总结的专题"),
    ("path", "层级"),
    ("gender", "性别"),
    ("birth_date", "出生日期"),
    ("id_number", "身份证号"),
    ("mobile", "手机号"),
    ("party_member", "党员"),
    ("notes", "备注"),
    ("note", "备注"),
    ("person_id", "人员"),
    ("person_name", "姓名"),
    ("started_on", "开始日期"),
    ("ended_on", "结束日期"),
    // Activities and their files.
    ("date", "日期"),
    ("start_time", "开始时间"),
    ("title", "标题"),
    ("place", "地点"),
    ("host", "主持人"),
    ("participants", "参加人员"),
    ("attendance", "出勤"),
    ("hours", "时长（小时）"),
    ("leave_reason", "请假原因"),
    ("others_count", "其他参加人数"),
    ("summary", "主要内容"),
    ("work_area_id", "工作领域"),
    ("campaign_id", "专项工作"),
    ("channels", "宣传方式"),
    ("quantities", "数量"),
    ("banners", "横幅"),
    ("boards", "展板"),
    ("posts", "推送"),
    ("reached", "覆盖人数"),
    ("role_models", "先进典型"),
    ("materials", "材料"),
    ("reported_on", "报送日期"),
    ("reported_by", "报送人"),
    ("activity_id", "活动"),
    ("file_name", "文件名"),
    ("content_type", "文件类型"),
    ("size", "大小（字节）"),
    ("sha256", "校验值"),
    ("has_thumbnail", "缩略图"),
    ("attachment_id", "附件"),
    ("created_by", "录入人"),
    ("created_at", "创建时间"),
    ("updated_at", "更新时间"),
    ("sort", "排序"),
    ("count", "条数"),
    ("orgs", "组织"),
    // Targets, plans, rectifications.
    ("frequency", "频次"),
    ("min_count", "最少次数"),
    ("include_subtree", "含下级组织"),
    ("exemptions", "免除期间"),
    ("start", "起始日期"),
    ("end", "截止日期"),
    ("year", "年度"),
    ("month", "月份"),
    ("topic", "主题"),
    ("subject", "整改对象"),
    ("problem", "问题"),
    ("requirement", "整改要求"),
    ("found_on", "发现日期"),
    ("deadline", "期限"),
    ("rectified_on", "整改完成日期"),
    ("reinspected_by", "复查人"),
    ("reinspected_on", "复查日期"),
    ("reinspection_note", "复查情况"),
    ("reinspection_passed", "复查通过"),
    // Responsibility, cases, projects, reviews.
    ("post", "职务"),
    ("first_responsible", "第一责任人"),
    ("area_ids", "分管工作领域"),
    ("counterpart", "签订对象"),
    ("duties", "责任内容"),
    ("signed_on", "签订日期"),
    ("signer_id", "签订人"),
    ("signer_name", "签订人"),
    ("scan_id", "扫描件"),
    ("received_on", "受理日期"),
    ("parties", "当事人/地点"),
    ("matter", "事项"),
    ("handler", "承办人"),
    ("steps", "办理过程"),
    ("text", "内容"),
    ("outcome", "结果"),
    ("resolution", "处理情况"),
    ("closed_on", "办结日期"),
    ("description", "简介"),
    ("milestones", "节点"),
    ("done_on", "完成日期"),
    ("updates", "进度"),
    ("percent", "完成进度（%）"),
    ("reason", "原因"),
    ("photo_id", "照片"),
    ("period", "期间"),
    ("section", "类别"),
    ("position", "序号"),
    ("source", "来源"),
    // Grid work.
    ("address", "住址"),
    ("members", "成员"),
    ("relation", "与户主关系"),
    ("household_id", "户"),
    ("grid_id", "网格"),
    ("grid_ids", "网格"),
    ("starts_on", "开始日期"),
    ("ends_on", "结束日期"),
    ("screening_id", "入户排查"),
    ("visited_on", "走访日期"),
    ("visitor", "走访人"),
    ("result", "结果"),
    ("statuses", "人员状况"),
    ("added", "新增人数"),
    ("changed", "变更人数"),
    ("unchanged", "未变人数"),
    ("households_added", "新建户数"),
    ("key_group_id", "重点人群"),
    ("group_name", "重点人群"),
    ("entered_on", "纳入日期"),
    ("enter_reason", "纳入原因"),
    ("left_on", "解除日期"),
    ("measures", "管控措施"),
    ("cadre_id", "包保干部"),
    ("cadre_name", "包保干部"),
    ("every_days", "随访间隔（天）"),
    ("by", "经办人"),
    ("findings", "随访情况"),
    ("checked_at", "监测时间"),
    ("done_at", "时间"),
    ("agent", "消毒剂"),
];

/// Keys left out of a change: the record's own number is in the headline,
/// and the times of the write are the entry's own time.
const SKIPPED: &[&str] = &["id", "created_at", "updated_at", "path"];

/// Longest value shown in a line, in characters.
const MAX_VALUE_CHARS: usize = 120;

fn find(table: &[(&str, &'static str)], code: &str) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// The label of an action ("update" → "修改"); the code itself if unknown.
pub fn action_label(code: &str) -> &str {
    find(ACTIONS, code).unwrap_or(code)
}

/// The label of a record type ("person" → "人员"); the code itself if unknown.
pub fn entity_label(code: &str) -> &str {
    find(ENTITIES, code).unwrap_or(code)
}

/// The label of a key of an entity's record; the key itself if unknown.
pub fn field_label<'a>(entity: &str, key: &'a str) -> &'a str {
    let special = match (entity, key) {
        ("person" | "resident" | "household" | "key_person" | "care_plan", "name") => Some("姓名"),
        ("user", "role") => Some("角色"),
        ("case", "kind") => Some("类别"),
        ("target", "kind") => Some("活动类型"),
        ("case", "reported_by") => Some("报告人"),
        ("case", "deadline") => Some("办理期限"),
        ("rectification", "deadline") => Some("整改期限"),
        ("rectification", "activity_id") => Some("检查记录"),
        ("plan_item", "activity_id") => Some("学习活动"),
        ("plan_item", "materials") => Some("学习材料"),
        ("target", "title") | ("summary", "title") => Some("名称"),
        ("review_item", "text") => Some("内容"),
        ("work_area", "parent_id") => Some("上级领域"),
        ("follow_up", "by") => Some("随访人"),
        ("follow_up", "done_on") => Some("随访日期"),
        ("disinfection", "by") => Some("消毒人员"),
        ("disinfection", "done_at") => Some("消毒时间"),
        ("disinfection", "place") => Some("场所"),
        ("project", "started_on") => Some("开工日期"),
        ("project", "category") => Some("项目类别"),
        ("project", "measures") => Some("工程量"),
        ("project", "value") => Some("数值"),
        ("project", "unit") => Some("单位"),
        ("project", "reason") => Some("进度调整原因"),
        ("summary_template", "source") => Some("模板内容"),
        ("key_person", "leave_reason") => Some("解除原因"),
        ("indicator", "org_kind") => Some("适用组织类型"),
        ("indicator", "unit") => Some("计量单位"),
        ("indicator", "decimals") => Some("小数位数"),
        ("indicator", "aggregate") => Some("汇总方式"),
        ("indicator", "values") => Some("删除的指标值"),
        ("indicator_value", "indicator_id") => Some("指标"),
        ("indicator_value", "value") => Some("数值"),
        ("indicator_value", "target") => Some("目标"),
        ("indicator_value", "last_year") => Some("去年同期"),
        ("indicator_value", "rows") => Some("行数"),
        ("indicator_value", "changed") => Some("有变化"),
        ("report_task", "cadence") => Some("报送周期"),
        ("report_task", "first_period") => Some("起始期间"),
        ("report_task", "last_period") => Some("结束期间"),
        ("report_task", "due_days") => Some("期末后截止天数"),
        ("report_task", "org_kinds") => Some("报送单位类型"),
        ("report_task", "fields") => Some("报送内容"),
        ("report_task", "attach_summary") => Some("附工作总结"),
        ("report_submission" | "report_reminder", "task_id") => Some("报送任务"),
        ("report_submission" | "report_reminder", "period") => Some("期间"),
        ("report_submission", "state") => Some("状态"),
        ("report_submission", "round") => Some("报送次数"),
        ("report_submission", "figures") => Some("报送数字"),
        ("report_submission", "reason") => Some("原因"),
        ("report_submission", "text") => Some("留言"),
        _ => None,
    };
    special.or_else(|| find(FIELDS, key)).unwrap_or(key)
}

/// The label of a coded value of a field ("gender": "female" → "女").
fn value_label(entity: &str, key: &str, code: &str) -> Option<&'static str> {
    use crate::{cases, grid, ledger, model, review, target};
    match (entity, key) {
        (_, "gender") => crate::id_number::Gender::parse(code).map(|g| g.label()),
        ("user", "role") => model::Role::parse(code).map(|r| r.label()),
        ("org", "kind") => model::OrgKind::parse(code).map(|k| k.label()),
        ("case", "kind") => cases::CaseKind::parse(code).map(|k| k.label()),
        (_, "kind") => ledger::kind_label(code),
        (_, "outcome") => cases::Outcome::parse(code).map(|o| o.label()),
        (_, "frequency") => target::Frequency::parse(code).map(|f| f.label()),
        (_, "section") => review::Section::parse(code).map(|s| s.label()),
        ("indicator", "aggregate") => crate::indicator::Aggregate::parse(code).map(|a| a.label()),
        ("indicator", "org_kind") => model::OrgKind::parse(code).map(|k| k.label()),
        ("report_task", "cadence") => crate::reporting::Cadence::parse(code).map(|c| c.label()),
        ("report_submission", "state") => crate::reporting::State::parse(code).map(|s| s.label()),
        (_, "result") => grid::VisitResult::parse(code).map(|r| r.label()),
        (_, "attendance") => ledger::Attendance::parse(code).map(|a| a.label()),
        (_, "channels") => find(ledger::CHANNELS, code),
        (_, "statuses") => grid::PersonStatus::parse(code).map(|s| s.label()),
        (_, "purpose") => crate::purpose::purpose_label(code),
        _ => None,
    }
}

/// Shortens a value to [`MAX_VALUE_CHARS`].
fn bounded(text: String) -> String {
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let mut short: String = text.chars().take(MAX_VALUE_CHARS).collect();
    short.push('…');
    short
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Names of the records an id refers to, as far as the reader may see them:
/// `(entity, key, id)` → name (such as an org's name for `org_id`).
pub type Names<'a> = &'a dyn Fn(&str, &str, i64) -> Option<String>;

fn no_names(_: &str, _: &str, _: i64) -> Option<String> {
    None
}

/// Keys of ids left out of a record that also holds the name they refer to.
const SHADOWED: &[(&str, &str)] = &[
    ("person_id", "person_name"),
    ("cadre_id", "cadre_name"),
    ("signer_id", "signer_name"),
    ("key_group_id", "group_name"),
    ("org_id", "org_name"),
];

/// A value as words: booleans 是/否, nothing as 空, coded values by their
/// labels, lists joined with 、, nested records as "字段：值" pairs.
pub fn value_text(entity: &str, key: &str, value: &Value) -> String {
    text_of(entity, key, value, &no_names)
}

fn text_of(entity: &str, key: &str, value: &Value, names: Names) -> String {
    let text = match value {
        Value::Null => "空".to_owned(),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Value::Number(n) => n.as_i64().and_then(|id| names(entity, key, id)).unwrap_or_else(|| n.to_string()),
        Value::String(s) if s.is_empty() => "空".to_owned(),
        Value::String(s) => value_label(entity, key, s).map_or_else(|| s.clone(), str::to_owned),
        Value::Array(items) if items.is_empty() => "空".to_owned(),
        Value::Array(items) => {
            let record = items.iter().any(|i| i.is_object());
            let parts: Vec<String> = items.iter().map(|i| text_of(entity, key, i, names)).collect();
            parts.join(if record { "；" } else { "、" })
        }
        Value::Object(fields) => record_text(entity, fields, names),
    };
    bounded(text)
}

/// The keys of one or two records, shown ones only, in the order of
/// [`FIELDS`] (names first), unknown keys last: the same order whatever
/// order the JSON kept. An id is left out where its name is there too.
fn ordered_keys<'a>(first: &'a Map<String, Value>, second: Option<&'a Map<String, Value>>) -> Vec<&'a str> {
    let mut keys: Vec<&str> =
        first.keys().chain(second.into_iter().flat_map(|m| m.keys())).map(String::as_str).collect();
    let named = |name: &str| first.contains_key(name) || second.is_some_and(|m| m.contains_key(name));
    keys.retain(|k| !SKIPPED.contains(k) && !SHADOWED.iter().any(|(id, name)| id == k && named(name)));
    keys.sort_by_key(|k| (FIELDS.iter().position(|(c, _)| c == k).unwrap_or(usize::MAX), *k));
    keys.dedup();
    keys
}

/// The non-empty fields of a record as (key, value), in [`ordered_keys`] order.
fn filled(fields: &Map<String, Value>) -> impl Iterator<Item = (&str, &Value)> {
    ordered_keys(fields, None).into_iter().filter_map(|k| fields.get(k).filter(|v| !is_empty(v)).map(|v| (k, v)))
}

/// A nested record as "字段：值" pairs of its non-empty fields.
fn record_text(entity: &str, fields: &Map<String, Value>, names: Names) -> String {
    let parts: Vec<String> =
        filled(fields).map(|(k, v)| format!("{}：{}", field_label(entity, k), text_of(entity, k, v, names))).collect();
    if parts.is_empty() { "空".to_owned() } else { parts.join("，") }
}

/// The lines of one changed field. A list of records (progress entries,
/// steps) tells which were added and removed rather than the whole list twice.
fn field_change(entity: &str, key: &str, old: &Value, new: &Value, names: Names) -> Vec<String> {
    let label = field_label(entity, key);
    if let (Value::Array(was), Value::Array(is)) = (old, new)
        && was.iter().chain(is).any(Value::is_object)
    {
        let added: Vec<&Value> = is.iter().filter(|v| !was.contains(v)).collect();
        let removed: Vec<&Value> = was.iter().filter(|v| !is.contains(v)).collect();
        if !added.is_empty() || !removed.is_empty() {
            let mut lines: Vec<String> =
                added.iter().map(|v| format!("{label} 新增：{}", text_of(entity, key, v, names))).collect();
            lines.extend(removed.iter().map(|v| format!("{label} 删除：{}", text_of(entity, key, v, names))));
            return lines;
        }
    }
    vec![format!("{label} 由 {} 改为 {}", text_of(entity, key, old, names), text_of(entity, key, new, names))]
}

/// The change an entry records, one line per field: "字段 由 旧值 改为 新值"
/// for an update (only the fields that changed), "字段：值" for a record
/// created or deleted (its non-empty fields).
pub fn change_lines(entity: &str, before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    change_lines_named(entity, before, after, &no_names)
}

/// [`change_lines`] with the ids of records the reader may see told by their
/// names (`names`; an id it does not name stays a number).
pub fn change_lines_named(entity: &str, before: Option<&Value>, after: Option<&Value>, names: Names) -> Vec<String> {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => ordered_keys(a, Some(b))
            .into_iter()
            .flat_map(|k| {
                let (old, new) = (b.get(k).unwrap_or(&Value::Null), a.get(k).unwrap_or(&Value::Null));
                if old == new || (is_empty(old) && is_empty(new)) {
                    return Vec::new();
                }
                field_change(entity, k, old, new, names)
            })
            .collect(),
        (None, Some(Value::Object(fields))) | (Some(Value::Object(fields)), None) => filled(fields)
            .map(|(k, v)| format!("{}：{}", field_label(entity, k), text_of(entity, k, v, names)))
            .collect(),
        (b, a) => {
            let mut lines = Vec::new();
            if let Some(b) = b.filter(|v| !is_empty(v)) {
                lines.push(format!("变更前：{}", text_of(entity, "", b, names)));
            }
            if let Some(a) = a.filter(|v| !is_empty(v)) {
                lines.push(format!("变更后：{}", text_of(entity, "", a, names)));
            }
            lines
        }
    }
}

/// "修改 人员 #45": the action, the record type and its number.
pub fn headline(action: &str, entity: &str, entity_id: Option<i64>) -> String {
    let mut text = format!("{} {}", action_label(action), entity_label(entity));
    if let Some(id) = entity_id {
        text.push_str(&format!(" #{id}"));
    }
    text
}

/// An entry as one sentence: "修改 人员 #45：姓名 由 张三 改为 李四；……",
/// with the entry's own note when it records no change.
pub fn summary(record: &AuditRecord) -> String {
    let mut text = headline(&record.action, &record.entity, record.entity_id);
    let lines = change_lines(&record.entity, record.before.as_ref(), record.after.as_ref());
    let rest = if lines.is_empty() { record.detail.clone() } else { lines.join("；") };
    if !rest.is_empty() {
        text.push('：');
        text.push_str(&rest);
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_update_is_told_field_by_field() {
        let before = json!({ "id": 45, "name": "张三", "gender": "male", "party_member": false, "notes": "",
            "org_id": 3, "updated_at": "2020-01-01T00:00:00Z" });
        let after = json!({ "id": 45, "name": "张三丰", "gender": "female", "party_member": true, "notes": "",
            "org_id": 3, "updated_at": "2020-02-01T00:00:00Z" });
        assert_eq!(
            change_lines("person", Some(&before), Some(&after)),
            vec!["姓名 由 张三 改为 张三丰", "性别 由 男 改为 女", "党员 由 否 改为 是"]
        );
        let user = change_lines(
            "user",
            Some(&json!({ "display_name": "韦", "role": "viewer", "can_view_personal": false })),
            Some(&json!({ "display_name": "韦", "role": "org_admin", "can_view_personal": true, "new_key": 1 })),
        );
        assert_eq!(
            user,
            vec!["角色 由 查看者 改为 单位管理员", "查看个人信息权限 由 否 改为 是", "new_key 由 空 改为 1"]
        );
    }

    #[test]
    fn created_records_nested_values_and_the_sentence() {
        let after = json!({ "id": 7, "kind": "publicity", "title": "宣传", "channels": ["banner", "wechat_group"],
            "participants": [{ "person_id": 4, "person_name": "黄海涛", "attendance": "present", "hours": null }],
            "quantities": { "banners": 4, "boards": 0 }, "summary": "" });
        let lines = change_lines("activity", None, Some(&after));
        assert_eq!(
            lines,
            vec![
                "类型：宣传",
                "标题：宣传",
                "参加人员：姓名：黄海涛，出勤：出席",
                "宣传方式：横幅、微信群",
                "数量：横幅：4，展板：0",
            ]
        );
        assert!(lines.iter().all(|l| !l.contains('{') && !l.contains('"')));
        let ctx = crate::model::AuditCtx { user_id: None, username: "admin".into(), ip: None, at: chrono::Utc::now() };
        let record = AuditRecord::new(&ctx, "update", "person")
            .entity_id(45)
            .before(json!({ "name": "张三" }))
            .after(json!({ "name": "李四" }));
        assert_eq!(summary(&record), "修改 人员 #45：姓名 由 张三 改为 李四");
        let login = AuditRecord::new(&ctx, "login_failed", "session").detail("用户名或密码错误");
        assert_eq!(summary(&login), "登录失败 登录会话：用户名或密码错误");
        assert_eq!(action_label("teleport"), "teleport");
        assert_eq!(entity_label("spaceship"), "spaceship");
        let long = "长".repeat(500);
        assert_eq!(value_text("person", "notes", &json!(long)).chars().count(), MAX_VALUE_CHARS + 1);
    }

    #[test]
    fn lists_of_records_tell_what_was_added_and_ids_their_names() {
        let step = |date: &str, text: &str| json!({ "date": date, "text": text, "by": "蓝秀英" });
        let before = json!({ "steps": [step("2020-05-11", "现场查看")], "org_id": 3, "handler": "黄海涛" });
        let after = json!({ "steps": [step("2020-05-11", "现场查看"), step("2020-05-18", "整改完成")], "org_id": 4,
            "handler": "黄海涛" });
        let names = |_: &str, key: &str, id: i64| (key == "org_id" && id == 4).then(|| "第一社区".to_owned());
        assert_eq!(
            change_lines_named("case", Some(&before), Some(&after), &names),
            vec!["所属组织 由 3 改为 第一社区", "办理过程 新增：日期：2020-05-18，内容：整改完成，经办人：蓝秀英"]
        );
        let removed = change_lines("case", Some(&after), Some(&before));
        assert!(
            removed.iter().any(|l| l == "办理过程 删除：日期：2020-05-18，内容：整改完成，经办人：蓝秀英"),
            "{removed:?}"
        );
        // A list of plain values is shown whole, before and after.
        let channels = change_lines(
            "activity",
            Some(&json!({ "channels": ["banner"] })),
            Some(&json!({ "channels": ["banner", "board"] })),
        );
        assert_eq!(channels, vec!["宣传方式 由 横幅 改为 横幅、展板"]);
    }

    #[test]
    fn every_action_and_entity_written_has_a_label() {
        // The codes written by `AuditRecord::new` across the code base.
        for a in ["create", "update", "delete", "move", "close", "reopen", "attach", "dismiss", "import", "export"] {
            assert_ne!(action_label(a), a);
        }
        for a in ["login", "login_failed", "logout", "password", "view_personal"] {
            assert_ne!(action_label(a), a);
        }
        for e in [
            "org",
            "person",
            "membership",
            "user",
            "session",
            "activity",
            "activity_kind",
            "work_area",
            "campaign",
            "evidence",
            "target",
            "plan_item",
            "rectification",
            "duty",
            "pledge",
            "case",
            "project",
            "project_progress",
            "review_item",
            "review_suggestion",
            "summary",
            "summary_template",
            "household",
            "resident",
            "screening",
            "visit",
            "key_group",
            "key_person",
            "care_plan",
            "follow_up",
            "health_check",
            "disinfection",
            "indicator",
            "indicator_value",
        ] {
            assert_ne!(entity_label(e), e);
        }
    }
}

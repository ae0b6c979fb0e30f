//! The register's types: organisations, people, memberships, user accounts,
//! sessions and audit entries. They know nothing of HTTP or SQL.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::id_number::{Gender, IdNumber};
use crate::mobile::Mobile;

pub type Id = i64;

/// The kinds of organisation in the tree (glossary names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    County,
    PartyCommittee,
    AdminCentre,
    PartyBranch,
    Community,
    Grid,
    LeadingGroup,
    VolunteerTeam,
    Township,
    StreetOffice,
    Village,
    CulturalStation,
    PracticeStation,
    Department,
}

impl OrgKind {
    pub const ALL: [OrgKind; 14] = [
        OrgKind::County,
        OrgKind::PartyCommittee,
        OrgKind::AdminCentre,
        OrgKind::PartyBranch,
        OrgKind::Community,
        OrgKind::Grid,
        OrgKind::LeadingGroup,
        OrgKind::VolunteerTeam,
        OrgKind::Township,
        OrgKind::StreetOffice,
        OrgKind::Village,
        OrgKind::CulturalStation,
        OrgKind::PracticeStation,
        OrgKind::Department,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::County => "county",
            OrgKind::PartyCommittee => "party_committee",
            OrgKind::AdminCentre => "admin_centre",
            OrgKind::PartyBranch => "party_branch",
            OrgKind::Community => "community",
            OrgKind::Grid => "grid",
            OrgKind::LeadingGroup => "leading_group",
            OrgKind::VolunteerTeam => "volunteer_team",
            OrgKind::Township => "township",
            OrgKind::StreetOffice => "street_office",
            OrgKind::Village => "village",
            OrgKind::CulturalStation => "cultural_station",
            OrgKind::PracticeStation => "practice_station",
            OrgKind::Department => "department",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::County => "县（区）",
            OrgKind::PartyCommittee => "党委",
            OrgKind::AdminCentre => "管委中心",
            OrgKind::PartyBranch => "党支部",
            OrgKind::Community => "社区",
            OrgKind::Grid => "网格",
            OrgKind::LeadingGroup => "领导小组",
            OrgKind::VolunteerTeam => "志愿服务队",
            OrgKind::Township => "乡镇",
            OrgKind::StreetOffice => "街道办事处",
            OrgKind::Village => "村",
            OrgKind::CulturalStation => "综合文化站",
            OrgKind::PracticeStation => "新时代文明实践所",
            OrgKind::Department => "单位",
        }
    }

    /// The work areas (with sub-areas) an office of this kind usually keeps:
    /// a starting set its admin adopts and adapts (`work_areas_adopt`). Data,
    /// never a rule: no record is chosen by these names.
    pub fn default_work_areas(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            OrgKind::Township => &[
                ("党的建设", &["基层党建", "党风廉政建设"]),
                ("经济发展", &["产业发展", "招商引资"]),
                ("乡村振兴", &["人居环境整治", "农村基础设施"]),
                ("社会治理", &["平安建设", "矛盾纠纷化解", "信访工作"]),
                ("民生保障", &["社会救助", "就业服务"]),
                ("宣传思想文化", &[]),
            ],
            OrgKind::StreetOffice => &[
                ("党建引领", &[]),
                ("社区治理", &["网格化管理", "物业管理"]),
                ("民生服务", &["就业服务", "养老服务"]),
                ("平安建设", &[]),
                ("城市管理", &[]),
                ("宣传思想文化", &[]),
            ],
            OrgKind::Village => &[
                ("党建引领", &[]),
                ("产业发展", &[]),
                ("乡村治理", &["村民自治", "矛盾调解"]),
                ("人居环境", &[]),
                ("民生保障", &[]),
            ],
            OrgKind::Community => &[("党建引领", &[]), ("社区服务", &[]), ("平安建设", &[]), ("文明创建", &[])],
            OrgKind::CulturalStation => &[
                ("公共文化服务", &["文艺演出", "全民阅读"]),
                ("群众文化活动", &[]),
                ("非遗保护传承", &[]),
                ("文化设施管理", &[]),
            ],
            OrgKind::PracticeStation => {
                &[("理论宣讲", &[]), ("志愿服务", &[]), ("文化惠民", &[]), ("移风易俗", &[]), ("文明创建", &[])]
            }
            OrgKind::Department => &[("业务工作", &[]), ("党建工作", &[]), ("队伍建设", &[])],
            _ => &[],
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.as_str() == s || k.label() == s)
    }
}

/// One organisation. `path` is the materialised path of ids from the root,
/// `/1/4/9/`, which makes "is in the subtree of" a prefix test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Org {
    pub id: Id,
    pub parent_id: Option<Id>,
    pub kind: OrgKind,
    pub name: String,
    pub path: String,
    /// The summary topic it serves (a leading group's), a code of
    /// [`crate::purpose::PURPOSES`].
    pub purpose: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Org {
    pub fn depth(&self) -> usize {
        self.path.matches('/').count().saturating_sub(2)
    }

    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }

    /// True when `other` is this org or lies below it.
    pub fn contains_path(&self, other_path: &str) -> bool {
        other_path.starts_with(&self.path)
    }
}

/// Path of a child with id `id` under `parent_path` (or at the root).
pub fn child_path(parent_path: Option<&str>, id: Id) -> String {
    format!("{}{id}/", parent_path.unwrap_or("/"))
}

/// What is stored for a new org; the store assigns id and path.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub parent_id: Option<Id>,
    pub kind: OrgKind,
    pub name: String,
    pub purpose: Option<String>,
}

/// A change to an org: rename, move, close or reopen, set its purpose.
#[derive(Debug, Clone, Default)]
pub struct OrgChange {
    pub name: Option<String>,
    pub parent_id: Option<Id>,
    pub closed: Option<bool>,
    /// `Some(None)` clears the purpose.
    pub purpose: Option<Option<String>>,
}

/// A person in the register: cadre, party member, resident or volunteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: Id,
    /// The org that keeps this person's record; it decides who may see it.
    pub org_id: Id,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub id_number: Option<IdNumber>,
    /// A number typed for this person that another person already holds,
    /// kept until an account that may see both resolves it (see
    /// `Services::person_create`). Shown masked exactly like `id_number`.
    pub id_number_pending: Option<IdNumber>,
    pub mobile: Option<Mobile>,
    pub party_member: bool,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Person {
    /// The ID number as shown (masked) to anyone: the registered one, or
    /// one pending a check, which looks the same.
    pub fn shown_id_number(&self) -> Option<&IdNumber> {
        self.id_number.as_ref().or(self.id_number_pending.as_ref())
    }

    /// The person as the audit log keeps it: personal data masked, so that the
    /// log never becomes a second copy of the register.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "org_id": self.org_id,
            "name": self.name,
            "gender": self.gender.map(|g| g.as_str()),
            // Digits 7–14 of the ID number: hidden with it, as pages hide it.
            "birth_date": if self.shown_id_number().is_some() { None } else { self.birth_date },
            "id_number": self.shown_id_number().map(|n| n.masked()),
            "mobile": self.mobile.as_ref().map(|m| m.masked()),
            "party_member": self.party_member,
            "notes": self.notes,
        })
    }
}

/// The validated fields of a person, as created or updated.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonFields {
    pub org_id: Id,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub id_number: Option<IdNumber>,
    /// See [`Person::id_number_pending`].
    pub id_number_pending: Option<IdNumber>,
    pub mobile: Option<Mobile>,
    pub party_member: bool,
    pub notes: String,
}

/// Search over the register, inside one subtree.
#[derive(Debug, Clone)]
pub struct PersonQuery {
    pub scope_path: String,
    /// Name, pinyin, pinyin initials, or the tail of a phone number
    /// (see `search_keys::Query`).
    pub text: String,
    pub org_id: Option<Id>,
    pub page: u32,
    pub per_page: u32,
    /// The page after this cursor (keyset), instead of `page`.
    pub after: Option<Cursor>,
    /// Whether the tail of an ID number finds its holder (an account that
    /// may see personal data).
    pub id_numbers: bool,
    /// Count a search's matches exactly even when there are many.
    pub exact_total: bool,
}

impl PersonQuery {
    /// The first page of the people of a subtree whose text matches.
    pub fn new(scope_path: impl Into<String>, text: impl Into<String>) -> PersonQuery {
        PersonQuery {
            scope_path: scope_path.into(),
            text: text.into(),
            org_id: None,
            page: 1,
            per_page: 50,
            after: None,
            id_numbers: false,
            exact_total: false,
        }
    }
}

/// Which page of a list to show: by number, or after the cursor of the
/// page before (`next` of that page); and whether a search with very many
/// matches is counted exactly (otherwise its total is an estimate).
#[derive(Debug, Clone, Default)]
pub struct ListArgs {
    pub page: u32,
    pub per_page: u32,
    pub after: Option<String>,
    pub exact_total: bool,
}

impl ListArgs {
    /// The cursor asked for, read; an empty text is none.
    pub fn cursor(&self) -> crate::Result<Option<Cursor>> {
        self.after.as_deref().filter(|a| !a.is_empty()).map(Cursor::decode).transpose()
    }
}

/// Where a page of a list ends, to ask for the page after it by seeking
/// rather than counting rows (keyset pagination). Outside the store it is
/// an opaque text (`next` in an answer, `after` in a request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(pub Vec<String>);

impl Cursor {
    /// The text form: the parts in hexadecimal, joined by `.`.
    pub fn encode(&self) -> String {
        self.0
            .iter()
            .map(|part| part.bytes().map(|b| format!("{b:02x}")).collect::<String>())
            .collect::<Vec<_>>()
            .join(".")
    }

    /// Reads the text form; an answer's own `next` always reads back.
    pub fn decode(text: &str) -> crate::Result<Cursor> {
        let bad = || crate::Error::invalid("after", "翻页位置无效，请回到第一页重新查看");
        if text.is_empty() || text.len() > 1024 {
            return Err(bad());
        }
        text.split('.')
            .map(|hex| {
                if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(bad());
                }
                let bytes = (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad()))
                    .collect::<crate::Result<Vec<u8>>>()?;
                String::from_utf8(bytes).map_err(|_| bad())
            })
            .collect::<crate::Result<Vec<String>>>()
            .map(Cursor)
    }

    /// The part at `i` as a number.
    pub fn int(&self, i: usize) -> crate::Result<i64> {
        self.0
            .get(i)
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| crate::Error::invalid("after", "翻页位置无效，请回到第一页重新查看"))
    }

    /// The part at `i` as a date (YYYY-MM-DD).
    pub fn date(&self, i: usize) -> crate::Result<chrono::NaiveDate> {
        self.0
            .get(i)
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| crate::Error::invalid("after", "翻页位置无效，请回到第一页重新查看"))
    }

    /// The part at `i` as text.
    pub fn text(&self, i: usize) -> crate::Result<&str> {
        self.0
            .get(i)
            .map(String::as_str)
            .ok_or_else(|| crate::Error::invalid("after", "翻页位置无效，请回到第一页重新查看"))
    }
}

/// One page of results with the total count.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The number of results; a lower bound or an estimate when
    /// `total_exact` is false (a search with very many matches).
    pub total: u64,
    pub total_exact: bool,
    pub page: u32,
    pub per_page: u32,
    /// The cursor of the page after this one (none on the last page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// A page whose total is exact and that gives no cursor.
    pub fn new(items: Vec<T>, total: u64, page: u32, per_page: u32) -> Page<T> {
        Page { items, total, total_exact: true, page, per_page, next: None }
    }

    /// The same page with its items mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            total_exact: self.total_exact,
            page: self.page,
            per_page: self.per_page,
            next: self.next,
        }
    }

    pub fn pages(&self) -> u32 {
        if self.per_page == 0 {
            return 1;
        }
        (self.total.div_ceil(u64::from(self.per_page)) as u32).max(1)
    }
}

/// The membership role of a person who lives in an org (a grid) but holds
/// no post there: the one role of [`MEMBERSHIP_ROLES`] that is no post.
pub const RESIDENT_ROLE: &str = "居民";

/// Common roles a person holds in an org. Free text is allowed beside these.
pub const MEMBERSHIP_ROLES: &[&str] = &[
    "书记",
    "副书记",
    "委员",
    "主任",
    "副主任",
    "组长",
    "副组长",
    "成员",
    "党员",
    "网格员",
    "志愿者",
    "队长",
    "第一责任人",
    "分管领导",
    "工作人员",
    "居民",
];

/// A person's role in an org.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Membership {
    pub id: Id,
    pub person_id: Id,
    pub person_name: String,
    pub org_id: Id,
    pub org_name: String,
    pub role: String,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct NewMembership {
    pub person_id: Id,
    pub org_id: Id,
    pub role: String,
    pub started_on: Option<NaiveDate>,
    pub note: String,
}

/// What an account may do, over its org subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Recorder,
    OrgAdmin,
    SystemAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::SystemAdmin, Role::OrgAdmin, Role::Recorder, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::OrgAdmin => "org_admin",
            Role::Recorder => "recorder",
            Role::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::SystemAdmin => "系统管理员",
            Role::OrgAdmin => "单位管理员",
            Role::Recorder => "录入员",
            Role::Viewer => "查看者",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s || r.label() == s)
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Root of the subtree this account works in.
    pub org_id: Id,
    /// May unmask ID numbers, phones and health data (each view is audited).
    pub can_view_personal: bool,
    pub disabled: bool,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

impl User {
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.as_str(),
            "org_id": self.org_id,
            "can_view_personal": self.can_view_personal,
            "disabled": self.disabled,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Id,
    pub can_view_personal: bool,
    pub password_hash: String,
}

#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub org_id: Option<Id>,
    pub can_view_personal: Option<bool>,
    pub disabled: Option<bool>,
}

/// Web sessions and API tokens: only a hash of the secret is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: String,
    pub user_id: Id,
    pub kind: SessionKind,
    /// Per-session secret that forms echo back (CSRF protection).
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Who did something, for the audit log.
#[derive(Debug, Clone)]
pub struct AuditCtx {
    pub user_id: Option<Id>,
    pub username: String,
    pub ip: Option<String>,
    pub at: DateTime<Utc>,
}

/// Longest actor name an audit entry keeps (longer ones are cut, with "…").
pub const AUDIT_MAX_NAME: usize = 64;
/// Longest detail text an audit entry keeps (longer ones are cut, with "…").
pub const AUDIT_MAX_DETAIL: usize = 500;

/// `text` cut to its first `max` characters, with "…" when it was longer.
pub fn bounded(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// One audit-log entry as it is to be appended. The actor's name and the
/// detail text are bounded when set ([`AUDIT_MAX_NAME`], [`AUDIT_MAX_DETAIL`]):
/// the log is append-only, so nothing unbounded may reach it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub user_id: Option<Id>,
    pub username: String,
    pub ip: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<Id>,
    /// The org the entry concerns, for scoping who may read it.
    pub org_id: Option<Id>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub detail: String,
}

impl AuditRecord {
    pub fn new(ctx: &AuditCtx, action: &str, entity: &str) -> Self {
        AuditRecord {
            at: ctx.at,
            user_id: ctx.user_id,
            username: bounded(&ctx.username, AUDIT_MAX_NAME),
            ip: ctx.ip.clone(),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: None,
            org_id: None,
            before: None,
            after: None,
            detail: String::new(),
        }
    }

    pub fn entity_id(mut self, id: Id) -> Self {
        self.entity_id = Some(id);
        self
    }

    pub fn org(mut self, org_id: Id) -> Self {
        self.org_id = Some(org_id);
        self
    }

    pub fn before(mut self, value: serde_json::Value) -> Self {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: serde_json::Value) -> Self {
        self.after = Some(value);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        self.detail =
            if detail.chars().count() > AUDIT_MAX_DETAIL { bounded(&detail, AUDIT_MAX_DETAIL) } else { detail };
        self
    }
}

/// A stored audit entry with its place in the hash chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: Id,
    #[serde(flatten)]
    pub record: AuditRecord,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only entries about orgs in this subtree (None: all, for system admins).
    pub scope_path: Option<String>,
    pub username: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub page: u32,
    pub per_page: u32,
}

/// Counts for the overview page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overview {
    pub orgs_by_kind: Vec<(OrgKind, u64)>,
    pub people: u64,
    pub party_members: u64,
    pub users: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_anything_else_is_the_fields_error() {
        let cursor = Cursor(vec!["/1/4/".into(), "王".into(), String::new(), "17".into()]);
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        assert_eq!(cursor.int(3).unwrap(), 17);
        // Text a fuzzer or a user may send: never a panic, always the field's error.
        for bad in ["", "\u{10000}", "𐀀", "xyz", "6", "zz", ".", "é0", &"a".repeat(2000)] {
            match Cursor::decode(bad) {
                Err(crate::Error::Invalid(errors)) => assert_eq!(errors[0].field, "after", "{bad:?}"),
                Ok(c) => assert!(c.int(0).is_err() || c.0.iter().all(String::is_empty), "{bad:?} read as {c:?}"),
                Err(other) => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn audit_entries_keep_names_and_details_bounded() {
        assert_eq!(bounded("abc", 3), "abc");
        assert_eq!(bounded("abcd", 3), "abc…");
        assert_eq!(bounded("张伟张伟", 2), "张伟…");
        let ctx = AuditCtx { user_id: None, username: "x".repeat(500_000), ip: None, at: chrono::Utc::now() };
        let r = AuditRecord::new(&ctx, "login_failed", "session").detail("细".repeat(100_000));
        assert_eq!(r.username.chars().count(), AUDIT_MAX_NAME + 1);
        assert!(r.username.ends_with('…'));
        assert_eq!(r.detail.chars().count(), AUDIT_MAX_DETAIL + 1);
        let short = AuditRecord::new(&AuditCtx { username: "admin".into(), ..ctx }, "login", "session").detail("web");
        assert_eq!((short.username.as_str(), short.detail.as_str()), ("admin", "web"));
    }
}

//! What the API sends and receives. Domain types stay free of web traits;
//! these carry the schema and do the masking of personal data.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use taizhang_core::model::{AuditEntry, Membership, Org, Page, User};
use taizhang_core::service::{OrgInput, OrgUpdate, PersonInput, PersonPatch, PersonView, UserInput, UserUpdate};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordBody {
    pub old_password: String,
    pub new_password: String,
    pub repeat_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginOut {
    /// Send as `Authorization: Bearer TOKEN`.
    pub token: String,
    pub user: UserOut,
}

#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_id: Option<i64>,
    pub can_view_personal: bool,
}

#[derive(Serialize, ToSchema)]
pub struct OrgOut {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// county, party_committee, admin_centre, party_branch, community, grid, leading_group, volunteer_team
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub depth: usize,
    pub closed: bool,
    pub closed_at: Option<DateTime<Utc>>,
    /// The summary topic it serves (epidemic, anti_crime, health, public_security, theory_study), if any.
    pub purpose: Option<String>,
}

impl From<Org> for OrgOut {
    fn from(o: Org) -> Self {
        OrgOut {
            id: o.id,
            parent_id: o.parent_id,
            kind: o.kind.as_str().into(),
            kind_label: o.kind.label().into(),
            depth: o.depth(),
            closed: o.is_closed(),
            closed_at: o.closed_at,
            purpose: o.purpose,
            name: o.name,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct OrgCreateBody {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    /// The summary topic it serves (a leading group's): epidemic, anti_crime,
    /// health, public_security or theory_study (or its Chinese label); empty for none.
    #[serde(default)]
    pub purpose: String,
}

impl From<OrgCreateBody> for OrgInput {
    fn from(b: OrgCreateBody) -> Self {
        OrgInput { parent_id: b.parent_id, kind: b.kind, name: b.name, purpose: b.purpose }
    }
}

/// Rename (`name`), move (`parent_id`), close or reopen (`closed`), set the
/// summary topic (`purpose`, empty to clear).
#[derive(Deserialize, ToSchema)]
pub struct OrgPatchBody {
    pub name: Option<String>,
    pub parent_id: Option<i64>,
    pub closed: Option<bool>,
    pub purpose: Option<String>,
}

impl From<OrgPatchBody> for OrgUpdate {
    fn from(b: OrgPatchBody) -> Self {
        OrgUpdate { name: b.name, parent_id: b.parent_id, closed: b.closed, purpose: b.purpose }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    /// male or female
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// Masked (4501**********123X) unless revealed.
    pub id_number: Option<String>,
    /// Masked (138****5678) unless revealed.
    pub mobile: Option<String>,
    pub party_member: bool,
    pub notes: String,
    pub revealed: bool,
}

impl From<PersonView> for PersonOut {
    fn from(v: PersonView) -> Self {
        PersonOut {
            id: v.person.id,
            org_id: v.person.org_id,
            name: v.person.name,
            gender: v.person.gender.map(|g| g.as_str().into()),
            birth_date: v.person.birth_date,
            id_number: v.id_number,
            mobile: v.mobile,
            party_member: v.person.party_member,
            notes: v.person.notes,
            revealed: v.revealed,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonPage {
    pub items: Vec<PersonOut>,
    pub total: u64,
    /// False when `total` is an estimate (a search with very many matches).
    pub total_exact: bool,
    pub page: u32,
    pub per_page: u32,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl From<Page<PersonView>> for PersonPage {
    fn from(p: Page<PersonView>) -> Self {
        PersonPage {
            items: p.items.into_iter().map(Into::into).collect(),
            total: p.total,
            total_exact: p.total_exact,
            page: p.page,
            per_page: p.per_page,
            next: p.next,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PersonBody {
    pub org_id: Option<i64>,
    pub name: String,
    /// 男/女 or male/female; derived from the ID number when empty.
    pub gender: String,
    /// YYYY-MM-DD; derived from the ID number when empty.
    pub birth_date: String,
    pub id_number: String,
    pub mobile: String,
    pub party_member: bool,
    pub notes: String,
}

impl From<PersonBody> for PersonInput {
    fn from(b: PersonBody) -> Self {
        PersonInput {
            org_id: b.org_id,
            name: b.name,
            gender: b.gender,
            birth_date: b.birth_date,
            id_number: b.id_number,
            mobile: b.mobile,
            party_member: b.party_member,
            notes: b.notes,
        }
    }
}

/// A partial change: absent fields keep their values.
#[derive(Deserialize, ToSchema, Default)]
pub struct PersonPatchBody {
    pub org_id: Option<i64>,
    pub name: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub id_number: Option<String>,
    pub mobile: Option<String>,
    pub party_member: Option<bool>,
    pub notes: Option<String>,
}

impl From<PersonPatchBody> for PersonPatch {
    fn from(b: PersonPatchBody) -> Self {
        PersonPatch {
            org_id: b.org_id,
            name: b.name,
            gender: b.gender,
            birth_date: b.birth_date,
            id_number: b.id_number,
            mobile: b.mobile,
            party_member: b.party_member,
            notes: b.notes,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonListQuery {
    /// Name or part of it (王, 小明), pinyin from a syllable on (wang,
    /// xiaoming), initials (wxm), the tail of a mobile number (at least four
    /// digits), or with the personal-data permission the tail of an ID number.
    #[serde(default)]
    pub q: String,
    pub org_id: Option<i64>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    /// The `next` of the page before: the page after it, found by seeking
    /// (fast at any depth); `page` is then ignored.
    pub after: Option<String>,
    /// Count a search with very many matches exactly (otherwise its total
    /// is an estimate and `total_exact` is false).
    #[serde(default)]
    pub exact_total: bool,
}

impl PersonListQuery {
    pub fn list_args(&self) -> taizhang_core::model::ListArgs {
        taizhang_core::model::ListArgs {
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(50),
            after: self.after.clone(),
            exact_total: self.exact_total,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevealQuery {
    /// Unmask ID number and mobile (needs the personal-data permission; audited).
    #[serde(default)]
    pub reveal: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MembershipOut {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub role: String,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub note: String,
}

impl From<Membership> for MembershipOut {
    fn from(m: Membership) -> Self {
        MembershipOut {
            id: m.id,
            person_id: m.person_id,
            person_name: m.person_name,
            org_id: m.org_id,
            org_name: m.org_name,
            role: m.role,
            started_on: m.started_on,
            ended_on: m.ended_on,
            note: m.note,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct MembershipBody {
    pub person_id: Option<i64>,
    pub org_id: Option<i64>,
    /// 书记, 副书记, 组长, 成员, 网格员, 志愿者, 第一责任人 ...
    pub role: String,
    /// YYYY-MM-DD
    pub started_on: String,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// system_admin, org_admin, recorder, viewer
    pub role: String,
    pub org_id: i64,
    pub can_view_personal: bool,
    pub disabled: bool,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        UserOut {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.as_str().into(),
            org_id: u.org_id,
            can_view_personal: u.can_view_personal,
            disabled: u.disabled,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct UserCreateBody {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_id: Option<i64>,
    pub can_view_personal: bool,
    pub password: String,
}

impl From<UserCreateBody> for UserInput {
    fn from(b: UserCreateBody) -> Self {
        UserInput {
            username: b.username,
            display_name: b.display_name,
            role: b.role,
            org_id: b.org_id,
            can_view_personal: b.can_view_personal,
            password: b.password,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
pub struct UserPatchBody {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub org_id: Option<i64>,
    pub can_view_personal: Option<bool>,
    pub disabled: Option<bool>,
}

impl From<UserPatchBody> for UserUpdate {
    fn from(b: UserPatchBody) -> Self {
        UserUpdate {
            display_name: b.display_name,
            role: b.role,
            org_id: b.org_id,
            can_view_personal: b.can_view_personal,
            disabled: b.disabled,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub username: String,
    pub ip: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub org_id: Option<i64>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub detail: String,
    pub hash: String,
}

impl From<AuditEntry> for AuditOut {
    fn from(e: AuditEntry) -> Self {
        AuditOut {
            id: e.id,
            at: e.record.at,
            username: e.record.username,
            ip: e.record.ip,
            action: e.record.action,
            entity: e.record.entity,
            entity_id: e.record.entity_id,
            org_id: e.record.org_id,
            before: e.record.before,
            after: e.record.after,
            detail: e.record.detail,
            hash: e.hash,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditOut>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Deserialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AuditListQuery {
    pub username: Option<String>,
    /// create, update, delete, move, close, login, login_failed, view_personal ...
    pub action: Option<String>,
    /// org, person, membership, user, session
    pub entity: Option<String>,
    /// YYYY-MM-DD
    pub from: Option<String>,
    /// YYYY-MM-DD
    pub to: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The name of a file sent as the raw body.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FileQuery {
    /// The file's name.
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
}

impl From<taizhang_core::evidence::Attachment> for AttachmentOut {
    fn from(a: taizhang_core::evidence::Attachment) -> Self {
        AttachmentOut { id: a.id, file_name: a.file_name, content_type: a.content_type, size: a.size, sha256: a.sha256 }
    }
}

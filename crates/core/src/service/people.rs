use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{Services, required_text};
use crate::auth::{Actor, now};
use crate::error::{Error, Problems, Result};
use crate::id_number::{Gender, IdNumber};
use crate::mobile::Mobile;
use crate::model::{
    AuditRecord, Id, ListArgs, Membership, NewMembership, Page, Person, PersonFields, PersonQuery, Role,
};

/// A person as typed in a form or sent as JSON. Pages and the API both
/// validate through [`Services::person_fields`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PersonInput {
    pub org_id: Option<Id>,
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    pub id_number: String,
    pub mobile: String,
    pub party_member: bool,
    pub notes: String,
}

/// A partial change to a person: absent fields keep their values. When the
/// ID number changes and gender or birth date are not given, they are
/// derived from the new number again.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonPatch {
    pub org_id: Option<Id>,
    pub name: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub id_number: Option<String>,
    pub mobile: Option<String>,
    pub party_member: Option<bool>,
    pub notes: Option<String>,
}

/// A person as shown to one actor: personal data masked unless revealed.
#[derive(Debug, Clone)]
pub struct PersonView {
    pub person: Person,
    pub id_number: Option<String>,
    pub mobile: Option<String>,
    pub revealed: bool,
}

impl PersonView {
    pub fn masked(mut person: Person) -> PersonView {
        // The birth date is digits 7–14 of the ID number: beside the masked
        // number it would give most of it away, so it is hidden with it.
        if person.shown_id_number().is_some() {
            person.birth_date = None;
        }
        PersonView {
            id_number: person.shown_id_number().map(IdNumber::masked),
            mobile: person.mobile.as_ref().map(Mobile::masked),
            person,
            revealed: false,
        }
    }

    pub(crate) fn revealed(person: Person) -> PersonView {
        PersonView {
            id_number: person.shown_id_number().map(|n| n.as_str().to_owned()),
            mobile: person.mobile.as_ref().map(|m| m.as_str().to_owned()),
            person,
            revealed: true,
        }
    }
}

/// Earliest year of any date the register accepts.
pub const MIN_YEAR: i32 = 1900;
/// Latest year of any date the register accepts.
pub const MAX_YEAR: i32 = 2100;

/// Is the date within the years the register accepts ([`MIN_YEAR`]–[`MAX_YEAR`])?
pub fn date_in_range(date: NaiveDate) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&date.year())
}

/// Parses a date as offices write it: 2020-07-10, 2020/7/10, 2020.7.10, 2020年7月10日.
/// Dates outside the years 1900–2100 are refused, like malformed ones: every
/// date input of pages, API and imports goes through here.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    parse_any_date(input).filter(|d| date_in_range(*d))
}

fn parse_any_date(input: &str) -> Option<NaiveDate> {
    let cleaned: String = input.trim().replace(['年', '月', '/', '.'], "-").replace('日', "");
    let mut parts = cleaned.split('-').map(str::trim);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The message for a date field that [`parse_date`] refused: the range for
/// a real date outside it, `format` (which names the field) otherwise.
pub(crate) fn bad_date(label: &str, raw: &str, format: impl Into<String>) -> String {
    if parse_any_date(raw).is_some() {
        format!("{label}应在{MIN_YEAR}年至{MAX_YEAR}年之间")
    } else {
        format.into()
    }
}

/// A year given as a query parameter (`field`), within 1900–2100.
pub(crate) fn year_param(field: &str, year: i32) -> Result<i32> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err(Error::invalid(field, format!("年份应在{MIN_YEAR}年至{MAX_YEAR}年之间")))
    }
}

impl Services {
    /// Checks a person's input: every wrong field is reported at once.
    pub async fn person_fields(&self, actor: &Actor, input: &PersonInput) -> Result<PersonFields> {
        let today = now().date_naive();
        let mut problems = Problems::new();
        let name = required_text(&mut problems, "name", "姓名", &input.name, 50);
        let gender = match input.gender.trim() {
            "" => None,
            g => problems.check("gender", Gender::parse(g).ok_or("性别只能是“男”或“女”")),
        };
        let id_number = match input.id_number.trim() {
            "" => None,
            raw => problems.check("id_number", IdNumber::parse(raw, today)),
        };
        let birth_date = match input.birth_date.trim() {
            "" => None,
            raw => match parse_date(raw) {
                Some(date) if date > today => {
                    problems.add("birth_date", "出生日期不能晚于今天");
                    None
                }
                Some(date) => Some(date),
                None => {
                    problems.add("birth_date", bad_date("出生日期", raw, "出生日期格式应为“2020-07-10”"));
                    None
                }
            },
        };
        if let (Some(id), Some(date)) = (&id_number, birth_date)
            && id.birth_date() != date
        {
            problems.add("birth_date", "出生日期与身份证号中的出生日期不符");
        }
        if let (Some(id), Some(g)) = (&id_number, gender)
            && id.gender() != g
        {
            problems.add("gender", "性别与身份证号不符");
        }
        let mobile = match input.mobile.trim() {
            "" => None,
            raw => problems.check("mobile", Mobile::parse(raw)),
        };
        if input.notes.chars().count() > 2000 {
            problems.add("notes", "备注不能超过2000个字");
        }
        problems.text("notes", "备注", &input.notes);
        let org_id = match input.org_id {
            None => {
                problems.add("org_id", "请选择所属组织");
                None
            }
            Some(id) => match self.visible_org_field(actor, id, "org_id").await {
                Ok(org) => Some(org.id),
                Err(Error::Invalid(errors)) => {
                    errors.into_iter().for_each(|e| problems.add(&e.field, e.message));
                    None
                }
                Err(other) => return Err(other),
            },
        };
        problems.finish()?;
        Ok(PersonFields {
            org_id: org_id.expect("checked"),
            name: name.expect("checked"),
            gender: gender.or(id_number.as_ref().map(IdNumber::gender)),
            birth_date: birth_date.or(id_number.as_ref().map(IdNumber::birth_date)),
            id_number,
            id_number_pending: None,
            mobile,
            party_member: input.party_member,
            notes: input.notes.trim().to_owned(),
        })
    }

    /// The person, if it lies in the actor's subtree.
    pub async fn person_get(&self, actor: &Actor, id: Id) -> Result<Person> {
        let person = self.store.person_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, person.org_id).await?;
        Ok(person)
    }

    /// The person for display. With `reveal`, the account must hold the
    /// personal-data permission, and the view is written to the audit log.
    pub async fn person_view(&self, actor: &Actor, id: Id, reveal: bool) -> Result<PersonView> {
        let person = self.person_get(actor, id).await?;
        if !reveal {
            return Ok(PersonView::masked(person));
        }
        if !actor.can_view_personal {
            return Err(Error::Forbidden);
        }
        self.store
            .audit_append(
                AuditRecord::new(&actor.ctx(), "view_personal", "person")
                    .entity_id(person.id)
                    .org(person.org_id)
                    .detail(format!("查看“{}”的完整身份证号和手机号", person.name)),
            )
            .await?;
        Ok(PersonView::revealed(person))
    }

    /// The first pages of a search, by page number (see [`Self::person_list`]).
    pub async fn person_search(
        &self,
        actor: &Actor,
        text: &str,
        org_id: Option<Id>,
        page: u32,
        per_page: u32,
    ) -> Result<Page<PersonView>> {
        self.person_list(actor, text, org_id, &ListArgs { page, per_page, ..ListArgs::default() }).await
    }

    /// People of the actor's scope (or of one org in it) whose name,
    /// pinyin, initials, phone tail or (with the personal-data permission)
    /// ID number tail matches `text`, in pinyin order, masked. A page is
    /// asked by number or by the cursor of the page before it.
    pub async fn person_list(
        &self,
        actor: &Actor,
        text: &str,
        org_id: Option<Id>,
        args: &ListArgs,
    ) -> Result<Page<PersonView>> {
        let scope_path = match org_id {
            Some(id) => self.visible_org(actor, id).await?.path,
            None => actor.scope_path.clone(),
        };
        let text = crate::search_keys::normalize_query(text);
        self.phone_search_allowed(actor, &text).await?;
        let page = self
            .store
            .person_search(&PersonQuery {
                page: args.page.max(1),
                per_page: args.per_page.clamp(1, 200),
                after: args.cursor()?,
                id_numbers: actor.can_view_personal,
                exact_total: args.exact_total,
                ..PersonQuery::new(scope_path, text)
            })
            .await?;
        Ok(page.map(PersonView::masked))
    }

    /// Digits search phone numbers. The masked number shows its last four
    /// digits, so without the personal-data permission a search matches
    /// those four exactly or the whole number, never another tail: a tail
    /// that grows one digit at a time would read the hidden ones. With the
    /// permission any tail may be searched, and a partial tail longer than
    /// four digits is written to the audit log like any other unmasking.
    async fn phone_search_allowed(&self, actor: &Actor, text: &str) -> Result<()> {
        let id_tail =
            text.len() > 1 && text.ends_with('x') && text[..text.len() - 1].chars().all(|c| c.is_ascii_digit());
        if id_tail && actor.can_view_personal {
            return self
                .store
                .audit_append(
                    AuditRecord::new(&actor.ctx(), "view_personal", "person")
                        .detail(format!("按身份证号尾号（{}位）查找人员", text.len())),
                )
                .await;
        }
        if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
            return Ok(());
        }
        let n = text.len();
        if n == 4 || n == 11 {
            return Ok(());
        }
        if !actor.can_view_personal {
            return Err(Error::invalid("q", "按手机号查找请输入后四位或完整的11位号码"));
        }
        if n > 4 {
            self.store
                .audit_append(
                    AuditRecord::new(&actor.ctx(), "view_personal", "person")
                        .detail(format!("按手机号或身份证号尾号（{n}位）查找人员")),
                )
                .await?;
        }
        Ok(())
    }

    /// Records a person. An ID number that another person already holds is
    /// a conflict only for an account that may see that person in full (in
    /// its scope, with the personal-data permission). For any other account
    /// the answer must not tell whether the number exists: the person is
    /// recorded with the number pending (shown masked like any other) until
    /// an account that may see both resolves it.
    pub async fn person_create(&self, actor: &Actor, input: &PersonInput) -> Result<Person> {
        actor.require(Role::Recorder)?;
        let fields = self.person_fields(actor, input).await?;
        let fields = self.id_number_holder_check(actor, None, fields).await?;
        self.store.person_create(fields, &actor.ctx()).await
    }

    /// See [`Services::person_create`].
    async fn id_number_holder_check(
        &self,
        actor: &Actor,
        id: Option<Id>,
        mut fields: PersonFields,
    ) -> Result<PersonFields> {
        let Some(number) = &fields.id_number else { return Ok(fields) };
        let Some(holder) = self.store.person_by_id_number(number).await? else { return Ok(fields) };
        if Some(holder.id) == id {
            return Ok(fields);
        }
        if actor.can_view_personal && self.visible_org(actor, holder.org_id).await.is_ok() {
            return Err(Error::conflict("id_number", format!("该身份证号已登记为“{}”，请勿重复录入", holder.name)));
        }
        fields.id_number_pending = fields.id_number.take();
        Ok(fields)
    }

    pub async fn person_update(&self, actor: &Actor, id: Id, input: &PersonInput) -> Result<Person> {
        let current = self.person_get(actor, id).await?;
        actor.require(Role::Recorder)?;
        let mut input = input.clone();
        input.org_id = input.org_id.or(Some(current.org_id));
        let fields = self.person_fields(actor, &input).await?;
        let fields = self.id_number_holder_check(actor, Some(id), fields).await?;
        self.store.person_update(id, fields, &actor.ctx()).await
    }

    /// Applies a partial change (see [`PersonPatch`]).
    pub async fn person_patch(&self, actor: &Actor, id: Id, patch: PersonPatch) -> Result<Person> {
        let current = self.person_get(actor, id).await?;
        let rederive = patch.id_number.is_some();
        let shown_id = current.shown_id_number().map(|n| n.as_str().to_owned()).unwrap_or_default();
        // Without the permission the birth date of a person with an ID number
        // is hidden (it is part of the number): it stays derived from the
        // number, and a given date is ignored rather than compared, so that
        // no answer tells whether a guess was right.
        let derived_birth = !actor.can_view_personal && !rederive && current.id_number.is_some();
        let keep = |new: Option<String>, old: String| new.unwrap_or(old);
        let input = PersonInput {
            org_id: Some(patch.org_id.unwrap_or(current.org_id)),
            name: keep(patch.name, current.name),
            gender: match patch.gender {
                Some(g) => g,
                None if rederive => String::new(),
                None => current.gender.map(|g| g.as_str().to_owned()).unwrap_or_default(),
            },
            birth_date: match patch.birth_date {
                _ if derived_birth => String::new(),
                Some(d) => d,
                None if rederive => String::new(),
                None => current.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            },
            id_number: keep(patch.id_number, shown_id),
            mobile: keep(patch.mobile, current.mobile.map(|m| m.as_str().to_owned()).unwrap_or_default()),
            party_member: patch.party_member.unwrap_or(current.party_member),
            notes: keep(patch.notes, current.notes),
        };
        self.person_update(actor, id, &input).await
    }

    pub async fn person_delete(&self, actor: &Actor, id: Id) -> Result<()> {
        self.person_get(actor, id).await?;
        actor.require(Role::Recorder)?;
        self.store.person_delete(id, &actor.ctx()).await
    }

    pub async fn memberships_of_person(&self, actor: &Actor, person_id: Id) -> Result<Vec<Membership>> {
        self.person_get(actor, person_id).await?;
        let all = self.store.memberships_of_person(person_id).await?;
        let mut visible = Vec::with_capacity(all.len());
        for m in all {
            if self.visible_org(actor, m.org_id).await.is_ok() {
                visible.push(m);
            }
        }
        Ok(visible)
    }

    pub async fn memberships_of_org(&self, actor: &Actor, org_id: Id) -> Result<Vec<Membership>> {
        self.visible_org(actor, org_id).await?;
        self.store.memberships_of_org(org_id).await
    }

    pub async fn membership_create(
        &self,
        actor: &Actor,
        person_id: Option<Id>,
        org_id: Option<Id>,
        role: &str,
        started_on: &str,
        note: &str,
    ) -> Result<Membership> {
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let role = required_text(&mut problems, "role", "职务（角色）", role, 20);
        problems.text("note", "备注", note);
        let started_on = match started_on.trim() {
            "" => None,
            raw => problems.check(
                "started_on",
                parse_date(raw).ok_or_else(|| bad_date("任职日期", raw, "任职日期格式应为“2020-07-10”")),
            ),
        };
        let person = match person_id {
            Some(id) => self.person_get(actor, id).await.ok(),
            None => None,
        };
        if person.is_none() {
            problems.add("person_id", "所选人员不存在或不在您的管辖范围内");
        }
        let org = match org_id {
            Some(id) => self.visible_org(actor, id).await.ok(),
            None => None,
        };
        match &org {
            None => problems.add("org_id", "所选组织不存在或不在您的管辖范围内"),
            Some(org) if org.is_closed() => problems.add("org_id", "该组织已撤销"),
            Some(_) => {}
        }
        problems.finish()?;
        let (person, org, role) = (person.expect("checked"), org.expect("checked"), role.expect("checked"));
        let taken = || Error::conflict("role", format!("{}已在{}担任{}", person.name, org.name, role));
        let existing = self.store.memberships_of_person(person.id).await?;
        if existing.iter().any(|m| m.org_id == org.id && m.role == role && m.ended_on.is_none()) {
            return Err(taken());
        }
        // A parallel request may have passed the check too: the unique index
        // of open memberships refuses the second row with the same answer.
        self.store
            .membership_create(
                NewMembership {
                    person_id: person.id,
                    org_id: org.id,
                    role: role.clone(),
                    started_on,
                    note: note.trim().chars().take(200).collect(),
                },
                &actor.ctx(),
            )
            .await
            .map_err(|e| match e {
                Error::Conflict(_) => taken(),
                other => other,
            })
    }

    pub async fn membership_delete(&self, actor: &Actor, id: Id) -> Result<Membership> {
        let membership = self.store.membership_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, membership.org_id).await?;
        actor.require(Role::Recorder)?;
        self.store.membership_delete(id, &actor.ctx()).await?;
        Ok(membership)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_date;
    use chrono::NaiveDate;

    #[test]
    fn dates_as_offices_write_them() {
        let d = NaiveDate::from_ymd_opt(2020, 7, 10);
        for s in ["2020-07-10", "2020/7/10", "2020.7.10", "2020年7月10日", " 2020-7-10 "] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        for s in ["2020-13-01", "2020-02-30", "20200710", "", "2020-07"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn dates_stay_within_1900_to_2100() {
        assert!(parse_date("1900-01-01").is_some());
        assert!(parse_date("2100-12-31").is_some());
        for s in ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31", "-5-01-01"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert_eq!(super::bad_date("活动日期", "0001-01-01", "格式"), "活动日期应在1900年至2100年之间");
        assert_eq!(super::bad_date("活动日期", "昨天", "格式"), "格式");
        assert!(super::year_param("year", 2147483647).is_err());
        assert!(super::year_param("year", 1899).is_err());
        assert_eq!(super::year_param("year", 2020).unwrap(), 2020);
    }
}

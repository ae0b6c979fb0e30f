//! Print views the office files in its binders: the sign-in sheet (签到表)
//! and the minutes (会议记录) of a session, and an org's month ledger
//! (台账登记表). A4 pages with print CSS (`static/print.css`), no navigation,
//! one record per printed page. What a page shows comes from the same
//! services as the activity page and the list, under the same scope rules;
//! names only, no personal data.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::Error;
use taizhang_core::ledger::{Activity, Attendance, kind_name};
use taizhang_core::model::{Id, Membership, Org};
use taizhang_core::period::Period;
use taizhang_core::service::ActivityFilter;

use super::{PageId, PageResult, form_org_id, local_url, render_plain, working_period};
use crate::AppState;
use crate::PageError;
use crate::auth::PageActor;

/// Rows of a sign-in sheet's first page (signatures need tall rows), and of
/// each page after it: the table is filled up with blank rows to the foot of
/// its last page, for people who come without being registered.
const SIGN_IN_FIRST_PAGE: usize = 12;
const SIGN_IN_NEXT_PAGES: usize = 16;

/// Most records one bound print (a month's sheets or minutes) holds.
const MAX_BOUND_RECORDS: usize = 200;

/// "2020年3月6日".
fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Rows a sign-in sheet prints for `n` registered participants.
fn sign_in_rows(n: usize) -> usize {
    if n <= SIGN_IN_FIRST_PAGE {
        SIGN_IN_FIRST_PAGE
    } else {
        SIGN_IN_FIRST_PAGE + (n - SIGN_IN_FIRST_PAGE).div_ceil(SIGN_IN_NEXT_PAGES) * SIGN_IN_NEXT_PAGES
    }
}

/// Posts (职务/单位) of the people on a sheet, looked up once per org and
/// person through the services (within the account's scope).
#[derive(Default)]
struct Posts {
    orgs: HashMap<Id, Vec<Membership>>,
    people: HashMap<Id, Vec<Membership>>,
    /// The paths of the orgs the account sees.
    paths: Option<HashMap<Id, String>>,
}

fn active_on(m: &Membership, date: NaiveDate) -> bool {
    m.started_on.is_none_or(|s| s <= date) && m.ended_on.is_none_or(|e| e >= date)
}

impl Posts {
    /// The person's role in the activity's org on its day, else an org they
    /// belonged to then with its role (one inside the activity's org first,
    /// a grid of the community), else nothing.
    async fn of(&mut self, state: &AppState, page: &PageActor, a: &Activity, person_id: Id) -> Result<String, Error> {
        let (org_id, date) = (a.fields.org_id, a.fields.date);
        if let Entry::Vacant(slot) = self.orgs.entry(org_id) {
            slot.insert(state.services.memberships_of_org(&page.actor, org_id).await?);
        }
        let own =
            self.orgs[&org_id].iter().find(|m| m.person_id == person_id && active_on(m, date) && !m.role.is_empty());
        if let Some(m) = own {
            return Ok(m.role.clone());
        }
        if let Entry::Vacant(slot) = self.people.entry(person_id) {
            slot.insert(match state.services.memberships_of_person(&page.actor, person_id).await {
                Ok(found) => found,
                // Registered outside the account's scope: no post shown.
                Err(Error::NotFound) => Vec::new(),
                Err(other) => return Err(other),
            });
        }
        if self.paths.is_none() {
            let tree = state.services.org_tree(&page.actor).await?;
            self.paths = Some(tree.into_iter().map(|o| (o.id, o.path)).collect());
        }
        let paths = self.paths.as_ref().expect("filled above");
        let within = |m: &Membership| matches!((paths.get(&m.org_id), paths.get(&org_id)), (Some(p), Some(own)) if p.starts_with(own.as_str()));
        let active: Vec<&Membership> = self.people[&person_id].iter().filter(|m| active_on(m, date)).collect();
        Ok(active
            .iter()
            .copied()
            .find(|m| within(m))
            .or(active.first().copied())
            .map(|m| format!("{}{}", m.org_name, m.role))
            .unwrap_or_default())
    }
}

/// Attendance figures of a session: registered (应到), present (实到),
/// on leave (请假), absent (缺席).
fn counts(a: &Activity) -> Value {
    let f = &a.fields;
    json!({
        "expected": f.expected_count(), "present": f.attendance_count(Attendance::Present),
        "leave": f.attendance_count(Attendance::Leave), "absent": f.attendance_count(Attendance::Absent),
        "others": f.others_count,
    })
}

/// The heading lines every sheet of an activity carries.
fn heading(a: &Activity, org: &Org) -> Value {
    let f = &a.fields;
    json!({
        "id": a.id, "title": f.title, "org": org.name, "place": f.place, "host": f.host,
        "date": chinese_date(f.date), "time": f.start_time, "kind": kind_name(&f.kind),
        "materials": f.materials,
    })
}

async fn sign_in_record(state: &AppState, page: &PageActor, a: &Activity, posts: &mut Posts) -> Result<Value, Error> {
    let org = state.services.visible_org(&page.actor, a.fields.org_id).await?;
    let mut rows = Vec::with_capacity(a.fields.participants.len());
    for p in &a.fields.participants {
        let note = match p.attendance {
            Attendance::Present => String::new(),
            Attendance::Leave if p.leave_reason.is_empty() => "请假".to_owned(),
            Attendance::Leave => format!("请假（{}）", p.leave_reason),
            Attendance::Absent => "缺席".to_owned(),
        };
        rows.push(json!({ "name": p.person_name, "post": posts.of(state, page, a, p.person_id).await?, "note": note }));
    }
    let blank = sign_in_rows(rows.len()) - rows.len();
    Ok(json!({ "a": heading(a, &org), "rows": rows, "blank": blank, "counts": counts(a) }))
}

async fn minutes_record(state: &AppState, page: &PageActor, a: &Activity) -> Result<Value, Error> {
    let org = state.services.visible_org(&page.actor, a.fields.org_id).await?;
    let f = &a.fields;
    let present: Vec<&str> =
        f.participants.iter().filter(|p| p.attendance == Attendance::Present).map(|p| p.person_name.as_str()).collect();
    let missing: Vec<String> = f
        .participants
        .iter()
        .filter_map(|p| match p.attendance {
            Attendance::Present => None,
            Attendance::Leave if p.leave_reason.is_empty() => Some(format!("{}（请假）", p.person_name)),
            Attendance::Leave => Some(format!("{}（请假：{}）", p.person_name, p.leave_reason)),
            Attendance::Absent => Some(format!("{}（缺席）", p.person_name)),
        })
        .collect();
    // The notes as their paragraphs, as they were typed.
    let paragraphs: Vec<&str> = f.summary.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let photos: Vec<Value> = state
        .services
        .evidence_list(&page.actor, a.id)
        .await?
        .iter()
        .filter(|e| e.is_image() && e.has_thumbnail)
        .map(|e| json!({ "id": e.id, "name": e.file_name }))
        .collect();
    Ok(json!({
        "a": heading(a, &org), "present": present, "missing": missing, "paragraphs": paragraphs,
        "photos": photos, "counts": counts(a),
    }))
}

fn print(template: &str, context: &Value) -> PageResult {
    render_plain(StatusCode::OK, template, context)
}

/// The sign-in sheet of one session.
pub async fn sign_in(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    let a = state.services.activity_get(&page.actor, id).await?;
    let record = sign_in_record(&state, &page, &a, &mut Posts::default()).await?;
    print(
        "print_sign_in.html",
        &json!({ "title": format!("{}签到表", a.fields.title), "records": [record], "back": format!("/activities/{id}") }),
    )
}

/// The minutes of one session, with its photos.
pub async fn minutes(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    let a = state.services.activity_get(&page.actor, id).await?;
    let record = minutes_record(&state, &page, &a).await?;
    print(
        "print_minutes.html",
        &json!({ "title": format!("{}会议记录", a.fields.title), "records": [record], "back": format!("/activities/{id}") }),
    )
}

#[derive(Deserialize, Default)]
pub struct MonthQuery {
    #[serde(default)]
    org_id: String,
    /// "2020-03"; empty: from the working period.
    #[serde(default)]
    month: String,
    /// A period the month is taken from when none is given (the list's filter).
    #[serde(default)]
    period: String,
}

/// The month asked for: a month, or the input error naming the field.
fn parse_month(raw: &str) -> Result<Period, Error> {
    match Period::parse(raw) {
        Ok(p @ Period::Month(..)) => Ok(p),
        _ => {
            let shown: String = raw.chars().take(20).collect();
            Err(Error::invalid("month", format!("月份“{shown}”无效，应为“2020-03”这样的年月")))
        }
    }
}

/// An org's month: the org asked for (else the account's own, else the top
/// of its scope) and the month asked for, else the working period's: itself
/// when a month, otherwise the month of the org's latest records in it (the
/// current month or the period's last when it has none).
async fn org_month(state: &AppState, page: &PageActor, q: &MonthQuery) -> Result<(Org, Period), PageError> {
    let org = state.services.org_in_view(&page.actor, form_org_id(&q.org_id)?).await?;
    if !q.month.trim().is_empty() {
        return Ok((org, parse_month(q.month.trim())?));
    }
    let code = working_period(state, page, &q.period).await?;
    let period = Period::parse(&code).map_err(|e| Error::invalid("period", e.to_string()))?;
    if let Period::Month(..) = period {
        return Ok((org, period));
    }
    let filter = ActivityFilter { org_id: Some(org.id), period: Some(code), per_page: Some(1), ..Default::default() };
    let latest = state.services.activity_list(&page.actor, &filter).await?;
    let today = taizhang_core::auth::now().date_naive();
    let day = latest.items.first().map(|r| r.date).unwrap_or(if period.contains(today) { today } else { period.end() });
    let month = Period::new_month(day.year(), day.month() as u8).map_err(|e| Error::invalid("month", e.to_string()))?;
    Ok((org, month))
}

/// Every activity of the org's subtree in the month, oldest first.
async fn month_activities(
    state: &AppState,
    page: &PageActor,
    org: &Org,
    month: &Period,
) -> Result<Vec<Activity>, Error> {
    let filter = ActivityFilter { org_id: Some(org.id), period: Some(month.code()), ..Default::default() };
    state.services.activity_export(&page.actor, &filter).await
}

/// The month's sessions (activities with participants) of the org's subtree,
/// for a bound print of their sheets or minutes.
async fn month_sessions(state: &AppState, page: &PageActor, org: &Org, month: &Period) -> Result<Vec<Activity>, Error> {
    let sessions: Vec<Activity> = month_activities(state, page, org, month)
        .await?
        .into_iter()
        .filter(|a| !a.fields.participants.is_empty())
        .collect();
    if sessions.len() > MAX_BOUND_RECORDS {
        return Err(Error::invalid(
            "org_id",
            format!(
                "{}共有{}次会议活动，超过一次可打印的{MAX_BOUND_RECORDS}份，请选择下级组织分别打印",
                month.label(),
                sessions.len()
            ),
        ));
    }
    Ok(sessions)
}

/// The address of the month's ledger print.
fn ledger_url(org: &Org, month: &Period) -> String {
    local_url("/activities/print", &[("org_id", &org.id.to_string()), ("month", &month.code())])
}

/// The month's activity ledger (台账登记表) of an org's subtree.
pub async fn ledger(State(state): State<AppState>, page: PageActor, Query(q): Query<MonthQuery>) -> PageResult {
    let (org, month) = org_month(&state, &page, &q).await?;
    let activities = month_activities(&state, &page, &org, &month).await?;
    let areas = state.services.work_areas_for(&page.actor).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    let rows: Vec<Value> = activities
        .iter()
        .map(|a| {
            let f = &a.fields;
            let mut notes = Vec::new();
            // A record of a sub-org says whose it is.
            if f.org_id != org.id
                && let Some(o) = orgs.iter().find(|o| o.id == f.org_id)
            {
                notes.push(o.name.clone());
            }
            if f.kind == taizhang_core::ledger::VOLUNTEER_KIND && f.reported_on.is_none() {
                notes.push("未上报".to_owned());
            }
            json!({
                "date": format!("{}月{}日", f.date.month(), f.date.day()), "title": f.title, "kind": kind_name(&f.kind),
                "area": f.work_area_id.and_then(|id| areas.iter().find(|x| x.id == id)).map(|x| x.name.clone()),
                "present": f.present_count(), "note": notes.join("；"),
            })
        })
        .collect();
    let bound = |path: &str| local_url(path, &[("org_id", &org.id.to_string()), ("month", &month.code())]);
    print(
        "print_ledger.html",
        &json!({
            "title": format!("{}{}工作台账登记表", org.name, month.label()),
            "org": org.name, "org_id": org.id, "month": month.code(), "month_label": month.label(), "rows": rows,
            "sessions": activities.iter().filter(|a| !a.fields.participants.is_empty()).count(),
            "sign_in_url": bound("/activities/print/sign-in"), "minutes_url": bound("/activities/print/minutes"),
            "orgs": orgs.iter().filter(|o| !o.is_closed() || o.id == org.id).map(super::org_json).collect::<Vec<_>>(),
            "back": local_url("/activities", &[("org_id", &org.id.to_string()), ("period", &month.code())]),
        }),
    )
}

/// The sign-in sheets of the month's sessions, one per printed page.
pub async fn month_sign_in(State(state): State<AppState>, page: PageActor, Query(q): Query<MonthQuery>) -> PageResult {
    let (org, month) = org_month(&state, &page, &q).await?;
    let mut posts = Posts::default();
    let mut records = Vec::new();
    for a in month_sessions(&state, &page, &org, &month).await? {
        records.push(sign_in_record(&state, &page, &a, &mut posts).await?);
    }
    print(
        "print_sign_in.html",
        &json!({ "title": format!("{}{}签到表", org.name, month.label()), "records": records, "back": ledger_url(&org, &month) }),
    )
}

/// The minutes of the month's sessions, one per printed page.
pub async fn month_minutes(State(state): State<AppState>, page: PageActor, Query(q): Query<MonthQuery>) -> PageResult {
    let (org, month) = org_month(&state, &page, &q).await?;
    let mut records = Vec::new();
    for a in month_sessions(&state, &page, &org, &month).await? {
        records.push(minutes_record(&state, &page, &a).await?);
    }
    print(
        "print_minutes.html",
        &json!({ "title": format!("{}{}会议记录", org.name, month.label()), "records": records, "back": ledger_url(&org, &month) }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_sheet_fills_its_last_page() {
        assert_eq!(sign_in_rows(0), SIGN_IN_FIRST_PAGE);
        assert_eq!(sign_in_rows(SIGN_IN_FIRST_PAGE), SIGN_IN_FIRST_PAGE);
        assert_eq!(sign_in_rows(SIGN_IN_FIRST_PAGE + 1), SIGN_IN_FIRST_PAGE + SIGN_IN_NEXT_PAGES);
        assert_eq!(
            sign_in_rows(SIGN_IN_FIRST_PAGE + SIGN_IN_NEXT_PAGES + 1),
            SIGN_IN_FIRST_PAGE + 2 * SIGN_IN_NEXT_PAGES
        );
    }

    #[test]
    fn a_month_is_a_month() {
        assert_eq!(parse_month("2020-03").unwrap(), Period::Month(2020, 3));
        for bad in ["2020-13", "2020H1", "三月", ""] {
            let Err(Error::Invalid(errors)) = parse_month(bad) else { panic!("{bad} refused") };
            assert_eq!(errors[0].field, "month");
            assert!(errors[0].message.contains("月份"), "{}", errors[0].message);
        }
    }
}

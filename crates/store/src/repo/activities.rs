//! Activities (台账记录) with their participants, channels, role models and
//! materials: read in a fixed number of queries, written with few statements.

use std::collections::HashMap;

use taizhang_core::evidence::NewEvidence;
use taizhang_core::ledger::*;
use taizhang_core::model::{AuditCtx, AuditRecord, Cursor, Id, Page};
use taizhang_core::{Error, Result};

use super::activity_counts::{Bumps, bump};
use super::evidence::evidence_files;
use super::sql::{Filter, audit_change, contains, id_values, insert_new, insert_rows, offset, scope};
use super::{audit, evidence};
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};

const COLUMNS: &str = "id, org_id, kind, work_area_id, title, summary, place, date, start_time, host, others_count,
    campaign_id, banners, boards, posts, reached, reported_on, reported_by, created_at, updated_at";

fn count(r: &Row, name: &str) -> DbResult<u32> {
    Ok(u32::try_from(r.i64(name)?).unwrap_or(0))
}

pub fn get(c: &mut dyn Conn, id: Id) -> Result<Option<Activity>> {
    let from = "FROM activities a JOIN orgs o ON o.id = a.org_id WHERE a.id = $1".to_owned();
    Ok(load(c, &from, &[id.into()])?.pop())
}

/// Every activity a query matches (no paging), oldest first, in full.
pub fn all_matching(c: &mut dyn Conn, q: &ActivityQuery) -> Result<Vec<Activity>> {
    let (from, args) = filter_sql(q);
    load(c, &from, &args)
}

/// The activities of `from` (a FROM and WHERE over `activities a JOIN orgs o`)
/// with their participants, channels, role models and materials: four
/// queries, whatever the number of activities.
pub(super) fn load(c: &mut dyn Conn, from: &str, args: &[Value]) -> Result<Vec<Activity>> {
    let columns: Vec<String> = COLUMNS.split(',').map(|col| format!("a.{}", col.trim())).collect();
    let rows = c.query(&format!("SELECT {} {from} ORDER BY a.date, a.id", columns.join(", ")), args)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = format!("(SELECT a.id {from})");
    let mut participants: HashMap<Id, Vec<Participant>> = HashMap::new();
    for p in &c.query(
        &format!(
            "SELECT ap.activity_id, ap.person_id, p.name, ap.attendance, ap.leave_reason, ap.hours
             FROM activity_participants ap JOIN persons p ON p.id = ap.person_id
             WHERE ap.activity_id IN {ids} ORDER BY ap.activity_id, p.name_pinyin, p.id"
        ),
        args,
    )? {
        participants.entry(p.i64("activity_id")?).or_default().push(Participant {
            person_id: p.i64("person_id")?,
            person_name: p.text("name")?,
            attendance: Attendance::parse(&p.text("attendance")?).unwrap_or(Attendance::Present),
            leave_reason: p.text("leave_reason")?,
            hours: p.opt_f64("hours")?,
        });
    }
    let mut channels: HashMap<Id, Vec<String>> = HashMap::new();
    for r in &c.query(
        &format!(
            "SELECT activity_id, channel FROM activity_channels WHERE activity_id IN {ids} ORDER BY activity_id, channel"
        ),
        args,
    )? {
        channels.entry(r.i64("activity_id")?).or_default().push(r.text("channel")?);
    }
    let mut items: HashMap<(Id, String), Vec<String>> = HashMap::new();
    for r in &c.query(
        &format!(
            "SELECT activity_id, item_kind, text FROM activity_items WHERE activity_id IN {ids}
             ORDER BY activity_id, item_kind, position"
        ),
        args,
    )? {
        items.entry((r.i64("activity_id")?, r.text("item_kind")?)).or_default().push(r.text("text")?);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id = r.i64("id")?;
        let mut item_list = |kind: &str| items.remove(&(id, kind.to_owned())).unwrap_or_default();
        out.push(Activity {
            id,
            fields: ActivityFields {
                org_id: r.i64("org_id")?,
                kind: r.text("kind")?,
                work_area_id: r.opt_i64("work_area_id")?,
                title: r.text("title")?,
                summary: r.text("summary")?,
                place: r.text("place")?,
                date: r.opt_date("date")?.ok_or_else(|| DbError::Other("activity without date".into()))?,
                start_time: r.text("start_time")?,
                host: r.text("host")?,
                participants: participants.remove(&id).unwrap_or_default(),
                others_count: count(r, "others_count")?,
                campaign_id: r.opt_i64("campaign_id")?,
                channels: channels.remove(&id).unwrap_or_default(),
                quantities: Quantities {
                    banners: count(r, "banners")?,
                    boards: count(r, "boards")?,
                    posts: count(r, "posts")?,
                    reached: count(r, "reached")?,
                },
                role_models: item_list("role_model"),
                materials: item_list("material"),
                reported_on: r.opt_date("reported_on")?,
                reported_by: r.text("reported_by")?,
            },
            created_at: r.ts("created_at")?,
            updated_at: r.ts("updated_at")?,
        });
    }
    Ok(out)
}

/// The child rows of activities (participants, channels, role models and
/// materials), gathered and then written with few statements.
#[derive(Default)]
struct Children {
    participants: Vec<Vec<Value>>,
    channels: Vec<Vec<Value>>,
    items: Vec<Vec<Value>>,
}

impl Children {
    fn add(&mut self, id: Id, f: &ActivityFields) {
        for p in &f.participants {
            self.participants.push(vec![
                id.into(),
                p.person_id.into(),
                p.attendance.as_str().into(),
                (&p.leave_reason).into(),
                p.hours.map_or(Value::Null, Value::Real),
            ]);
        }
        for channel in &f.channels {
            self.channels.push(vec![id.into(), channel.into()]);
        }
        for (kind, list) in [("role_model", &f.role_models), ("material", &f.materials)] {
            for (position, text) in list.iter().enumerate() {
                self.items.push(vec![id.into(), kind.into(), (position as i64).into(), text.into()]);
            }
        }
    }

    /// Writes the rows with one COPY per table (an import's many rows).
    fn copy(self, c: &mut dyn Conn) -> Result<()> {
        c.copy_rows(
            "activity_participants",
            &["activity_id", "person_id", "attendance", "leave_reason", "hours"],
            &mut self.participants.into_iter(),
        )?;
        c.copy_rows("activity_channels", &["activity_id", "channel"], &mut self.channels.into_iter())?;
        c.copy_rows("activity_items", &["activity_id", "item_kind", "position", "text"], &mut self.items.into_iter())?;
        Ok(())
    }

    fn write(self, c: &mut dyn Conn) -> Result<()> {
        insert_rows(
            c,
            "INSERT INTO activity_participants (activity_id, person_id, attendance, leave_reason, hours)",
            "",
            self.participants,
        )?;
        insert_rows(c, "INSERT INTO activity_channels (activity_id, channel)", "", self.channels)?;
        insert_rows(c, "INSERT INTO activity_items (activity_id, item_kind, position, text)", "", self.items)?;
        Ok(())
    }
}

fn write_children(c: &mut dyn Conn, id: Id, f: &ActivityFields) -> Result<()> {
    let mut children = Children::default();
    children.add(id, f);
    children.write(c)
}

fn delete_children(c: &mut dyn Conn, id: Id) -> Result<()> {
    for table in ["activity_participants", "activity_channels", "activity_items"] {
        c.execute(&format!("DELETE FROM {table} WHERE activity_id = $1"), params![id])?;
    }
    Ok(())
}

fn main_params(f: &ActivityFields) -> Vec<Value> {
    params![
        f.org_id,
        &f.kind,
        f.work_area_id,
        &f.title,
        &f.summary,
        &f.place,
        f.date,
        &f.start_time,
        &f.host,
        i64::from(f.others_count),
        f.campaign_id,
        i64::from(f.quantities.banners),
        i64::from(f.quantities.boards),
        i64::from(f.quantities.posts),
        i64::from(f.quantities.reached),
        f.reported_on,
        &f.reported_by,
    ]
    .to_vec()
}

/// Inserts the activity's own row; returns the new id.
fn insert_row(c: &mut dyn Conn, f: &ActivityFields, ctx: &AuditCtx) -> Result<Id> {
    let mut args = main_params(f);
    args.push(ctx.at.into());
    args.push(ctx.user_id.into());
    let id = c
        .query_one(
            "INSERT INTO activities (org_id, kind, work_area_id, title, summary, place, date, start_time, host,
                 others_count, campaign_id, banners, boards, posts, reached, reported_on, reported_by, created_at, updated_at,
                 recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19) RETURNING id",
            &args,
        )?
        .i64("id")?;
    Ok(id)
}

pub fn create(c: &mut dyn Conn, f: &ActivityFields, ctx: &AuditCtx) -> Result<Activity> {
    let id = insert_row(c, f, ctx)?;
    write_children(c, id, f)?;
    bump(c, f, 1, 0)?;
    let activity = get(c, id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "activity", id, f.org_id, None, Some(&activity))?;
    Ok(activity)
}

/// Creates an activity with the files sent along with it, in the caller's
/// transaction: all of them or nothing.
pub fn create_with_evidence(
    c: &mut dyn Conn,
    f: &ActivityFields,
    files: Vec<NewEvidence>,
    ctx: &AuditCtx,
) -> Result<Activity> {
    let activity = create(c, f, ctx)?;
    for file in files {
        evidence::add(c, &NewEvidence { activity_id: activity.id, ..file }, ctx)?;
    }
    Ok(activity)
}

/// The last activity an account entered, of one kind or any.
pub fn last_recorded(c: &mut dyn Conn, user_id: Id, kind: Option<&str>) -> Result<Option<Id>> {
    let row = match kind {
        Some(kind) => c.query_opt(
            "SELECT id FROM activities WHERE recorded_by = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
            params![user_id, kind],
        )?,
        None => {
            c.query_opt("SELECT id FROM activities WHERE recorded_by = $1 ORDER BY id DESC LIMIT 1", params![user_id])?
        }
    };
    Ok(row.map(|r| r.i64("id")).transpose()?)
}

/// The columns an import writes (the id aside), in the order of [`import_row`].
const IMPORT_COLUMNS: [&str; 20] = [
    "org_id",
    "kind",
    "work_area_id",
    "title",
    "summary",
    "place",
    "date",
    "start_time",
    "host",
    "others_count",
    "campaign_id",
    "banners",
    "boards",
    "posts",
    "reached",
    "reported_on",
    "reported_by",
    "created_at",
    "updated_at",
    "recorded_by",
];

/// The row of an imported activity, in the order of [`IMPORT_COLUMNS`].
fn import_row(f: &ActivityFields, ctx: &AuditCtx) -> Vec<Value> {
    let mut row = Vec::with_capacity(IMPORT_COLUMNS.len());
    row.extend(main_params(f));
    row.extend([ctx.at.into(), ctx.at.into(), ctx.user_id.into()]);
    row
}

/// Inserts all activities in the caller's transaction, with one audit entry.
/// The activities are written as [`insert_new`] does (one COPY on
/// PostgreSQL), their child rows with one COPY per table.
pub fn import(c: &mut dyn Conn, all: &[ActivityFields], source: &str, ctx: &AuditCtx) -> Result<usize> {
    let ids = insert_new(c, "activities", &IMPORT_COLUMNS, all.iter().map(|f| import_row(f, ctx)))?;
    let mut orgs = std::collections::BTreeSet::new();
    let (mut children, mut bumps) = (Children::default(), Bumps::default());
    for (f, id) in all.iter().zip(ids) {
        children.add(id, f);
        bumps.add(f, 1, 0);
        orgs.insert(f.org_id);
    }
    children.copy(c)?;
    bumps.copy(c)?;
    let record = AuditRecord::new(ctx, "import", "activity")
        .detail(format!("从“{source}”导入{}条工作记录", all.len()))
        .after(serde_json::json!({ "count": all.len(), "orgs": orgs }));
    let record = match orgs.iter().next() {
        Some(org) if orgs.len() == 1 => record.org(*org),
        _ => record,
    };
    audit::append(c, &record)?;
    Ok(all.len())
}

pub fn update(c: &mut dyn Conn, id: Id, f: &ActivityFields, ctx: &AuditCtx) -> Result<Activity> {
    let before = get(c, id)?.ok_or(Error::NotFound)?;
    let mut args = main_params(f);
    args.push(ctx.at.into());
    args.push(id.into());
    c.execute(
        "UPDATE activities SET org_id = $1, kind = $2, work_area_id = $3, title = $4, summary = $5, place = $6,
             date = $7, start_time = $8, host = $9, others_count = $10, campaign_id = $11, banners = $12,
             boards = $13, posts = $14, reached = $15, reported_on = $16, reported_by = $17, updated_at = $18
         WHERE id = $19",
        &args,
    )?;
    delete_children(c, id)?;
    write_children(c, id, f)?;
    let with_evidence = i64::from(evidence_files(c, id)? > 0);
    let mut bumps = Bumps::default();
    bumps.add(&before.fields, -1, -with_evidence);
    bumps.add(f, 1, with_evidence);
    bumps.write(c)?;
    let after = get(c, id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "activity", id, f.org_id, Some(&before), Some(&after))?;
    Ok(after)
}

pub fn delete(c: &mut dyn Conn, id: Id, ctx: &AuditCtx) -> Result<()> {
    let before = get(c, id)?.ok_or(Error::NotFound)?;
    let with_evidence = i64::from(evidence_files(c, id)? > 0);
    delete_children(c, id)?;
    c.execute("DELETE FROM evidence WHERE activity_id = $1", params![id])?;
    c.execute("UPDATE study_plan_items SET activity_id = NULL WHERE activity_id = $1", params![id])?;
    c.execute("UPDATE rectifications SET activity_id = NULL WHERE activity_id = $1", params![id])?;
    c.execute("DELETE FROM activities WHERE id = $1", params![id])?;
    bump(c, &before.fields, -1, -with_evidence)?;
    audit_change(c, ctx, "activity", id, before.fields.org_id, Some(&before), None)
}

/// The FROM and WHERE of every activity query: the activities of a subtree.
const FROM: &str = "FROM activities a JOIN orgs o ON o.id = a.org_id WHERE o.path LIKE $1 ESCAPE '\\'";

/// The conditions of an activity query beyond its scope.
fn filter(q: &ActivityQuery) -> Filter {
    let mut f = Filter::new(vec![scope(&q.scope_path)]);
    if let Some(kind) = q.kind.as_ref().filter(|k| !k.is_empty()) {
        f.and("a.kind = ?", kind);
    }
    if let Some(area) = q.work_area_id {
        f.and("a.work_area_id = ?", area);
    }
    if let Some(campaign) = q.campaign_id {
        f.and("a.campaign_id = ?", campaign);
    }
    if let Some(from) = q.from {
        f.and("a.date >= ?", from);
    }
    if let Some(to) = q.to {
        f.and("a.date <= ?", to);
    }
    if !q.text.trim().is_empty() {
        f.and("a.title LIKE ? ESCAPE '\\'", contains(q.text.trim()));
    }
    if q.unreported {
        f.and("a.kind = ?", VOLUNTEER_KIND);
        f.and_sql("a.reported_on IS NULL");
    }
    if q.without_evidence {
        f.and_sql("NOT EXISTS (SELECT 1 FROM evidence e WHERE e.activity_id = a.id)");
    }
    if !q.ids.is_empty() {
        f.and_in("a.id", id_values(&q.ids));
    }
    f
}

/// The FROM and WHERE of an activity query, with its parameters.
pub(super) fn filter_sql(q: &ActivityQuery) -> (String, Vec<Value>) {
    let f = filter(q);
    (format!("{FROM}{}", f.and_clause()), f.args)
}

pub fn list(c: &mut dyn Conn, q: &ActivityQuery) -> Result<Page<ActivityRow>> {
    let total = super::activity_counts::count_matching(c, q)?;
    let mut f = filter(q);
    if let Some(after) = &q.after {
        let (date, id) = (f.bind(after.date(0)?), f.bind(after.int(1)?));
        f.and_sql(format!("(a.date, a.id) < ({date}, {id})"));
    }
    let per = q.per_page.max(1);
    let (limit, skip) = (f.bind(i64::from(per) + 1), f.bind(if q.after.is_some() { 0 } else { offset(q.page, per) }));
    let page = format!(" LIMIT {limit} OFFSET {skip}");
    let rows = c.query(
        &format!(
            "SELECT a.id, a.org_id, o.name AS org_name, a.kind, a.title, a.date, a.place, a.host, a.reported_on,
                (SELECT COUNT(*) FROM evidence e WHERE e.activity_id = a.id) AS evidence_count,
                (SELECT MIN(e.id) FROM evidence e WHERE e.activity_id = a.id AND e.thumbnail IS NOT NULL) AS first_image
             {FROM}{}
             ORDER BY a.date DESC, a.id DESC{page}",
            f.and_clause()
        ),
        &f.args,
    )?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(ActivityRow {
                id: r.i64("id")?,
                org_id: r.i64("org_id")?,
                org_name: r.text("org_name")?,
                kind: r.text("kind")?,
                title: r.text("title")?,
                date: r.opt_date("date")?.unwrap_or_default(),
                place: r.text("place")?,
                host: r.text("host")?,
                reported_on: r.opt_date("reported_on")?,
                evidence_count: r.i64("evidence_count")?.max(0) as u64,
                first_image: r.opt_i64("first_image")?,
            })
        })
        .collect::<DbResult<Vec<ActivityRow>>>()?;
    let mut items = items;
    let next = (items.len() > per as usize).then(|| {
        items.truncate(per as usize);
        let last = &items[items.len() - 1];
        Cursor(vec![last.date.to_string(), last.id.to_string()]).encode()
    });
    Ok(Page { next, ..Page::new(items, total, q.page, per) })
}

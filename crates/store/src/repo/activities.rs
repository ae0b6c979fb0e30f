use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use taizhang_core::evidence::{Evidence, NewEvidence};
use taizhang_core::ledger::*;
use taizhang_core::model::{AuditCtx, AuditRecord, Id, Page};
use taizhang_core::{Error, Result};

use super::{audit, like_escape, offset};
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};

pub fn work_areas(c: &mut dyn Conn) -> Result<Vec<WorkArea>> {
    let rows = c.query("SELECT id, parent_id, org_id, name, sort, purpose FROM work_areas ORDER BY sort, id", &[])?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(WorkArea {
                id: r.i64("id")?,
                parent_id: r.opt_i64("parent_id")?,
                org_id: r.opt_i64("org_id")?,
                name: r.text("name")?,
                sort: r.i64("sort")?,
                purpose: r.opt_text("purpose")?,
            })
        })
        .collect::<DbResult<_>>()?)
}

fn work_area_get(c: &mut dyn Conn, id: Id) -> Result<WorkArea> {
    work_areas(c)?.into_iter().find(|a| a.id == id).ok_or(Error::NotFound)
}

pub fn work_area_create(
    c: &mut dyn Conn,
    org_id: Id,
    parent_id: Option<Id>,
    name: &str,
    purpose: Option<&str>,
    ctx: &AuditCtx,
) -> Result<WorkArea> {
    let sort = c
        .query_one(
            "SELECT COALESCE(MAX(sort), 0) + 1 AS next FROM work_areas WHERE parent_id IS NOT DISTINCT FROM $1",
            params![parent_id],
        )?
        .i64("next")?;
    let id = c
        .query_one(
            "INSERT INTO work_areas (parent_id, org_id, name, sort, purpose) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            params![parent_id, org_id, name, sort, purpose],
        )?
        .i64("id")?;
    let area = work_area_get(c, id)?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "work_area")
            .entity_id(id)
            .org(org_id)
            .after(serde_json::to_value(&area).unwrap_or_default()),
    )?;
    Ok(area)
}

pub fn work_area_update(
    c: &mut dyn Conn,
    id: Id,
    name: &str,
    purpose: Option<&str>,
    ctx: &AuditCtx,
) -> Result<WorkArea> {
    let before = work_area_get(c, id)?;
    c.execute("UPDATE work_areas SET name = $1, purpose = $2 WHERE id = $3", params![name, purpose, id])?;
    let after = work_area_get(c, id)?;
    let mut record = AuditRecord::new(ctx, "update", "work_area")
        .entity_id(id)
        .before(serde_json::to_value(&before).unwrap_or_default())
        .after(serde_json::to_value(&after).unwrap_or_default());
    if let Some(org) = after.org_id {
        record = record.org(org);
    }
    audit::append(c, &record)?;
    Ok(after)
}

pub fn volunteer_hours(
    c: &mut dyn Conn,
    scope_path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Id, String, u64, f64)>> {
    let rows = c.query(
        "SELECT p.id, p.name, COUNT(*) AS activities, COALESCE(SUM(ap.hours), 0) AS hours
         FROM activity_participants ap
         JOIN activities a ON a.id = ap.activity_id
         JOIN orgs o ON o.id = a.org_id
         JOIN persons p ON p.id = ap.person_id
         WHERE o.path LIKE $1 ESCAPE '\\' AND a.kind = 'volunteer_activity' AND a.date >= $2 AND a.date <= $3
           AND ap.attendance = 'present'
         GROUP BY p.id, p.name
         ORDER BY hours DESC, p.id",
        params![format!("{}%", like_escape(scope_path)), from, to],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok((r.i64("id")?, r.text("name")?, r.i64("activities")?.max(0) as u64, r.opt_f64("hours")?.unwrap_or(0.0)))
        })
        .collect::<DbResult<_>>()?)
}

pub fn custom_kinds(c: &mut dyn Conn) -> Result<Vec<(String, Id)>> {
    let rows = c.query("SELECT name, org_id FROM activity_kinds ORDER BY created_at, name", &[])?;
    Ok(rows.iter().map(|r| Ok((r.text("name")?, r.i64("org_id")?))).collect::<DbResult<_>>()?)
}

pub fn custom_kind_create(c: &mut dyn Conn, org_id: Id, name: &str, ctx: &AuditCtx) -> Result<()> {
    c.execute(
        "INSERT INTO activity_kinds (name, org_id, created_at) VALUES ($1, $2, $3)",
        params![name, org_id, ctx.at],
    )
    .map_err(|e| match e {
        DbError::Unique(_) => Error::conflict("name", format!("已有名为“{name}”的活动类型")),
        other => other.into(),
    })?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "activity_kind").org(org_id).after(serde_json::json!({ "name": name })),
    )
}

fn campaign_from_row(r: &Row) -> DbResult<Campaign> {
    Ok(Campaign {
        id: r.i64("id")?,
        org_id: r.opt_i64("org_id")?,
        name: r.text("name")?,
        purpose: r.opt_text("purpose")?,
    })
}

pub fn campaigns(c: &mut dyn Conn) -> Result<Vec<Campaign>> {
    let rows = c.query("SELECT id, org_id, name, purpose FROM campaigns ORDER BY id", &[])?;
    Ok(rows.iter().map(campaign_from_row).collect::<DbResult<_>>()?)
}

pub fn campaign_create(
    c: &mut dyn Conn,
    org_id: Id,
    name: &str,
    purpose: Option<&str>,
    ctx: &AuditCtx,
) -> Result<Campaign> {
    let row = c.query_one(
        "INSERT INTO campaigns (org_id, name, purpose) VALUES ($1, $2, $3) RETURNING id, org_id, name, purpose",
        params![org_id, name, purpose],
    )?;
    let campaign = campaign_from_row(&row)?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "campaign")
            .entity_id(campaign.id)
            .org(org_id)
            .after(serde_json::to_value(&campaign).unwrap_or_default()),
    )?;
    Ok(campaign)
}

pub fn campaign_update(
    c: &mut dyn Conn,
    id: Id,
    name: &str,
    purpose: Option<&str>,
    ctx: &AuditCtx,
) -> Result<Campaign> {
    let find = |c: &mut dyn Conn| -> Result<Campaign> {
        let row = c.query_opt("SELECT id, org_id, name, purpose FROM campaigns WHERE id = $1", params![id])?;
        row.as_ref().map(campaign_from_row).transpose()?.ok_or(Error::NotFound)
    };
    let before = find(c)?;
    c.execute("UPDATE campaigns SET name = $1, purpose = $2 WHERE id = $3", params![name, purpose, id])?;
    let after = find(c)?;
    let mut record = AuditRecord::new(ctx, "update", "campaign")
        .entity_id(id)
        .before(serde_json::to_value(&before).unwrap_or_default())
        .after(serde_json::to_value(&after).unwrap_or_default());
    if let Some(org) = after.org_id {
        record = record.org(org);
    }
    audit::append(c, &record)?;
    Ok(after)
}

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
fn load(c: &mut dyn Conn, from: &str, args: &[Value]) -> Result<Vec<Activity>> {
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

fn month_key(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

/// Changes to the monthly aggregate, summed per bucket (org, kind, area, month)
/// and written with one statement per 500 buckets.
#[derive(Default)]
struct Bumps(std::collections::BTreeMap<(Id, String, Id, String), [i64; 3]>);

impl Bumps {
    /// Adds `n` activities to this activity's bucket: to `n`, to `with_evidence`
    /// when it has evidence and to `reported` when it was reported. `n` 0 with
    /// `with_evidence` ±1 records evidence gained or lost.
    fn add(&mut self, f: &ActivityFields, n: i64, with_evidence: i64) {
        let key = (f.org_id, f.kind.clone(), f.work_area_id.unwrap_or(0), month_key(f.date));
        let entry = self.0.entry(key).or_default();
        entry[0] += n;
        entry[1] += with_evidence;
        entry[2] += if f.reported_on.is_some() { n } else { 0 };
    }

    fn write(self, c: &mut dyn Conn) -> Result<()> {
        let rows = self.0.into_iter().filter(|(_, d)| *d != [0; 3]).map(|((org, kind, area, month), [n, e, r])| {
            vec![org.into(), kind.into(), area.into(), month.into(), n.into(), e.into(), r.into()]
        });
        insert_rows(
            c,
            "INSERT INTO activity_counts (org_id, kind, area_id, month, n, with_evidence, reported)",
            "ON CONFLICT (org_id, kind, area_id, month) DO UPDATE SET n = activity_counts.n + excluded.n,
                 with_evidence = activity_counts.with_evidence + excluded.with_evidence,
                 reported = activity_counts.reported + excluded.reported",
            rows,
        )
    }
}

/// Adds `n` activities (and `with_evidence` of them with evidence) to the
/// monthly bucket of this activity.
fn bump(c: &mut dyn Conn, f: &ActivityFields, n: i64, with_evidence: i64) -> Result<()> {
    let mut bumps = Bumps::default();
    bumps.add(f, n, with_evidence);
    bumps.write(c)
}

/// `INSERT ... VALUES (...), (...) [suffix]`, 500 rows per statement.
fn insert_rows(c: &mut dyn Conn, head: &str, suffix: &str, rows: impl Iterator<Item = Vec<Value>>) -> Result<()> {
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let mut args: Vec<Value> = Vec::new();
        let mut tuples = Vec::new();
        for row in rows.by_ref().take(500) {
            let first = args.len();
            tuples.push(format!(
                "({})",
                (1..=row.len()).map(|i| format!("${}", first + i)).collect::<Vec<_>>().join(", ")
            ));
            args.extend(row);
        }
        c.execute(&format!("{head} VALUES {} {suffix}", tuples.join(", ")), &args)?;
    }
    Ok(())
}

fn evidence_files(c: &mut dyn Conn, activity_id: Id) -> Result<i64> {
    Ok(c.query_one("SELECT COUNT(*) AS n FROM evidence WHERE activity_id = $1", params![activity_id])?.i64("n")?)
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

    fn write(self, c: &mut dyn Conn) -> Result<()> {
        insert_rows(
            c,
            "INSERT INTO activity_participants (activity_id, person_id, attendance, leave_reason, hours)",
            "",
            self.participants.into_iter(),
        )?;
        insert_rows(c, "INSERT INTO activity_channels (activity_id, channel)", "", self.channels.into_iter())?;
        insert_rows(
            c,
            "INSERT INTO activity_items (activity_id, item_kind, position, text)",
            "",
            self.items.into_iter(),
        )
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
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "activity")
            .entity_id(id)
            .org(f.org_id)
            .after(serde_json::to_value(&activity).unwrap_or_default()),
    )?;
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
        evidence_add(c, &NewEvidence { activity_id: activity.id, ..file }, ctx)?;
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

/// Inserts all activities in the caller's transaction, with one audit entry.
pub fn import(c: &mut dyn Conn, all: &[ActivityFields], source: &str, ctx: &AuditCtx) -> Result<usize> {
    let mut orgs = std::collections::BTreeSet::new();
    let (mut children, mut bumps) = (Children::default(), Bumps::default());
    for f in all {
        let id = insert_row(c, f, ctx)?;
        children.add(id, f);
        bumps.add(f, 1, 0);
        orgs.insert(f.org_id);
    }
    children.write(c)?;
    bumps.write(c)?;
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
    audit::append(
        c,
        &AuditRecord::new(ctx, "update", "activity")
            .entity_id(id)
            .org(f.org_id)
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(serde_json::to_value(&after).unwrap_or_default()),
    )?;
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
    audit::append(
        c,
        &AuditRecord::new(ctx, "delete", "activity")
            .entity_id(id)
            .org(before.fields.org_id)
            .before(serde_json::to_value(&before).unwrap_or_default()),
    )
}

/// The FROM and WHERE of an activity query, with its parameters.
fn filter_sql(q: &ActivityQuery) -> (String, Vec<Value>) {
    let mut args: Vec<Value> = vec![format!("{}%", like_escape(&q.scope_path)).into()];
    let mut sql = String::from("FROM activities a JOIN orgs o ON o.id = a.org_id WHERE o.path LIKE $1 ESCAPE '\\'");
    let mut filter = |cond: &str, value: Value| {
        args.push(value);
        sql.push_str(&format!(" AND {}", cond.replace('?', &format!("${}", args.len()))));
    };
    if let Some(kind) = q.kind.as_ref().filter(|k| !k.is_empty()) {
        filter("a.kind = ?", kind.into());
    }
    if let Some(area) = q.work_area_id {
        filter("a.work_area_id = ?", area.into());
    }
    if let Some(campaign) = q.campaign_id {
        filter("a.campaign_id = ?", campaign.into());
    }
    if let Some(from) = q.from {
        filter("a.date >= ?", from.into());
    }
    if let Some(to) = q.to {
        filter("a.date <= ?", to.into());
    }
    if !q.text.trim().is_empty() {
        filter("a.title LIKE ? ESCAPE '\\'", format!("%{}%", like_escape(q.text.trim())).into());
    }
    if q.unreported {
        filter("a.kind = ?", VOLUNTEER_KIND.into());
        sql.push_str(" AND a.reported_on IS NULL");
    }
    if q.without_evidence {
        sql.push_str(" AND NOT EXISTS (SELECT 1 FROM evidence e WHERE e.activity_id = a.id)");
    }
    if !q.ids.is_empty() {
        let placeholders: Vec<String> = q
            .ids
            .iter()
            .map(|id| {
                args.push((*id).into());
                format!("${}", args.len())
            })
            .collect();
        sql.push_str(&format!(" AND a.id IN ({})", placeholders.join(", ")));
    }
    (sql, args)
}

/// The count of an activity query from the monthly aggregate, when the query
/// asks only what the aggregate knows: whole months, kind, work area, and either
/// "without evidence" or "unreported". A county's ledger spans hundreds of
/// thousands of activities; counting them row by row is what this avoids.
fn aggregate_count_sql(q: &ActivityQuery) -> Option<(String, Vec<Value>)> {
    let whole_months = q.from.is_none_or(|d| d.day() == 1) && q.to.is_none_or(|d| (d + Days::new(1)).day() == 1);
    if !whole_months
        || !q.text.trim().is_empty()
        || q.campaign_id.is_some()
        || !q.ids.is_empty()
        || (q.unreported && q.without_evidence)
    {
        return None;
    }
    let measure = if q.unreported {
        "c.n - c.reported"
    } else if q.without_evidence {
        "c.n - c.with_evidence"
    } else {
        "c.n"
    };
    let mut args: Vec<Value> = vec![format!("{}%", like_escape(&q.scope_path)).into()];
    let mut sql = format!(
        "SELECT CAST(COALESCE(SUM({measure}), 0) AS BIGINT) AS n
         FROM activity_counts c JOIN orgs o ON o.id = c.org_id WHERE o.path LIKE $1 ESCAPE '\\'"
    );
    let mut filter = |cond: &str, value: Value| {
        args.push(value);
        sql.push_str(&format!(" AND {}", cond.replace('?', &format!("${}", args.len()))));
    };
    let kind = if q.unreported { Some(VOLUNTEER_KIND) } else { q.kind.as_deref().filter(|k| !k.is_empty()) };
    if let Some(kind) = kind {
        filter("c.kind = ?", kind.into());
    }
    if q.unreported && q.kind.as_deref().is_some_and(|k| !k.is_empty() && k != VOLUNTEER_KIND) {
        // Unreported activities of another kind: there are none.
        filter("c.kind = ?", "".into());
    }
    if let Some(area) = q.work_area_id {
        filter("c.area_id = ?", area.into());
    }
    if let Some(from) = q.from {
        filter("c.month >= ?", month_key(from).into());
    }
    if let Some(to) = q.to {
        filter("c.month <= ?", month_key(to).into());
    }
    Some((sql, args))
}

pub fn count_matching(c: &mut dyn Conn, q: &ActivityQuery) -> Result<u64> {
    let (sql, args) = aggregate_count_sql(q).unwrap_or_else(|| {
        let (sql, args) = filter_sql(q);
        (format!("SELECT COUNT(*) AS n {sql}"), args)
    });
    Ok(c.query_one(&sql, &args)?.i64("n")?.max(0) as u64)
}

pub fn list(c: &mut dyn Conn, q: &ActivityQuery) -> Result<Page<ActivityRow>> {
    let total = count_matching(c, q)?;
    let (sql, mut args) = filter_sql(q);
    let n = args.len();
    args.push(i64::from(q.per_page).into());
    args.push(offset(q.page, q.per_page).into());
    let rows = c.query(
        &format!(
            "SELECT a.id, a.org_id, o.name AS org_name, a.kind, a.title, a.date, a.place, a.host, a.reported_on,
                (SELECT COUNT(*) FROM evidence e WHERE e.activity_id = a.id) AS evidence_count,
                (SELECT MIN(e.id) FROM evidence e WHERE e.activity_id = a.id AND e.thumbnail IS NOT NULL) AS first_image
             {sql}
             ORDER BY a.date DESC, a.id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        ),
        &args,
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
        .collect::<DbResult<_>>()?;
    Ok(Page { items, total, page: q.page, per_page: q.per_page })
}

pub fn day_counts(
    c: &mut dyn Conn,
    scope_path: &str,
    kinds: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Id, String, NaiveDate, u32)>> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<Value> = vec![format!("{}%", like_escape(scope_path)).into(), from.into(), to.into()];
    let placeholders: Vec<String> = kinds
        .iter()
        .map(|k| {
            args.push(k.into());
            format!("${}", args.len())
        })
        .collect();
    let rows = c.query(
        &format!(
            "SELECT a.org_id, a.kind, a.date, COUNT(*) AS n FROM activities a JOIN orgs o ON o.id = a.org_id
             WHERE o.path LIKE $1 ESCAPE '\\' AND a.date >= $2 AND a.date <= $3 AND a.kind IN ({})
             GROUP BY a.org_id, a.kind, a.date",
            placeholders.join(", ")
        ),
        &args,
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok((
                r.i64("org_id")?,
                r.text("kind")?,
                r.opt_date("date")?.unwrap_or_default(),
                u32::try_from(r.i64("n")?).unwrap_or(0),
            ))
        })
        .collect::<DbResult<_>>()?)
}

/// The latest month ("2020-06") with activities in a subtree, from the
/// monthly counts.
pub fn latest_month(c: &mut dyn Conn, scope_path: &str) -> Result<Option<String>> {
    let row = c.query_one(
        "SELECT MAX(c.month) AS m FROM activity_counts c JOIN orgs o ON o.id = c.org_id
         WHERE o.path LIKE $1 ESCAPE '\\' AND c.n > 0",
        params![format!("{}%", like_escape(scope_path))],
    )?;
    Ok(row.opt_text("m")?)
}

pub fn counts(c: &mut dyn Conn, scope_path: &str, from_month: &str, to_month: &str) -> Result<ActivityCounts> {
    let rows = c.query(
        "SELECT c.kind, c.area_id, c.month, CAST(SUM(c.n) AS BIGINT) AS n,
                CAST(SUM(c.with_evidence) AS BIGINT) AS with_evidence, CAST(SUM(c.reported) AS BIGINT) AS reported
         FROM activity_counts c JOIN orgs o ON o.id = c.org_id
         WHERE o.path LIKE $1 ESCAPE '\\' AND c.month >= $2 AND c.month <= $3
         GROUP BY c.kind, c.area_id, c.month",
        params![format!("{}%", like_escape(scope_path)), from_month, to_month],
    )?;
    let mut out = ActivityCounts::default();
    for r in &rows {
        let (kind, area, month, n) = (r.text("kind")?, r.i64("area_id")?, r.text("month")?, r.i64("n")?.max(0) as u64);
        if n == 0 {
            continue;
        }
        out.total += n;
        out.with_evidence += r.i64("with_evidence")?.max(0) as u64;
        let reported = r.i64("reported")?.max(0) as u64;
        if reported > 0 {
            match out.reported_by_kind.iter_mut().find(|(k, _)| *k == kind) {
                Some(entry) => entry.1 += reported,
                None => out.reported_by_kind.push((kind.clone(), reported)),
            }
        }
        match out.by_kind.iter_mut().find(|(k, _)| *k == kind) {
            Some(entry) => entry.1 += n,
            None => out.by_kind.push((kind.clone(), n)),
        }
        let area = (area != 0).then_some(area);
        match out.by_area.iter_mut().find(|(a, _)| *a == area) {
            Some(entry) => entry.1 += n,
            None => out.by_area.push((area, n)),
        }
        match out.by_month.iter_mut().find(|(m, k, _)| *m == month && *k == kind) {
            Some(entry) => entry.2 += n,
            None => out.by_month.push((month, kind, n)),
        }
    }
    out.by_kind.sort();
    out.reported_by_kind.sort();
    out.by_area.sort();
    out.by_month.sort();
    Ok(out)
}

const EVIDENCE_COLUMNS: &str = "id, activity_id, file_name, content_type, size, sha256, thumbnail IS NOT NULL AS has_thumbnail, created_at, created_by";

fn evidence_from_row(r: &Row) -> DbResult<Evidence> {
    Ok(Evidence {
        id: r.i64("id")?,
        activity_id: r.i64("activity_id")?,
        file_name: r.text("file_name")?,
        content_type: r.text("content_type")?,
        size: r.i64("size")?.max(0) as u64,
        sha256: r.text("sha256")?,
        has_thumbnail: r.bool("has_thumbnail")?,
        created_at: r.ts("created_at")?,
        created_by: r.text("created_by")?,
    })
}

pub fn evidence_get(c: &mut dyn Conn, id: Id) -> Result<Option<Evidence>> {
    let row = c.query_opt(&format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE id = $1"), params![id])?;
    Ok(row.as_ref().map(evidence_from_row).transpose()?)
}

pub fn evidence_list(c: &mut dyn Conn, activity_id: Id) -> Result<Vec<Evidence>> {
    let rows = c.query(
        &format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE activity_id = $1 ORDER BY id"),
        params![activity_id],
    )?;
    Ok(rows.iter().map(evidence_from_row).collect::<DbResult<_>>()?)
}

pub fn evidence_data(c: &mut dyn Conn, id: Id, thumbnail: bool) -> Result<Option<Vec<u8>>> {
    let column = if thumbnail { "thumbnail" } else { "data" };
    let row = c.query_opt(&format!("SELECT {column} AS bytes FROM evidence WHERE id = $1"), params![id])?;
    Ok(row.and_then(|r| r.bytes("bytes").ok().flatten()))
}

pub fn evidence_add(c: &mut dyn Conn, e: &NewEvidence, ctx: &AuditCtx) -> Result<Evidence> {
    let activity = get(c, e.activity_id)?.ok_or(Error::NotFound)?;
    let id = c
        .query_one(
            "INSERT INTO evidence (activity_id, file_name, content_type, size, sha256, data, thumbnail, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                e.activity_id.into(),
                (&e.file_name).into(),
                (&e.content_type).into(),
                (e.bytes.len() as i64).into(),
                (&e.sha256).into(),
                Value::Bytes(e.bytes.clone()),
                e.thumbnail.clone().map_or(Value::Null, Value::Bytes),
                ctx.at.into(),
                (&ctx.username).into(),
            ],
        )?
        .i64("id")?;
    if evidence_files(c, e.activity_id)? == 1 {
        bump(c, &activity.fields, 0, 1)?;
    }
    let stored = evidence_get(c, id)?.ok_or(Error::NotFound)?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "evidence")
            .entity_id(id)
            .org(activity.fields.org_id)
            .after(serde_json::to_value(&stored).unwrap_or_default())
            .detail(format!("为“{}”上传佐证材料", activity.fields.title)),
    )?;
    Ok(stored)
}

pub fn evidence_delete(c: &mut dyn Conn, id: Id, ctx: &AuditCtx) -> Result<()> {
    let before = evidence_get(c, id)?.ok_or(Error::NotFound)?;
    let activity = get(c, before.activity_id)?.ok_or(Error::NotFound)?;
    c.execute("DELETE FROM evidence WHERE id = $1", params![id])?;
    if evidence_files(c, before.activity_id)? == 0 {
        bump(c, &activity.fields, 0, -1)?;
    }
    audit::append(
        c,
        &AuditRecord::new(ctx, "delete", "evidence")
            .entity_id(id)
            .org(activity.fields.org_id)
            .before(serde_json::to_value(&before).unwrap_or_default()),
    )
}

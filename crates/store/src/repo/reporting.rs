//! Upward reporting: report tasks, submissions with their snapshots and
//! thread, reminders, and the lock an approved submission puts on the
//! period's activities.

use chrono::NaiveDate;
use taizhang_core::model::{AuditCtx, Id, OrgKind};
use taizhang_core::reporting::{
    Cadence, Comment, CommentKind, FigureValue, Reminder, ReportField, ReportTask, Snapshot, State, Submission,
};
use taizhang_core::store::{ReportLock, SubmissionChange};
use taizhang_core::{Error, Result};

use super::sql::{audit_action, audit_change, placeholders, scope};
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};

const TASK_COLUMNS: &str = "t.id, t.org_id, o.path AS org_path, t.name, t.cadence, t.first_period, t.last_period, \
                            t.due_days, t.org_kinds, t.fields, t.attach_summary, t.note, t.created_at, t.created_by";

fn json_err(what: &str, e: serde_json::Error) -> DbError {
    DbError::Other(format!("{what}: {e}"))
}

fn task_from_row(r: &Row) -> DbResult<ReportTask> {
    let cadence = r.text("cadence")?;
    let kinds = r.text("org_kinds")?;
    let fields: Vec<ReportField> = serde_json::from_str(&r.text("fields")?).map_err(|e| json_err("fields", e))?;
    Ok(ReportTask {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        org_path: r.text("org_path")?,
        name: r.text("name")?,
        cadence: Cadence::parse(&cadence).ok_or_else(|| DbError::Other(format!("cadence {cadence}")))?,
        first_period: r.text("first_period")?,
        last_period: r.opt_text("last_period")?,
        due_days: r.i64("due_days")?,
        org_kinds: kinds.split(',').filter(|k| !k.is_empty()).filter_map(OrgKind::parse).collect(),
        fields,
        attach_summary: r.bool("attach_summary")?,
        note: r.text("note")?,
        created_at: r.ts("created_at")?,
        created_by: r.text("created_by")?,
    })
}

pub fn task_get(c: &mut dyn Conn, id: Id) -> Result<Option<ReportTask>> {
    let row = c.query_opt(
        &format!("SELECT {TASK_COLUMNS} FROM report_tasks t JOIN orgs o ON o.id = t.org_id WHERE t.id = $1"),
        params![id],
    )?;
    Ok(row.as_ref().map(task_from_row).transpose()?)
}

/// Tasks set by the orgs of the subtree at `scope_path` or by the orgs above it.
pub fn tasks(c: &mut dyn Conn, scope_path: &str) -> Result<Vec<ReportTask>> {
    let rows = c.query(
        &format!(
            "SELECT {TASK_COLUMNS} FROM report_tasks t JOIN orgs o ON o.id = t.org_id
             WHERE o.path LIKE $1 ESCAPE '\\' OR $2 LIKE o.path || '%'
             ORDER BY t.id DESC"
        ),
        &[scope(scope_path), scope_path.into()],
    )?;
    Ok(rows.iter().map(task_from_row).collect::<DbResult<_>>()?)
}

pub fn task_create(c: &mut dyn Conn, t: &ReportTask, ctx: &AuditCtx) -> Result<ReportTask> {
    let kinds: Vec<&str> = t.org_kinds.iter().map(|k| k.as_str()).collect();
    let fields = serde_json::to_string(&t.fields).map_err(|e| Error::Storage(e.to_string()))?;
    let row = c.query_one(
        "INSERT INTO report_tasks (org_id, name, cadence, first_period, last_period, due_days, org_kinds, fields,
                                   attach_summary, locks, note, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        params![
            t.org_id,
            t.name.clone(),
            t.cadence.as_str(),
            t.first_period.clone(),
            t.last_period.clone(),
            t.due_days,
            kinds.join(","),
            fields,
            t.attach_summary,
            t.locks_activities(),
            t.note.clone(),
            ctx.at,
            ctx.username.clone()
        ],
    )?;
    let id = row.i64("id")?;
    let saved = task_get(c, id)?.ok_or(Error::NotFound)?;
    let audited = serde_json::json!({
        "name": saved.name,
        "cadence": saved.cadence.as_str(),
        "first_period": saved.first_period,
        "last_period": saved.last_period,
        "due_days": saved.due_days,
        "org_kinds": saved.org_kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join("、"),
        "fields": saved.fields.iter().map(|f| f.label.as_str()).collect::<Vec<_>>().join("、"),
        "attach_summary": saved.attach_summary,
        "note": saved.note,
    });
    audit_change(c, ctx, "report_task", id, t.org_id, None, Some(&audited))?;
    Ok(saved)
}

const SUBMISSION_COLUMNS: &str = "s.id, s.task_id, s.org_id, o.path AS org_path, s.period, s.period_start, \
    s.period_end, s.due_on, s.state, s.figures, s.summary_id, s.round, s.hash, s.submitted_at, s.submitted_by, \
    s.first_submitted_on, s.decided_at, s.decided_by, s.updated_at, s.updated_by";

fn date(r: &Row, name: &str) -> DbResult<NaiveDate> {
    r.opt_date(name)?.ok_or_else(|| DbError::Other(format!("column {name} is null")))
}

fn submission_from_row(r: &Row) -> DbResult<Submission> {
    let state = r.text("state")?;
    Ok(Submission {
        id: r.i64("id")?,
        task_id: r.i64("task_id")?,
        org_id: r.i64("org_id")?,
        org_path: r.text("org_path")?,
        period: r.text("period")?,
        period_start: date(r, "period_start")?,
        period_end: date(r, "period_end")?,
        due_on: date(r, "due_on")?,
        state: State::parse(&state).ok_or_else(|| DbError::Other(format!("state {state}")))?,
        figures: serde_json::from_str(&r.text("figures")?).map_err(|e| json_err("figures", e))?,
        summary_id: r.opt_i64("summary_id")?,
        round: r.i64("round")?,
        hash: r.text("hash")?,
        submitted_at: r.opt_ts("submitted_at")?,
        submitted_by: r.opt_text("submitted_by")?,
        first_submitted_on: r.opt_date("first_submitted_on")?,
        decided_at: r.opt_ts("decided_at")?,
        decided_by: r.opt_text("decided_by")?,
        updated_at: r.ts("updated_at")?,
        updated_by: r.text("updated_by")?,
    })
}

fn submissions_where(c: &mut dyn Conn, filter: &str, args: &[Value]) -> Result<Vec<Submission>> {
    let rows = c.query(
        &format!(
            "SELECT {SUBMISSION_COLUMNS} FROM report_submissions s JOIN orgs o ON o.id = s.org_id
             WHERE {filter} ORDER BY s.period DESC, o.path, s.id"
        ),
        args,
    )?;
    Ok(rows.iter().map(submission_from_row).collect::<DbResult<_>>()?)
}

pub fn submission_get(c: &mut dyn Conn, task_id: Id, org_id: Id, period: &str) -> Result<Option<Submission>> {
    Ok(submissions_where(c, "s.task_id = $1 AND s.period = $2 AND s.org_id = $3", params![task_id, period, org_id])?
        .into_iter()
        .next())
}

/// A task's submissions of these periods by the orgs of a subtree.
pub fn submissions(c: &mut dyn Conn, task_id: Id, scope_path: &str, periods: &[String]) -> Result<Vec<Submission>> {
    if periods.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = vec![Value::Int(task_id), scope(scope_path)];
    args.extend(periods.iter().map(|p| Value::from(p.clone())));
    submissions_where(
        c,
        &format!("s.task_id = $1 AND o.path LIKE $2 ESCAPE '\\' AND s.period IN ({})", placeholders(3, periods.len())),
        &args,
    )
}

/// Submissions of the subtree at `scope_path` in these states, any task.
pub fn submissions_in(c: &mut dyn Conn, scope_path: &str, states: &[State]) -> Result<Vec<Submission>> {
    let mut args = vec![scope(scope_path)];
    args.extend(states.iter().map(|s| Value::from(s.as_str())));
    submissions_where(
        c,
        &format!("o.path LIKE $1 ESCAPE '\\' AND s.state IN ({})", placeholders(2, states.len())),
        &args,
    )
}

/// Stores a submission's new state (inserting it the first time), with the
/// snapshot of a round submitted and the comment of a decision, and its
/// audit entry, all in one transaction. `expected` is the state the caller
/// read: a submission changed meanwhile is a conflict, not overwritten.
pub fn submission_save(c: &mut dyn Conn, change: &SubmissionChange, ctx: &AuditCtx) -> Result<Submission> {
    let s = &change.submission;
    let figures = serde_json::to_string(&s.figures).map_err(|e| Error::Storage(e.to_string()))?;
    let before = submission_get(c, s.task_id, s.org_id, &s.period)?;
    if before.as_ref().map_or(State::Missing, |b| b.state) != change.expected
        || before.as_ref().is_some_and(|b| b.round != s.round - i64::from(change.snapshot))
    {
        return Err(Error::conflict("state", "该报送已被他人处理，请刷新后再试"));
    }
    let mut values: Vec<Value> = params![
        s.state.as_str(),
        figures.clone(),
        s.summary_id,
        s.round,
        s.hash.clone(),
        s.submitted_at,
        s.submitted_by.clone(),
        s.first_submitted_on,
        s.decided_at,
        s.decided_by.clone(),
        ctx.at,
        ctx.username.clone(),
        s.task_id,
        s.org_id,
        s.period.clone()
    ]
    .to_vec();
    let changed_meanwhile = || Error::conflict("state", "该报送已被他人处理，请刷新后再试");
    let id = match &before {
        Some(b) => {
            values.extend(params![b.state.as_str(), b.round].iter().cloned());
            let n = c.execute(
                "UPDATE report_submissions SET state = $1, figures = $2, summary_id = $3, round = $4, hash = $5,
                        submitted_at = $6, submitted_by = $7, first_submitted_on = $8, decided_at = $9,
                        decided_by = $10, updated_at = $11, updated_by = $12
                 WHERE task_id = $13 AND org_id = $14 AND period = $15 AND state = $16 AND round = $17",
                &values,
            )?;
            if n != 1 {
                return Err(changed_meanwhile());
            }
            b.id
        }
        None => {
            values.extend(params![s.period_start, s.period_end, s.due_on].iter().cloned());
            let inserted = c.query_one(
                "INSERT INTO report_submissions (state, figures, summary_id, round, hash, submitted_at, submitted_by,
                        first_submitted_on, decided_at, decided_by, updated_at, updated_by, task_id, org_id, period,
                        period_start, period_end, due_on)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                 RETURNING id",
                &values,
            );
            match inserted {
                Ok(row) => row.i64("id")?,
                Err(DbError::Unique(_)) => return Err(changed_meanwhile()),
                Err(e) => return Err(e.into()),
            }
        }
    };
    if change.snapshot {
        c.execute(
            "INSERT INTO report_snapshots (submission_id, round, figures, summary_id, hash, submitted_at, submitted_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            params![id, s.round, figures, s.summary_id, s.hash.clone(), ctx.at, ctx.username.clone()],
        )?;
    }
    if let Some((kind, text)) = &change.comment {
        comment_add(c, id, *kind, text, ctx)?;
    }
    let saved = submission_get(c, s.task_id, s.org_id, &s.period)?.ok_or(Error::NotFound)?;
    let audited = serde_json::json!({
        "task_id": saved.task_id,
        "period": saved.period,
        "state": saved.state.as_str(),
        "round": saved.round,
        "figures": figures_text(&saved.figures),
        "reason": change.comment.as_ref().map(|(_, t)| t.clone()).filter(|t| !t.is_empty()),
    });
    audit_action(c, ctx, &change.action, "report_submission", id, saved.org_id, &audited)?;
    Ok(saved)
}

/// The figures as the audit log shows them: "第1项 3；第2项 15（原因：漏记）".
fn figures_text(figures: &[FigureValue]) -> String {
    figures
        .iter()
        .map(|f| {
            let n = f.key.trim_start_matches('f');
            let reason = if f.reason.is_empty() { String::new() } else { format!("（原因：{}）", f.reason) };
            format!("第{n}项 {}{reason}", f.value)
        })
        .collect::<Vec<_>>()
        .join("；")
}

fn comment_add(c: &mut dyn Conn, submission_id: Id, kind: CommentKind, text: &str, ctx: &AuditCtx) -> Result<()> {
    c.execute(
        "INSERT INTO report_comments (submission_id, kind, text, written_at, written_by) VALUES ($1, $2, $3, $4, $5)",
        params![submission_id, kind.as_str(), text, ctx.at, ctx.username.clone()],
    )?;
    Ok(())
}

/// Adds a comment to a submission's thread (with its audit entry).
pub fn comment(c: &mut dyn Conn, submission: &Submission, text: &str, ctx: &AuditCtx) -> Result<()> {
    comment_add(c, submission.id, CommentKind::Comment, text, ctx)?;
    audit_action(
        c,
        ctx,
        "comment",
        "report_submission",
        submission.id,
        submission.org_id,
        &serde_json::json!({ "text": text }),
    )
}

pub fn comments(c: &mut dyn Conn, submission_id: Id) -> Result<Vec<Comment>> {
    let rows = c.query(
        "SELECT id, kind, text, written_at, written_by FROM report_comments WHERE submission_id = $1 ORDER BY id",
        params![submission_id],
    )?;
    let read = |r: &Row| -> DbResult<Comment> {
        let kind = r.text("kind")?;
        Ok(Comment {
            id: r.i64("id")?,
            kind: CommentKind::parse(&kind).ok_or_else(|| DbError::Other(format!("comment kind {kind}")))?,
            text: r.text("text")?,
            at: r.ts("written_at")?,
            by: r.text("written_by")?,
        })
    };
    Ok(rows.iter().map(read).collect::<DbResult<_>>()?)
}

pub fn snapshots(c: &mut dyn Conn, submission_id: Id) -> Result<Vec<Snapshot>> {
    let rows = c.query(
        "SELECT round, figures, summary_id, hash, submitted_at, submitted_by FROM report_snapshots
         WHERE submission_id = $1 ORDER BY round",
        params![submission_id],
    )?;
    let read = |r: &Row| -> DbResult<Snapshot> {
        let figures: Vec<FigureValue> =
            serde_json::from_str(&r.text("figures")?).map_err(|e| json_err("figures", e))?;
        Ok(Snapshot {
            round: r.i64("round")?,
            figures,
            summary_id: r.opt_i64("summary_id")?,
            hash: r.text("hash")?,
            submitted_at: r.ts("submitted_at")?,
            submitted_by: r.text("submitted_by")?,
        })
    };
    Ok(rows.iter().map(read).collect::<DbResult<_>>()?)
}

pub fn remind(c: &mut dyn Conn, task_id: Id, org_id: Id, period: &str, ctx: &AuditCtx) -> Result<()> {
    let id = c
        .query_one(
            "INSERT INTO report_reminders (task_id, org_id, period, written_at, written_by)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            params![task_id, org_id, period, ctx.at, ctx.username.clone()],
        )?
        .i64("id")?;
    audit_action(
        c,
        ctx,
        "remind",
        "report_reminder",
        id,
        org_id,
        &serde_json::json!({ "task_id": task_id, "period": period }),
    )
}

/// Reminders to the orgs of a subtree, newest first.
pub fn reminders(c: &mut dyn Conn, scope_path: &str) -> Result<Vec<Reminder>> {
    let rows = c.query(
        "SELECT r.task_id, r.org_id, r.period, r.written_at, r.written_by FROM report_reminders r
         JOIN orgs o ON o.id = r.org_id WHERE o.path LIKE $1 ESCAPE '\\' ORDER BY r.id DESC",
        &[scope(scope_path)],
    )?;
    let read = |r: &Row| -> DbResult<Reminder> {
        Ok(Reminder {
            task_id: r.i64("task_id")?,
            org_id: r.i64("org_id")?,
            period: r.text("period")?,
            at: r.ts("written_at")?,
            by: r.text("written_by")?,
        })
    };
    Ok(rows.iter().map(read).collect::<DbResult<_>>()?)
}

/// The approved submission, if any, whose lock covers an activity of the
/// org at `org_path` on `day`.
pub fn lock_on(c: &mut dyn Conn, org_path: &str, day: NaiveDate) -> Result<Option<ReportLock>> {
    let row = c.query_opt(
        "SELECT t.name AS task, s.period, o.name AS org FROM report_submissions s
         JOIN report_tasks t ON t.id = s.task_id JOIN orgs o ON o.id = s.org_id
         WHERE s.state = 'approved' AND t.locks AND s.period_start <= $2 AND s.period_end >= $2
           AND $1 LIKE o.path || '%'
         ORDER BY s.id LIMIT 1",
        params![org_path, day],
    )?;
    let read = |r: &Row| -> DbResult<ReportLock> {
        Ok(ReportLock { task: r.text("task")?, period: r.text("period")?, org: r.text("org")? })
    };
    Ok(row.as_ref().map(read).transpose()?)
}

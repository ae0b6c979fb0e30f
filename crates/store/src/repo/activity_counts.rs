//! Counts of activities: the monthly aggregate (`activity_counts`) kept up to
//! date with every write, the counts read from it, per-day counts and
//! volunteer hours.

use chrono::{Datelike, Days, NaiveDate};
use taizhang_core::Result;
use taizhang_core::ledger::*;
use taizhang_core::model::Id;

use super::activities::filter_sql;
use super::sql::{Filter, insert_rows, placeholders, scope, upsert_rows};
use crate::conn::{Conn, DbResult, Value, params};

pub(super) fn month_key(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

const BUMP_COLUMNS: [&str; 7] = ["org_id", "kind", "area_id", "month", "n", "with_evidence", "reported"];

/// A bump adds to the bucket already there.
const ADD_TO_BUCKET: &str =
    "ON CONFLICT (org_id, kind, area_id, month) DO UPDATE SET n = activity_counts.n + excluded.n,
     with_evidence = activity_counts.with_evidence + excluded.with_evidence,
     reported = activity_counts.reported + excluded.reported";

/// Changes to the monthly aggregate, summed per bucket (org, kind, area, month)
/// and written with one statement per 500 buckets.
#[derive(Default)]
pub(super) struct Bumps(std::collections::BTreeMap<(Id, String, Id, String), [i64; 3]>);

impl Bumps {
    /// Adds `n` activities to this activity's bucket: to `n`, to `with_evidence`
    /// when it has evidence and to `reported` when it was reported. `n` 0 with
    /// `with_evidence` ±1 records evidence gained or lost.
    pub(super) fn add(&mut self, f: &ActivityFields, n: i64, with_evidence: i64) {
        let key = (f.org_id, f.kind.clone(), f.work_area_id.unwrap_or(0), month_key(f.date));
        let entry = self.0.entry(key).or_default();
        entry[0] += n;
        entry[1] += with_evidence;
        entry[2] += if f.reported_on.is_some() { n } else { 0 };
    }

    fn rows(self) -> impl Iterator<Item = Vec<Value>> {
        self.0.into_iter().filter(|(_, d)| *d != [0; 3]).map(|((org, kind, area, month), [n, e, r])| {
            vec![org.into(), kind.into(), area.into(), month.into(), n.into(), e.into(), r.into()]
        })
    }

    pub(super) fn write(self, c: &mut dyn Conn) -> Result<()> {
        insert_rows(
            c,
            &format!("INSERT INTO activity_counts ({})", BUMP_COLUMNS.join(", ")),
            ADD_TO_BUCKET,
            self.rows(),
        )?;
        Ok(())
    }

    /// [`Self::write`] for an import's many buckets (about one per activity
    /// over years of records): through a COPY on PostgreSQL.
    pub(super) fn copy(self, c: &mut dyn Conn) -> Result<()> {
        upsert_rows(c, "activity_counts", &BUMP_COLUMNS, self.rows().collect(), ADD_TO_BUCKET)?;
        Ok(())
    }
}

/// Adds `n` activities (and `with_evidence` of them with evidence) to the
/// monthly bucket of this activity.
pub(super) fn bump(c: &mut dyn Conn, f: &ActivityFields, n: i64, with_evidence: i64) -> Result<()> {
    let mut bumps = Bumps::default();
    bumps.add(f, n, with_evidence);
    bumps.write(c)
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
    let mut f = Filter::new(vec![scope(&q.scope_path)]);
    let kind = if q.unreported { Some(VOLUNTEER_KIND) } else { q.kind.as_deref().filter(|k| !k.is_empty()) };
    if let Some(kind) = kind {
        f.and("c.kind = ?", kind);
    }
    if q.unreported && q.kind.as_deref().is_some_and(|k| !k.is_empty() && k != VOLUNTEER_KIND) {
        // Unreported activities of another kind: there are none.
        f.and("c.kind = ?", "");
    }
    if let Some(area) = q.work_area_id {
        f.and("c.area_id = ?", area);
    }
    if let Some(from) = q.from {
        f.and("c.month >= ?", month_key(from));
    }
    if let Some(to) = q.to {
        f.and("c.month <= ?", month_key(to));
    }
    let sql = format!(
        "SELECT CAST(COALESCE(SUM({measure}), 0) AS BIGINT) AS n
         FROM activity_counts c JOIN orgs o ON o.id = c.org_id WHERE o.path LIKE $1 ESCAPE '\\'{}",
        f.and_clause()
    );
    Some((sql, f.args))
}

pub fn count_matching(c: &mut dyn Conn, q: &ActivityQuery) -> Result<u64> {
    let (sql, args) = aggregate_count_sql(q).unwrap_or_else(|| {
        let (sql, args) = filter_sql(q);
        (format!("SELECT COUNT(*) AS n {sql}"), args)
    });
    Ok(c.query_one(&sql, &args)?.i64("n")?.max(0) as u64)
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
    let mut args = vec![scope(scope_path), from.into(), to.into()];
    args.extend(kinds.iter().map(Value::from));
    let rows = c.query(
        &format!(
            "SELECT a.org_id, a.kind, a.date, COUNT(*) AS n FROM activities a JOIN orgs o ON o.id = a.org_id
             WHERE o.path LIKE $1 ESCAPE '\\' AND a.date >= $2 AND a.date <= $3 AND a.kind IN ({})
             GROUP BY a.org_id, a.kind, a.date",
            placeholders(4, kinds.len())
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
        params![scope(scope_path)],
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
        params![scope(scope_path), from_month, to_month],
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
        params![scope(scope_path), from, to],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok((r.i64("id")?, r.text("name")?, r.i64("activities")?.max(0) as u64, r.opt_f64("hours")?.unwrap_or(0.0)))
        })
        .collect::<DbResult<_>>()?)
}

//! Indicators (统计指标) and their values per org and period. Values are
//! kept as ten-thousandths in an integer column, exact on both engines.

use taizhang_core::indicator::{Aggregate, Decimal, Indicator, IndicatorValue, ValueChange};
use taizhang_core::model::{AuditCtx, AuditRecord, Id, OrgKind};
use taizhang_core::{Error, Result};

use super::audit;
use super::sql::{audit_change, id_values, placeholders, scope};
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};

const COLUMNS: &str = "i.id, i.org_id, o.path AS org_path, i.org_kind, i.name, i.unit, i.decimals, i.aggregate, \
                       i.sort, i.created_at, i.created_by";

fn from_row(r: &Row) -> DbResult<Indicator> {
    let aggregate = r.text("aggregate")?;
    let org_kind = r.opt_text("org_kind")?;
    Ok(Indicator {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        org_path: r.text("org_path")?,
        org_kind: match org_kind.as_deref() {
            None | Some("") => None,
            Some(k) => Some(OrgKind::parse(k).ok_or_else(|| DbError::Other(format!("org kind {k}")))?),
        },
        name: r.text("name")?,
        unit: r.text("unit")?,
        decimals: r.i64("decimals")?.clamp(0, 4) as u8,
        aggregate: Aggregate::parse(&aggregate).ok_or_else(|| DbError::Other(format!("aggregate {aggregate}")))?,
        sort: r.i64("sort")?,
        created_at: r.ts("created_at")?,
        created_by: r.text("created_by")?,
    })
}

/// Indicators defined in the subtree at `scope_path` or by the orgs `also`.
pub fn list(c: &mut dyn Conn, scope_path: &str, also: &[Id]) -> Result<Vec<Indicator>> {
    let mut args = vec![scope(scope_path)];
    let mut filter = "o.path LIKE $1 ESCAPE '\\'".to_owned();
    if !also.is_empty() {
        filter = format!("({filter} OR i.org_id IN ({}))", placeholders(2, also.len()));
        args.extend(id_values(also));
    }
    let rows = c.query(
        &format!(
            "SELECT {COLUMNS} FROM indicators i JOIN orgs o ON o.id = i.org_id WHERE {filter}
             ORDER BY LENGTH(o.path), o.path, i.sort, i.id"
        ),
        &args,
    )?;
    Ok(rows.iter().map(from_row).collect::<DbResult<_>>()?)
}

pub fn get(c: &mut dyn Conn, id: Id) -> Result<Option<Indicator>> {
    let row = c.query_opt(
        &format!("SELECT {COLUMNS} FROM indicators i JOIN orgs o ON o.id = i.org_id WHERE i.id = $1"),
        params![id],
    )?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// The definition as the audit log keeps it (without the path, which is the org's).
fn audited(i: &Indicator) -> serde_json::Value {
    serde_json::json!({
        "org_id": i.org_id,
        "org_kind": i.org_kind.map(|k| k.as_str()),
        "name": i.name,
        "unit": i.unit,
        "decimals": i.decimals,
        "aggregate": i.aggregate.as_str(),
        "sort": i.sort,
    })
}

pub fn save(c: &mut dyn Conn, i: &Indicator, ctx: &AuditCtx) -> Result<Indicator> {
    let before = if i.id > 0 { Some(get(c, i.id)?.ok_or(Error::NotFound)?) } else { None };
    let conflict = |e: DbError| match e {
        DbError::Unique(_) => Error::conflict("name", format!("本组织已有名为“{}”的指标", i.name)),
        other => other.into(),
    };
    let kind = i.org_kind.map(|k| k.as_str());
    let id = match &before {
        Some(_) => {
            c.execute(
                "UPDATE indicators SET org_kind = $1, name = $2, unit = $3, decimals = $4, aggregate = $5, sort = $6
                 WHERE id = $7",
                params![kind, &i.name, &i.unit, i64::from(i.decimals), i.aggregate.as_str(), i.sort, i.id],
            )
            .map_err(conflict)?;
            i.id
        }
        None => c
            .query_one(
                "INSERT INTO indicators (org_id, org_kind, name, unit, decimals, aggregate, sort, created_at, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                params![
                    i.org_id,
                    kind,
                    &i.name,
                    &i.unit,
                    i64::from(i.decimals),
                    i.aggregate.as_str(),
                    i.sort,
                    ctx.at,
                    &ctx.username
                ],
            )
            .map_err(conflict)?
            .i64("id")?,
    };
    let after = get(c, id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "indicator", id, after.org_id, before.as_ref().map(audited).as_ref(), Some(&audited(&after)))?;
    Ok(after)
}

pub fn delete(c: &mut dyn Conn, id: Id, ctx: &AuditCtx) -> Result<()> {
    let before = get(c, id)?.ok_or(Error::NotFound)?;
    let values = c.execute("DELETE FROM indicator_values WHERE indicator_id = $1", params![id])?;
    c.execute("DELETE FROM indicators WHERE id = $1", params![id])?;
    let mut record = audited(&before);
    record["values"] = serde_json::json!(values);
    audit_change(c, ctx, "indicator", id, before.org_id, Some(&record), None)
}

// --- values ---

const VALUE_COLUMNS: &str =
    "v.id, v.indicator_id, v.org_id, v.period, v.value, v.target, v.last_year, v.note, v.updated_at, v.updated_by";

fn value_from_row(r: &Row) -> DbResult<IndicatorValue> {
    Ok(IndicatorValue {
        id: r.i64("id")?,
        indicator_id: r.i64("indicator_id")?,
        org_id: r.i64("org_id")?,
        period: r.text("period")?,
        value: Decimal::from_scaled(r.i64("value")?),
        target: r.opt_i64("target")?.map(Decimal::from_scaled),
        last_year: r.opt_i64("last_year")?.map(Decimal::from_scaled),
        note: r.text("note")?,
        updated_at: r.ts("updated_at")?,
        updated_by: r.text("updated_by")?,
    })
}

pub fn values(c: &mut dyn Conn, scope_path: &str, periods: &[String]) -> Result<Vec<IndicatorValue>> {
    if periods.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = vec![scope(scope_path)];
    args.extend(periods.iter().map(Value::from));
    let rows = c.query(
        &format!(
            "SELECT {VALUE_COLUMNS} FROM indicator_values v JOIN orgs o ON o.id = v.org_id
             WHERE o.path LIKE $1 ESCAPE '\\' AND v.period IN ({})
             ORDER BY v.indicator_id, o.path, v.period",
            placeholders(2, periods.len())
        ),
        &args,
    )?;
    Ok(rows.iter().map(value_from_row).collect::<DbResult<_>>()?)
}

pub fn values_of(c: &mut dyn Conn, indicator_id: Id) -> Result<Vec<IndicatorValue>> {
    let rows = c.query(
        &format!("SELECT {VALUE_COLUMNS} FROM indicator_values v WHERE v.indicator_id = $1 ORDER BY v.id"),
        params![indicator_id],
    )?;
    Ok(rows.iter().map(value_from_row).collect::<DbResult<_>>()?)
}

fn value_at(c: &mut dyn Conn, indicator_id: Id, org_id: Id, period: &str) -> Result<Option<IndicatorValue>> {
    let row = c.query_opt(
        &format!(
            "SELECT {VALUE_COLUMNS} FROM indicator_values v
             WHERE v.indicator_id = $1 AND v.org_id = $2 AND v.period = $3"
        ),
        params![indicator_id, org_id, period],
    )?;
    Ok(row.as_ref().map(value_from_row).transpose()?)
}

fn scaled(d: Option<Decimal>) -> Value {
    d.map_or(Value::Null, |d| Value::Int(d.scaled()))
}

/// Applies a batch of changes; see [`taizhang_core::store::Store::indicator_values_apply`].
pub fn apply(
    c: &mut dyn Conn,
    changes: &[ValueChange],
    org_id: Id,
    source: Option<&str>,
    ctx: &AuditCtx,
) -> Result<usize> {
    let conflict = |e: DbError| match e {
        DbError::Unique(_) => Error::conflict("rows", "指标值刚被他人修改，请刷新后重试"),
        other => other.into(),
    };
    let mut changed = 0;
    for change in changes {
        let (indicator_id, org, period) = match change {
            ValueChange::Set(v) => (v.indicator_id, v.org_id, v.period.as_str()),
            ValueChange::Clear { indicator_id, org_id, period } => (*indicator_id, *org_id, period.as_str()),
        };
        let before = value_at(c, indicator_id, org, period)?;
        let id = match (change, &before) {
            (ValueChange::Set(v), Some(b)) if b.same_as(v) => continue,
            (ValueChange::Set(v), Some(b)) => {
                c.execute(
                    "UPDATE indicator_values SET value = $1, target = $2, last_year = $3, note = $4,
                     updated_at = $5, updated_by = $6 WHERE id = $7",
                    &[
                        Value::Int(v.value.scaled()),
                        scaled(v.target),
                        scaled(v.last_year),
                        (&v.note).into(),
                        ctx.at.into(),
                        (&ctx.username).into(),
                        b.id.into(),
                    ],
                )?;
                b.id
            }
            (ValueChange::Set(v), None) => c
                .query_one(
                    "INSERT INTO indicator_values
                     (indicator_id, org_id, period, value, target, last_year, note, updated_at, updated_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    &[
                        v.indicator_id.into(),
                        v.org_id.into(),
                        (&v.period).into(),
                        Value::Int(v.value.scaled()),
                        scaled(v.target),
                        scaled(v.last_year),
                        (&v.note).into(),
                        ctx.at.into(),
                        (&ctx.username).into(),
                    ],
                )
                .map_err(conflict)?
                .i64("id")?,
            (ValueChange::Clear { .. }, None) => continue,
            (ValueChange::Clear { .. }, Some(b)) => {
                c.execute("DELETE FROM indicator_values WHERE id = $1", params![b.id])?;
                b.id
            }
        };
        changed += 1;
        if source.is_none() {
            let after = value_at(c, indicator_id, org, period)?;
            audit_change(c, ctx, "indicator_value", id, org, before.as_ref(), after.as_ref())?;
        }
    }
    if let Some(source) = source {
        audit::append(
            c,
            &AuditRecord::new(ctx, "import", "indicator_value")
                .org(org_id)
                .detail(format!("从“{source}”导入{}个指标值（{changed}个有变化）", changes.len()))
                .after(serde_json::json!({ "rows": changes.len(), "changed": changed })),
        )?;
    }
    Ok(changed)
}

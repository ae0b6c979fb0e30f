//! Helpers for forms read as name/value pairs (repeated names kept): the
//! grid-work pages post households, visits with a status per member, care
//! plans and readings this way.

use chrono::NaiveDate;
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::service::parse_date;

/// A posted form as name/value pairs (repeated names kept).
pub(super) type Fields = Vec<(String, String)>;

pub(super) fn one(f: &Fields, name: &str) -> String {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
}

pub(super) fn id_of(f: &Fields, name: &str) -> Option<i64> {
    one(f, name).parse().ok()
}

/// Members' statuses of a visit form (`status_<person id>`).
pub(super) fn statuses_of(f: &Fields) -> Vec<(i64, String)> {
    f.iter().filter_map(|(k, v)| Some((k.strip_prefix("status_")?.parse().ok()?, v.clone()))).collect()
}

pub(super) fn values(f: &Fields) -> Value {
    Value::Object(f.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

pub(super) fn day_or_today(raw: &str) -> NaiveDate {
    parse_date(raw).unwrap_or_else(|| now().date_naive())
}

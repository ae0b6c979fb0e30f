//! Indicators (统计指标): figures that are not counts of records, such as a
//! coverage rate (覆盖率 96.5%), a number of facilities (农家书屋 12个), an
//! area (新建面积 5200平方米) or a revenue (村集体收入 35.6万元). An org defines
//! an indicator once (name, unit, decimals, whether values of sub-orgs add up
//! the tree); it applies to that org and its subtree, or to the orgs of one
//! kind in it. Values are entered per org and period, with an optional
//! target, the value of the same period a year earlier, and a source note.
//!
//! Values are exact: [`Decimal`] keeps ten-thousandths in an integer, so
//! 96.5 stays 96.5 and sums never drift.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use crate::model::{Id, Org, OrgKind};
use crate::period::Period;

/// Longest name of an indicator, in characters.
pub const MAX_NAME_CHARS: usize = 40;
/// Longest unit, in characters.
pub const MAX_UNIT_CHARS: usize = 10;
/// Most decimals a value may carry.
pub const MAX_DECIMALS: u8 = 4;
/// Longest source note, in characters.
pub const MAX_NOTE_CHARS: usize = 200;

/// Whether the values of sub-orgs add up the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// An org without a value of its own has the sum of its sub-orgs' (农家书屋, 收入).
    Sum,
    /// Each org's own value only (rates, averages).
    None,
}

impl Aggregate {
    pub const ALL: [Aggregate; 2] = [Aggregate::None, Aggregate::Sum];

    pub fn as_str(self) -> &'static str {
        match self {
            Aggregate::Sum => "sum",
            Aggregate::None => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Aggregate::Sum => "下级合计",
            Aggregate::None => "不汇总",
        }
    }

    pub fn parse(s: &str) -> Option<Aggregate> {
        Aggregate::ALL.into_iter().find(|a| a.as_str() == s || a.label() == s)
    }
}

/// An indicator's definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub id: Id,
    /// The org that defines it; it applies to that org and its subtree.
    pub org_id: Id,
    /// The defining org's path (read with the indicator, never written).
    pub org_path: String,
    /// Only orgs of this kind carry values, when set.
    pub org_kind: Option<OrgKind>,
    pub name: String,
    /// "%", "个", "平方米", "万元", "人" ...; may be empty.
    pub unit: String,
    /// Decimals of its values, 0..=4.
    pub decimals: u8,
    pub aggregate: Aggregate,
    pub sort: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

impl Indicator {
    /// Whether `org` may carry a value of this indicator.
    pub fn applies_to(&self, org: &Org) -> bool {
        org.path.starts_with(&self.org_path) && self.org_kind.is_none_or(|k| k == org.kind)
    }

    /// Whether the unit is a percentage, whose change is said in 百分点.
    pub fn is_percent(&self) -> bool {
        matches!(self.unit.trim(), "%" | "％")
    }

    /// Reads a value typed for this indicator: a number with at most its
    /// decimals ("96.5", "1,200", "-3"), a percentage sign allowed when the
    /// unit is %. The error says what is wrong, without naming the field.
    pub fn parse_value(&self, text: &str) -> Result<Decimal, String> {
        let t = text.trim();
        let t = if self.is_percent() { t.trim_end_matches(['%', '％']).trim_end() } else { t };
        Decimal::parse(t, self.decimals).map_err(|e| e.message(text.trim(), self.decimals))
    }

    /// A value as this indicator writes it: exactly its decimals.
    pub fn format(&self, value: Decimal) -> String {
        value.format(self.decimals)
    }
}

/// One org's value of an indicator for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorValue {
    pub id: Id,
    pub indicator_id: Id,
    pub org_id: Id,
    /// The period's code: "2020", "2020H1", "2020Q3", "2020-07".
    pub period: String,
    pub value: Decimal,
    pub target: Option<Decimal>,
    /// The value of the same period a year earlier, when that is not recorded as its own row.
    pub last_year: Option<Decimal>,
    /// Where the figure comes from (数据来源).
    pub note: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl IndicatorValue {
    /// Whether storing `other` over this value would change nothing.
    pub fn same_as(&self, other: &IndicatorValue) -> bool {
        self.value == other.value
            && self.target == other.target
            && self.last_year == other.last_year
            && self.note == other.note
    }
}

/// A change in a batch of values: set (insert or replace by indicator, org
/// and period) or clear.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueChange {
    Set(IndicatorValue),
    Clear { indicator_id: Id, org_id: Id, period: String },
}

/// The columns of the values sheet (import and export): (key, header).
pub const SHEET_COLUMNS: &[(&str, &str)] = &[
    ("org", "单位/组织"),
    ("indicator", "指标"),
    ("value", "数值"),
    ("target", "目标"),
    ("last_year", "去年同期"),
    ("note", "备注"),
];

/// The header of a column of the values sheet (also the label of a field of a row).
pub fn sheet_header(key: &str) -> &'static str {
    SHEET_COLUMNS.iter().find(|(k, _)| *k == key).map_or("", |(_, h)| *h)
}

/// One row of a values sheet, as read: names, not ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndicatorSheetRow {
    /// The 1-based row of the sheet.
    pub row: usize,
    pub org: String,
    pub indicator: String,
    pub value: String,
    pub target: String,
    pub last_year: String,
    pub note: String,
}

/// The same period one year earlier (2020H1 → 2019H1), if in range.
pub fn year_before(period: &Period) -> Option<Period> {
    match *period {
        Period::Year(y) => Period::new_year(y - 1),
        Period::Half(y, h) => Period::new_half(y - 1, h),
        Period::Quarter(y, q) => Period::new_quarter(y - 1, q),
        Period::Month(y, m) => Period::new_month(y - 1, m),
    }
    .ok()
}

/// A number as Excel shows it: a cell read back as "35.599999999999994" (a
/// float with more than Excel's 15 significant digits) is "35.6". Other
/// text is left as it is.
pub fn excel_digits(text: &str) -> String {
    let t = text.trim();
    let significant = t.trim_start_matches(['-', '+', '0', '.']).chars().filter(char::is_ascii_digit).count();
    match t.parse::<f64>() {
        Ok(v) if significant > 15 && v.is_finite() && v != 0.0 && t.contains('.') => {
            let exponent = v.abs().log10().floor() as i32;
            let places = (14 - exponent).clamp(0, 20) as usize;
            let s = format!("{v:.places$}");
            let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s };
            if s == "-0" { "0".to_owned() } else { s }
        }
        _ => t.to_owned(),
    }
}

/// Ten-thousandths in one unit.
const SCALE: i64 = 10_000;
/// Values are below a trillion (万亿) in magnitude.
const MAX_WHOLE: i64 = 1_000_000_000_000;

/// An exact decimal with at most four places, kept as ten-thousandths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decimal(i64);

/// Why a text is not a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalError {
    NotNumber,
    TooManyDecimals,
    TooLarge,
}

impl DecimalError {
    /// The message for `text` and an indicator of `decimals` places, in Chinese.
    pub fn message(self, text: &str, decimals: u8) -> String {
        let shown: String = text.chars().take(30).collect();
        match self {
            DecimalError::NotNumber if shown.is_empty() => "请填写数字".to_owned(),
            DecimalError::NotNumber => format!("“{shown}”不是数字"),
            DecimalError::TooManyDecimals if decimals == 0 => format!("“{shown}”应为整数（该指标不保留小数）"),
            DecimalError::TooManyDecimals => format!("“{shown}”最多保留{decimals}位小数"),
            DecimalError::TooLarge => format!("“{shown}”超出范围（绝对值应小于1万亿）"),
        }
    }
}

impl Decimal {
    pub const ZERO: Decimal = Decimal(0);

    /// The decimal of `n` ten-thousandths.
    pub fn from_scaled(n: i64) -> Decimal {
        Decimal(n)
    }

    /// The value in ten-thousandths, as stored.
    pub fn scaled(self) -> i64 {
        self.0
    }

    pub fn to_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        self.0.checked_add(other.0).map(Decimal)
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.0.checked_sub(other.0).map(Decimal)
    }

    /// Reads "96.5", "-3", "+0.25", "1,200.5" (commas between groups of
    /// three), full-width digits too, with at most `decimals` places.
    pub fn parse(text: &str, decimals: u8) -> Result<Decimal, DecimalError> {
        let t: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' => '.',
                '－' | '−' => '-',
                '＋' => '+',
                '，' => ',',
                c => c,
            })
            .collect();
        let (negative, body) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t.as_str()),
        };
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        let whole = if whole.contains(',') {
            let mut groups = whole.split(',');
            let first = groups.next().unwrap_or_default();
            let grouped = (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3);
            if !grouped {
                return Err(DecimalError::NotNumber);
            }
            whole.replace(',', "")
        } else {
            whole.to_owned()
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !digits(&whole) || !digits(fraction) {
            return Err(DecimalError::NotNumber);
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > usize::from(decimals.min(MAX_DECIMALS)) {
            return Err(DecimalError::TooManyDecimals);
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 13 {
            return Err(DecimalError::TooLarge);
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| DecimalError::NotNumber)? };
        if whole >= MAX_WHOLE {
            return Err(DecimalError::TooLarge);
        }
        let mut part = 0i64;
        for (i, b) in fraction.bytes().enumerate() {
            part += i64::from(b - b'0') * 10i64.pow(3 - i as u32);
        }
        let n = whole * SCALE + part;
        Ok(Decimal(if negative { -n } else { n }))
    }

    /// How many decimals the value carries (0..=4).
    pub fn places(self) -> u8 {
        let mut rest = self.0.rem_euclid(SCALE);
        if rest == 0 {
            return 0;
        }
        let mut places = 4;
        while rest % 10 == 0 {
            rest /= 10;
            places -= 1;
        }
        places
    }

    /// The value with exactly `decimals` places, rounded half away from zero;
    /// never "-0".
    pub fn format(self, decimals: u8) -> String {
        let decimals = decimals.min(MAX_DECIMALS);
        let step = 10i64.pow(u32::from(MAX_DECIMALS - decimals));
        let magnitude = self.0.unsigned_abs();
        let step_u = step as u64;
        let rounded = (magnitude + step_u / 2) / step_u;
        let units = 10u64.pow(u32::from(decimals));
        let (whole, part) = (rounded / units, rounded % units);
        let sign = if self.0 < 0 && rounded > 0 { "-" } else { "" };
        if decimals == 0 {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{part:0width$}", width = usize::from(decimals))
        }
    }
}

impl fmt::Display for Decimal {
    /// The value with the decimals it carries: "96.5", "12", "-0.25".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(self.places()))
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

/// A percentage as these documents write it: one decimal, "100" rather
/// than "100.0", never "-0".
pub fn percent_text(p: f64) -> String {
    let s = format!("{:.1}", (p * 10.0).round() / 10.0);
    let s = s.strip_suffix(".0").unwrap_or(&s).to_owned();
    if s == "-0" { "0".to_owned() } else { s }
}

/// A change with its sign explicit: "+12.3", "-4", and "0" for none.
pub fn signed(text: String) -> String {
    let zero = text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.');
    if zero {
        "0".to_owned()
    } else if text.starts_with('-') {
        text
    } else {
        format!("+{text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str, decimals: u8) -> Result<Decimal, DecimalError> {
        Decimal::parse(text, decimals)
    }

    #[test]
    fn values_parse_exactly_within_their_decimals() {
        assert_eq!(d("96.5", 1).unwrap().scaled(), 965_000);
        assert_eq!(d("96.5", 1).unwrap().to_string(), "96.5");
        assert_eq!(d("96.50", 1).unwrap().to_string(), "96.5");
        assert_eq!(d("12", 0).unwrap().to_string(), "12");
        assert_eq!(d("1,200.25", 2).unwrap().to_string(), "1200.25");
        assert_eq!(d("-3", 0).unwrap().to_string(), "-3");
        assert_eq!(d("+0.0001", 4).unwrap().scaled(), 1);
        assert_eq!(d(".5", 1).unwrap().to_string(), "0.5");
        assert_eq!(d("５２００", 0).unwrap().to_string(), "5200");
        assert_eq!(d("96.55", 1), Err(DecimalError::TooManyDecimals));
        assert_eq!(d("1.5", 0), Err(DecimalError::TooManyDecimals));
        for bad in ["", "abc", "约100", "1.2.3", "1,20", "12a", "-", ".", "1e3", "--1", "１，２"] {
            assert_eq!(d(bad, 2), Err(DecimalError::NotNumber), "{bad}");
        }
        assert_eq!(d("1000000000000", 0), Err(DecimalError::TooLarge));
        assert_eq!(d("99999999999999999999999", 0), Err(DecimalError::TooLarge));
        assert!(d("999999999999.9999", 4).is_ok());
    }

    #[test]
    fn values_format_with_their_decimals_and_never_minus_zero() {
        let v = d("96.55", 2).unwrap();
        assert_eq!(v.format(1), "96.6");
        assert_eq!(v.format(2), "96.55");
        assert_eq!(v.format(0), "97");
        assert_eq!(d("-0.04", 2).unwrap().format(1), "0.0");
        assert_eq!(d("-0.05", 2).unwrap().format(1), "-0.1");
        assert_eq!(d("5200", 0).unwrap().format(0), "5200");
        assert_eq!(d("35.6", 1).unwrap().format(2), "35.60");
        let sum = d("0.1", 1).unwrap().checked_add(d("0.2", 1).unwrap()).unwrap();
        assert_eq!(sum.to_string(), "0.3");
    }

    #[test]
    fn messages_name_the_problem() {
        assert_eq!(DecimalError::NotNumber.message("约100", 1), "“约100”不是数字");
        assert_eq!(DecimalError::TooManyDecimals.message("96.55", 1), "“96.55”最多保留1位小数");
        assert_eq!(DecimalError::TooManyDecimals.message("1.5", 0), "“1.5”应为整数（该指标不保留小数）");
    }

    #[test]
    fn excel_floats_read_as_excel_shows_them() {
        assert_eq!(excel_digits("35.599999999999994"), "35.6");
        assert_eq!(excel_digits("0.30000000000000004"), "0.3");
        assert_eq!(excel_digits("96.5"), "96.5");
        assert_eq!(excel_digits("abc"), "abc");
        assert_eq!(excel_digits("12345678901234567"), "12345678901234567");
    }

    #[test]
    fn percentages_and_changes_are_written_as_documents_write_them() {
        assert_eq!(percent_text(100.0), "100");
        assert_eq!(percent_text(86.66), "86.7");
        assert_eq!(percent_text(-0.01), "0");
        assert_eq!(signed("1.2".into()), "+1.2");
        assert_eq!(signed("-4".into()), "-4");
        assert_eq!(signed("0.0".into()), "0");
        assert_eq!(signed("-0".into()), "0");
    }

    #[test]
    fn the_year_before_keeps_the_kind_of_period() {
        assert_eq!(year_before(&Period::Half(2020, 1)), Some(Period::Half(2019, 1)));
        assert_eq!(year_before(&Period::Month(2021, 7)).map(|p| p.code()), Some("2020-07".to_owned()));
        assert_eq!(year_before(&Period::Year(crate::period::MIN_YEAR)), None);
    }
}

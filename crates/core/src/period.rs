//! Reporting periods: a year, half-year, quarter or month.
//!
//! Values produced by [`Period::parse`] and the `Period::new_*` constructors
//! are always in range (years 1949..=2100, half 1..=2, quarter 1..=4, month
//! 1..=12). Because the variants are public, out-of-range values can still be
//! written by hand; date methods then clamp instead of panicking.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::numerals;

/// Earliest accepted year.
pub const MIN_YEAR: i32 = 1949;
/// Latest accepted year.
pub const MAX_YEAR: i32 = 2100;

/// A calendar reporting period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    /// A calendar year.
    Year(i32),
    /// Half-year: 1 = January–June, 2 = July–December.
    Half(i32, u8),
    /// Quarter 1..=4.
    Quarter(i32, u8),
    /// Month 1..=12.
    Month(i32, u8),
}

/// Why a string is not a valid period. Each variant carries the offending input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("期间不能为空")]
    Empty,
    #[error("期间格式无效：{0}（应为2020、2020H1、2020Q3、2020-03、2020年3月等格式）")]
    Format(String),
    #[error("期间格式无效：{0}（年份应在1949至2100之间）")]
    Year(String),
    #[error("期间格式无效：{0}（半年只能是H1或H2）")]
    Half(String),
    #[error("期间格式无效：{0}（季度只能是Q1至Q4）")]
    Quarter(String),
    #[error("期间格式无效：{0}（月份只能是1至12）")]
    Month(String),
}

impl Period {
    /// A validated year period.
    pub fn new_year(year: i32) -> Result<Period, PeriodError> {
        check_year(year, || year.to_string())?;
        Ok(Period::Year(year))
    }

    /// A validated half-year period (`half` is 1 or 2).
    pub fn new_half(year: i32, half: u8) -> Result<Period, PeriodError> {
        let code = || format!("{year}H{half}");
        check_year(year, code)?;
        if !(1..=2).contains(&half) {
            return Err(PeriodError::Half(code()));
        }
        Ok(Period::Half(year, half))
    }

    /// A validated quarter period (`quarter` is 1..=4).
    pub fn new_quarter(year: i32, quarter: u8) -> Result<Period, PeriodError> {
        let code = || format!("{year}Q{quarter}");
        check_year(year, code)?;
        if !(1..=4).contains(&quarter) {
            return Err(PeriodError::Quarter(code()));
        }
        Ok(Period::Quarter(year, quarter))
    }

    /// A validated month period (`month` is 1..=12).
    pub fn new_month(year: i32, month: u8) -> Result<Period, PeriodError> {
        let code = || format!("{year}-{month:02}");
        check_year(year, code)?;
        if !(1..=12).contains(&month) {
            return Err(PeriodError::Month(code()));
        }
        Ok(Period::Month(year, month))
    }

    /// Parses `2020`, `2020H1`, `2020Q3`, `2020-03`, `2020-3`, `202003`,
    /// `2020年`, `2020年度`, `2020年上半年`, `2020年下半年`,
    /// `2020年第一季度` (also `2020年一季度`, `2020年第1季度`) and `2020年3月`
    /// (also `2020年03月`, `2020年三月`). Letters are case-insensitive and
    /// surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Period, PeriodError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PeriodError::Empty);
        }
        let format_err = || PeriodError::Format(s.to_owned());
        if let Some((year, rest)) = s.split_once('年') {
            let year = four_digit_year(year).ok_or_else(format_err)?;
            check_year(year, || s.to_owned())?;
            parse_chinese_rest(year, rest, s)
        } else {
            let year = s.get(..4).and_then(four_digit_year).ok_or_else(format_err)?;
            let rest = &s[4..];
            let period = parse_code_rest(year, rest, s)?;
            check_year(year, || s.to_owned())?;
            Ok(period)
        }
    }

    /// The calendar year.
    pub fn year(&self) -> i32 {
        match *self {
            Period::Year(y) | Period::Half(y, _) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }

    /// First month covered (1..=12).
    fn first_month(&self) -> u32 {
        match *self {
            Period::Year(_) => 1,
            Period::Half(_, h) => (u32::from(h.clamp(1, 2)) - 1) * 6 + 1,
            Period::Quarter(_, q) => (u32::from(q.clamp(1, 4)) - 1) * 3 + 1,
            Period::Month(_, m) => u32::from(m.clamp(1, 12)),
        }
    }

    /// Last month covered (1..=12).
    fn last_month(&self) -> u32 {
        match *self {
            Period::Year(_) => 12,
            Period::Half(..) => self.first_month() + 5,
            Period::Quarter(..) => self.first_month() + 2,
            Period::Month(..) => self.first_month(),
        }
    }

    /// First day of the period.
    pub fn start(&self) -> NaiveDate {
        // Day 1 exists in every month; only a year outside chrono's range fails.
        NaiveDate::from_ymd_opt(self.year(), self.first_month(), 1).unwrap_or(NaiveDate::MIN)
    }

    /// Last day of the period (inclusive).
    pub fn end(&self) -> NaiveDate {
        let (y, m) = (self.year(), self.last_month());
        NaiveDate::from_ymd_opt(y, m, days_in_month(y, m)).unwrap_or(NaiveDate::MAX)
    }

    /// Whether `date` falls within the period (both ends inclusive).
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start() <= date && date <= self.end()
    }

    /// The `(year, month)` pairs covered, in order.
    pub fn months(&self) -> Vec<(i32, u8)> {
        let y = self.year();
        // Months are 1..=12, so the narrowing cast is lossless.
        (self.first_month()..=self.last_month()).map(|m| (y, m as u8)).collect()
    }

    /// Chinese label: `2020年`, `2020年上半年`, `2020年第三季度`, `2020年3月`.
    pub fn label(&self) -> String {
        match *self {
            Period::Year(y) => format!("{y}年"),
            Period::Half(y, h) => {
                let which = if h == 2 { "下" } else { "上" };
                format!("{y}年{which}半年")
            }
            Period::Quarter(y, q) => format!("{y}年第{}季度", numerals::to_chinese(u32::from(q))),
            Period::Month(y, m) => format!("{y}年{m}月"),
        }
    }

    /// Compact code: `2020`, `2020H1`, `2020Q3`, `2020-03`.
    pub fn code(&self) -> String {
        match *self {
            Period::Year(y) => format!("{y}"),
            Period::Half(y, h) => format!("{y}H{h}"),
            Period::Quarter(y, q) => format!("{y}Q{q}"),
            Period::Month(y, m) => format!("{y}-{m:02}"),
        }
    }
}

fn check_year(year: i32, input: impl FnOnce() -> String) -> Result<(), PeriodError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) { Ok(()) } else { Err(PeriodError::Year(input())) }
}

/// Exactly four ASCII digits.
fn four_digit_year(s: &str) -> Option<i32> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
}

/// One or two ASCII digits, or a Chinese numeral.
fn small_number(s: &str) -> Option<u32> {
    if (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else if s.is_empty() || s.bytes().any(|b| b.is_ascii()) {
        None
    } else {
        numerals::from_chinese(s)
    }
}

/// What follows `YYYY` in a code such as `2020H1`, `2020Q3`, `2020-03`, `202003`.
fn parse_code_rest(year: i32, rest: &str, input: &str) -> Result<Period, PeriodError> {
    let owned = || input.to_owned();
    let mut chars = rest.chars();
    match chars.next() {
        None => Ok(Period::Year(year)),
        Some('H' | 'h') => match chars.as_str() {
            "1" => Ok(Period::Half(year, 1)),
            "2" => Ok(Period::Half(year, 2)),
            _ => Err(PeriodError::Half(owned())),
        },
        Some('Q' | 'q') => match chars.as_str() {
            q @ ("1" | "2" | "3" | "4") => Ok(Period::Quarter(year, digit(q))),
            _ => Err(PeriodError::Quarter(owned())),
        },
        Some('-') => {
            let m = chars.as_str();
            if m.is_empty() || m.len() > 2 || !m.bytes().all(|b| b.is_ascii_digit()) {
                return Err(PeriodError::Format(owned()));
            }
            month(year, m.parse().ok(), input)
        }
        Some(_) if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) => month(year, rest.parse().ok(), input),
        Some(_) => Err(PeriodError::Format(owned())),
    }
}

/// What follows `YYYY年`.
fn parse_chinese_rest(year: i32, rest: &str, input: &str) -> Result<Period, PeriodError> {
    let owned = || input.to_owned();
    match rest {
        "" | "度" => return Ok(Period::Year(year)),
        "上半年" => return Ok(Period::Half(year, 1)),
        "下半年" => return Ok(Period::Half(year, 2)),
        _ => {}
    }
    if let Some(q) = rest.strip_suffix("季度") {
        let q = q.strip_prefix('第').unwrap_or(q);
        return match small_number(q) {
            Some(q @ 1..=4) => Ok(Period::Quarter(year, q as u8)),
            Some(_) => Err(PeriodError::Quarter(owned())),
            None => Err(PeriodError::Format(owned())),
        };
    }
    if let Some(m) = rest.strip_suffix('月') {
        return match small_number(m) {
            Some(m) => month(year, Some(m), input),
            None => Err(PeriodError::Format(owned())),
        };
    }
    if rest.ends_with("半年") {
        return Err(PeriodError::Half(owned()));
    }
    Err(PeriodError::Format(owned()))
}

fn month(year: i32, m: Option<u32>, input: &str) -> Result<Period, PeriodError> {
    match m {
        // 1..=12 fits in u8.
        Some(m @ 1..=12) => Ok(Period::Month(year, m as u8)),
        _ => Err(PeriodError::Month(input.to_owned())),
    }
}

/// A single ASCII digit string already known to be `1`..=`4`.
fn digit(s: &str) -> u8 {
    s.as_bytes().first().map_or(0, |b| b.wrapping_sub(b'0'))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if NaiveDate::from_ymd_opt(year, 2, 29).is_some() => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Period, PeriodError> {
        Period::parse(s)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Period, D::Error> {
        let s = String::deserialize(deserializer)?;
        Period::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parse_codes() {
        assert_eq!(p("2020"), Period::Year(2020));
        assert_eq!(p("2020H1"), Period::Half(2020, 1));
        assert_eq!(p("2020h2"), Period::Half(2020, 2));
        assert_eq!(p("2020Q3"), Period::Quarter(2020, 3));
        assert_eq!(p("2020q3"), Period::Quarter(2020, 3));
        assert_eq!(p("2020Q1"), Period::Quarter(2020, 1));
        assert_eq!(p("2020Q4"), Period::Quarter(2020, 4));
        assert_eq!(p("2020-03"), Period::Month(2020, 3));
        assert_eq!(p("2020-3"), Period::Month(2020, 3));
        assert_eq!(p("202003"), Period::Month(2020, 3));
        assert_eq!(p("2020-12"), Period::Month(2020, 12));
        assert_eq!(p("202012"), Period::Month(2020, 12));
        assert_eq!(p("  2020Q2 "), Period::Quarter(2020, 2));
    }

    #[test]
    fn parse_chinese() {
        assert_eq!(p("2020年"), Period::Year(2020));
        assert_eq!(p("2020年度"), Period::Year(2020));
        assert_eq!(p("2020年上半年"), Period::Half(2020, 1));
        assert_eq!(p("2020年下半年"), Period::Half(2020, 2));
        assert_eq!(p("2020年第一季度"), Period::Quarter(2020, 1));
        assert_eq!(p("2020年第二季度"), Period::Quarter(2020, 2));
        assert_eq!(p("2020年第三季度"), Period::Quarter(2020, 3));
        assert_eq!(p("2020年第四季度"), Period::Quarter(2020, 4));
        assert_eq!(p("2020年一季度"), Period::Quarter(2020, 1));
        assert_eq!(p("2020年第2季度"), Period::Quarter(2020, 2));
        assert_eq!(p("2020年3月"), Period::Month(2020, 3));
        assert_eq!(p("2020年03月"), Period::Month(2020, 3));
        assert_eq!(p("2020年12月"), Period::Month(2020, 12));
        assert_eq!(p("2020年十二月"), Period::Month(2020, 12));
        assert_eq!(p("2020年三月"), Period::Month(2020, 3));
    }

    #[test]
    fn year_bounds() {
        assert_eq!(p("1949"), Period::Year(1949));
        assert_eq!(p("2100"), Period::Year(2100));
        assert_eq!(p("2100年12月"), Period::Month(2100, 12));
        for s in ["1948", "2101", "1900H1", "2101Q1", "1948-01", "0000", "9999年", "1800年3月"] {
            assert_eq!(Period::parse(s), Err(PeriodError::Year(s.to_owned())), "{s}");
        }
        assert_eq!(Period::parse("1948").unwrap_err().to_string(), "期间格式无效：1948（年份应在1949至2100之间）");
    }

    #[test]
    fn specific_errors() {
        assert_eq!(Period::parse(""), Err(PeriodError::Empty));
        assert_eq!(Period::parse("  "), Err(PeriodError::Empty));
        assert_eq!(Period::parse("2020H3"), Err(PeriodError::Half("2020H3".into())));
        assert_eq!(Period::parse("2020H0"), Err(PeriodError::Half("2020H0".into())));
        assert_eq!(Period::parse("2020H"), Err(PeriodError::Half("2020H".into())));
        assert_eq!(Period::parse("2020H12"), Err(PeriodError::Half("2020H12".into())));
        assert_eq!(Period::parse("2020Q5"), Err(PeriodError::Quarter("2020Q5".into())));
        assert_eq!(Period::parse("2020Q0"), Err(PeriodError::Quarter("2020Q0".into())));
        assert_eq!(Period::parse("2020-13"), Err(PeriodError::Month("2020-13".into())));
        assert_eq!(Period::parse("2020-0"), Err(PeriodError::Month("2020-0".into())));
        assert_eq!(Period::parse("202000"), Err(PeriodError::Month("202000".into())));
        assert_eq!(Period::parse("202013"), Err(PeriodError::Month("202013".into())));
        assert_eq!(Period::parse("2020年13月"), Err(PeriodError::Month("2020年13月".into())));
        assert_eq!(Period::parse("2020年第五季度"), Err(PeriodError::Quarter("2020年第五季度".into())));
        assert_eq!(Period::parse("2020年中半年"), Err(PeriodError::Half("2020年中半年".into())));
        assert_eq!(Period::parse("2020H3").unwrap_err().to_string(), "期间格式无效：2020H3（半年只能是H1或H2）");
        assert_eq!(Period::parse("2020Q5").unwrap_err().to_string(), "期间格式无效：2020Q5（季度只能是Q1至Q4）");
        assert_eq!(Period::parse("2020-13").unwrap_err().to_string(), "期间格式无效：2020-13（月份只能是1至12）");
    }

    #[test]
    fn format_errors() {
        for s in [
            "20",
            "20200",
            "2020-",
            "2020-003",
            "2020/03",
            "2020M3",
            "abcd",
            "２０２０",
            "二〇二〇年",
            "2020年春",
            "2020年第季度",
            "2020年月",
            "2020年x月",
            "2020年3月份",
            "2020年度末",
            "20年",
            "2020-3a",
            "2020Qx",
        ] {
            let err = Period::parse(s).unwrap_err();
            assert!(matches!(err, PeriodError::Format(_) | PeriodError::Quarter(_)), "{s}: {err:?}");
        }
        assert_eq!(Period::parse("2020/03"), Err(PeriodError::Format("2020/03".into())));
        assert!(Period::parse("2020M3").unwrap_err().to_string().starts_with("期间格式无效：2020M3（"));
    }

    #[test]
    fn constructors() {
        assert_eq!(Period::new_year(2020), Ok(Period::Year(2020)));
        assert_eq!(Period::new_half(2020, 2), Ok(Period::Half(2020, 2)));
        assert_eq!(Period::new_quarter(2020, 4), Ok(Period::Quarter(2020, 4)));
        assert_eq!(Period::new_month(2020, 12), Ok(Period::Month(2020, 12)));
        assert_eq!(Period::new_year(1900), Err(PeriodError::Year("1900".into())));
        assert_eq!(Period::new_half(2020, 3), Err(PeriodError::Half("2020H3".into())));
        assert_eq!(Period::new_quarter(2020, 0), Err(PeriodError::Quarter("2020Q0".into())));
        assert_eq!(Period::new_month(2020, 13), Err(PeriodError::Month("2020-13".into())));
        assert_eq!(Period::new_month(2200, 1), Err(PeriodError::Year("2200-01".into())));
    }

    #[test]
    fn start_and_end() {
        assert_eq!(p("2020").start(), d(2020, 1, 1));
        assert_eq!(p("2020").end(), d(2020, 12, 31));
        assert_eq!(p("2020H1").start(), d(2020, 1, 1));
        assert_eq!(p("2020H1").end(), d(2020, 6, 30));
        assert_eq!(p("2020H2").start(), d(2020, 7, 1));
        assert_eq!(p("2020H2").end(), d(2020, 12, 31));
        assert_eq!(p("2020Q1").end(), d(2020, 3, 31));
        assert_eq!(p("2020Q2").start(), d(2020, 4, 1));
        assert_eq!(p("2020Q2").end(), d(2020, 6, 30));
        assert_eq!(p("2020Q3").end(), d(2020, 9, 30));
        assert_eq!(p("2020Q4").start(), d(2020, 10, 1));
        assert_eq!(p("2020-02").end(), d(2020, 2, 29));
        assert_eq!(p("2021-02").end(), d(2021, 2, 28));
        assert_eq!(p("2100-02").end(), d(2100, 2, 28));
        assert_eq!(p("2000-02").end(), d(2000, 2, 29));
        assert_eq!(p("2020-04").end(), d(2020, 4, 30));
        assert_eq!(p("2020-12").end(), d(2020, 12, 31));
        for m in 1..=12u8 {
            let period = Period::Month(2023, m);
            assert_eq!(period.start(), d(2023, u32::from(m), 1));
            let next = period.end().succ_opt().unwrap();
            assert_eq!(chrono::Datelike::day(&next), 1, "{period}");
        }
    }

    #[test]
    fn out_of_range_variants_do_not_panic() {
        assert_eq!(Period::Month(2020, 13).end(), d(2020, 12, 31));
        assert_eq!(Period::Month(2020, 0).start(), d(2020, 1, 1));
        assert_eq!(Period::Quarter(2020, 9).start(), d(2020, 10, 1));
        assert_eq!(Period::Half(2020, 0).end(), d(2020, 6, 30));
        assert_eq!(Period::Year(i32::MAX).start(), NaiveDate::MIN);
        assert_eq!(Period::Year(i32::MIN).end(), NaiveDate::MAX);
    }

    #[test]
    fn contains() {
        let q = p("2020Q3");
        assert!(q.contains(d(2020, 7, 1)));
        assert!(q.contains(d(2020, 8, 15)));
        assert!(q.contains(d(2020, 9, 30)));
        assert!(!q.contains(d(2020, 6, 30)));
        assert!(!q.contains(d(2020, 10, 1)));
        assert!(!q.contains(d(2019, 8, 15)));
        assert!(p("2020").contains(d(2020, 12, 31)));
        assert!(!p("2020").contains(d(2021, 1, 1)));
    }

    #[test]
    fn months_listing() {
        assert_eq!(p("2020-03").months(), vec![(2020, 3)]);
        assert_eq!(p("2020Q3").months(), vec![(2020, 7), (2020, 8), (2020, 9)]);
        assert_eq!(p("2020H2").months(), (7..=12).map(|m| (2020, m)).collect::<Vec<_>>());
        assert_eq!(p("2020").months(), (1..=12).map(|m| (2020, m)).collect::<Vec<_>>());
    }

    #[test]
    fn labels_and_codes() {
        let cases = [
            ("2020", "2020年", "2020"),
            ("2020H1", "2020年上半年", "2020H1"),
            ("2020H2", "2020年下半年", "2020H2"),
            ("2020Q1", "2020年第一季度", "2020Q1"),
            ("2020Q3", "2020年第三季度", "2020Q3"),
            ("2020Q4", "2020年第四季度", "2020Q4"),
            ("2020-3", "2020年3月", "2020-03"),
            ("202011", "2020年11月", "2020-11"),
        ];
        for (input, label, code) in cases {
            let period = p(input);
            assert_eq!(period.label(), label);
            assert_eq!(period.code(), code);
            assert_eq!(period.to_string(), code);
            // Both label and code parse back to the same period.
            assert_eq!(p(label), period);
            assert_eq!(p(code), period);
        }
    }

    #[test]
    fn from_str_and_serde() {
        let period: Period = "2020q3".parse().unwrap();
        assert_eq!(period, Period::Quarter(2020, 3));
        assert_eq!(serde_json::to_string(&period).unwrap(), "\"2020Q3\"");
        assert_eq!(serde_json::from_str::<Period>("\"2020年3月\"").unwrap(), Period::Month(2020, 3));
        let err = serde_json::from_str::<Period>("\"2020H3\"").unwrap_err().to_string();
        assert!(err.contains("半年只能是H1或H2"), "{err}");
        assert!("1900".parse::<Period>().is_err());
    }

    #[test]
    fn all_valid_periods_round_trip() {
        for y in [MIN_YEAR, 2000, 2024, MAX_YEAR] {
            let mut all = vec![Period::Year(y)];
            all.extend((1..=2).map(|h| Period::Half(y, h)));
            all.extend((1..=4).map(|q| Period::Quarter(y, q)));
            all.extend((1..=12).map(|m| Period::Month(y, m)));
            for period in all {
                assert_eq!(p(&period.code()), period);
                assert_eq!(p(&period.label()), period);
                assert!(period.contains(period.start()));
                assert!(period.contains(period.end()));
                assert!(period.start() <= period.end());
                let months = period.months();
                assert_eq!(months.first().map(|&(_, m)| u32::from(m)), Some(chrono::Datelike::month(&period.start())));
                assert_eq!(months.last().map(|&(_, m)| u32::from(m)), Some(chrono::Datelike::month(&period.end())));
            }
        }
    }
}

//! Targets (目标): "at least N activities of a kind per week, month,
//! quarter or year", with exemption periods (豁免期) that do not count,
//! and their evaluation against the dates of the activities done.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

use crate::model::Id;

/// How often the minimum applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Week,
    Month,
    Quarter,
    Year,
}

impl Frequency {
    pub const ALL: [Frequency; 4] = [Frequency::Week, Frequency::Month, Frequency::Quarter, Frequency::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Week => "week",
            Frequency::Month => "month",
            Frequency::Quarter => "quarter",
            Frequency::Year => "year",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Frequency::Week => "每周",
            Frequency::Month => "每月",
            Frequency::Quarter => "每季度",
            Frequency::Year => "全年",
        }
    }

    pub fn parse(s: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == s || f.label() == s)
    }
}

/// A period that does not count for a target (疫情期间).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exemption {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub reason: String,
}

/// A rule over one org's activities (and optionally its subtree) in a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub id: Id,
    pub org_id: Id,
    pub year: i32,
    /// Activity kind code.
    pub kind: String,
    pub frequency: Frequency,
    pub min_count: u32,
    /// Count the activities of the whole subtree, not just the org's own.
    pub include_subtree: bool,
    pub title: String,
    pub exemptions: Vec<Exemption>,
}

/// The state of one bucket (a week, month, quarter or the year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BucketState {
    Met,
    Missed,
    InProgress,
    Upcoming,
    Exempt,
}

impl BucketState {
    pub fn label(self) -> &'static str {
        match self {
            BucketState::Met => "已完成",
            BucketState::Missed => "未完成",
            BucketState::InProgress => "进行中",
            BucketState::Upcoming => "未开始",
            BucketState::Exempt => "豁免",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub done: u32,
    pub required: u32,
    pub state: BucketState,
}

/// A target judged on a given day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub as_of: NaiveDate,
    pub buckets: Vec<Bucket>,
    /// Activities done in the year so far.
    pub done: u32,
    /// No bucket that has ended fell short.
    pub attained_so_far: bool,
    /// The whole year's requirement is met.
    pub attained: bool,
    /// Labels of the buckets that ended short.
    pub missed: Vec<String>,
    /// Activities still needed, in buckets not yet ended, to meet the year.
    pub still_needed: u32,
    /// For the bucket in progress: how many should be done by now if the
    /// work were spread evenly over it (set only when fewer were done).
    pub behind_pace: Option<u32>,
}

fn bucket_bounds(year: i32, frequency: Frequency) -> Vec<(String, NaiveDate, NaiveDate)> {
    let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    let month_end = |y: i32, m: u32| {
        if m == 12 { ymd(y, 12, 31) } else { ymd(y, m + 1, 1) - Duration::days(1) }
    };
    match frequency {
        Frequency::Year => vec![(format!("{year}年"), ymd(year, 1, 1), ymd(year, 12, 31))],
        Frequency::Quarter => (1..=4u32)
            .map(|q| {
                let label = format!("第{}季度", crate::numerals::to_chinese(q));
                (label, ymd(year, 3 * q - 2, 1), month_end(year, 3 * q))
            })
            .collect(),
        Frequency::Month => (1..=12).map(|m| (format!("{m}月"), ymd(year, m, 1), month_end(year, m))).collect(),
        Frequency::Week => {
            // ISO weeks of the ISO year: Monday to Sunday.
            let mut weeks = Vec::new();
            let mut w = 1;
            while let Some(monday) = NaiveDate::from_isoywd_opt(year, w, Weekday::Mon) {
                if monday.iso_week().year() != year {
                    break;
                }
                let sunday = monday + Duration::days(6);
                weeks.push((
                    format!("第{w}周（{}—{}）", monday.format("%-m月%-d日"), sunday.format("%-m月%-d日")),
                    monday,
                    sunday,
                ));
                w += 1;
            }
            weeks
        }
    }
}

/// Days of `[start, end]` that lie inside any exemption.
fn exempt_days(start: NaiveDate, end: NaiveDate, exemptions: &[Exemption]) -> i64 {
    let mut day = start;
    let mut n = 0;
    while day <= end {
        if exemptions.iter().any(|e| e.start <= day && day <= e.end) {
            n += 1;
        }
        day += Duration::days(1);
    }
    n
}

impl Target {
    /// Judges the target at the end of the day `as_of`, given the dates of
    /// the matching activities. A bucket is exempt when at least half of its days lie in
    /// exemption periods.
    pub fn evaluate(&self, activity_dates: &[NaiveDate], as_of: NaiveDate) -> Evaluation {
        let per_bucket = self.min_count;
        let mut buckets = Vec::new();
        for (label, start, end) in bucket_bounds(self.year, self.frequency) {
            let done = activity_dates.iter().filter(|d| start <= **d && **d <= end).count() as u32;
            let days = (end - start).num_days() + 1;
            let state = if exempt_days(start, end, &self.exemptions) * 2 >= days {
                BucketState::Exempt
            } else if done >= per_bucket {
                BucketState::Met
            } else if end <= as_of {
                BucketState::Missed
            } else if start <= as_of {
                BucketState::InProgress
            } else {
                BucketState::Upcoming
            };
            buckets.push(Bucket { label, start, end, done, required: per_bucket, state });
        }
        let done = activity_dates.iter().filter(|d| d.year() == self.year && **d <= as_of).count() as u32;
        let missed: Vec<String> =
            buckets.iter().filter(|b| b.state == BucketState::Missed).map(|b| b.label.clone()).collect();
        let still_needed = buckets
            .iter()
            .filter(|b| matches!(b.state, BucketState::InProgress | BucketState::Upcoming))
            .map(|b| b.required.saturating_sub(b.done))
            .sum();
        let attained = missed.is_empty() && still_needed == 0;
        let behind_pace = buckets.iter().find(|b| b.state == BucketState::InProgress).and_then(|b| {
            let days = (b.end - b.start).num_days() + 1;
            let elapsed = (as_of - b.start).num_days() + 1;
            // Rounded to the nearest whole activity.
            let expected = ((2 * i64::from(b.required) * elapsed + days) / (2 * days)) as u32;
            (b.done < expected).then_some(expected)
        });
        Evaluation {
            as_of,
            buckets,
            done,
            attained_so_far: missed.is_empty(),
            attained,
            missed,
            still_needed,
            behind_pace,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn target(frequency: Frequency, min_count: u32, exemptions: Vec<Exemption>) -> Target {
        Target {
            id: 1,
            org_id: 1,
            year: 2020,
            kind: "study_day".into(),
            frequency,
            min_count,
            include_subtree: false,
            title: "测试".into(),
            exemptions,
        }
    }

    #[test]
    fn yearly_target_counts_what_is_still_needed() {
        let t = target(Frequency::Year, 10, vec![]);
        let dates = [d(2020, 1, 10), d(2020, 3, 6), d(2020, 5, 8), d(2020, 6, 12)];
        let e = t.evaluate(&dates, d(2020, 6, 30));
        assert_eq!((e.done, e.still_needed, e.attained_so_far, e.attained), (4, 6, true, false));
        // Half the year gone: about 5 should be done.
        assert_eq!(e.behind_pace, Some(5));
        assert_eq!(t.evaluate(&dates, d(2020, 4, 30)).behind_pace, None);
        assert_eq!(e.buckets[0].state, BucketState::InProgress);
        let e = t.evaluate(&dates, d(2021, 1, 1));
        assert_eq!(e.missed, vec!["2020年"]);
    }

    #[test]
    fn monthly_target_names_the_months_missed() {
        let t = target(Frequency::Month, 1, vec![]);
        let dates = [d(2020, 1, 15), d(2020, 3, 2), d(2020, 3, 20), d(2020, 5, 5)];
        let e = t.evaluate(&dates, d(2020, 6, 30));
        assert_eq!(e.missed, vec!["2月", "4月", "6月"]);
        assert!(!e.attained_so_far);
        // July to December still need one each.
        assert_eq!(e.still_needed, 6);
    }

    #[test]
    fn weekly_target_skips_the_exempt_weeks() {
        let exemption = Exemption { start: d(2020, 1, 20), end: d(2020, 3, 22), reason: "疫情期间".into() };
        let t = target(Frequency::Week, 1, vec![exemption]);
        // Every Friday of H1 outside the epidemic period.
        let mut dates = Vec::new();
        let mut day = d(2020, 1, 3);
        while day <= d(2020, 6, 30) {
            if !(d(2020, 1, 20) <= day && day <= d(2020, 3, 22)) {
                dates.push(day);
            }
            day += Duration::days(7);
        }
        let e = t.evaluate(&dates, d(2020, 6, 30));
        assert!(e.attained_so_far, "missed {:?}", e.missed);
        let exempt = e.buckets.iter().filter(|b| b.state == BucketState::Exempt).count();
        assert_eq!(exempt, 9);
        assert_eq!(e.buckets.len(), 53, "2020 has 53 ISO weeks");

        // Skip one Friday outside the exemption: that week is reported.
        let fewer: Vec<_> = dates.iter().copied().filter(|x| *x != d(2020, 4, 10)).collect();
        let e = t.evaluate(&fewer, d(2020, 6, 30));
        assert_eq!(e.missed, vec!["第15周（4月6日—4月12日）"]);
    }

    #[test]
    fn quarterly_buckets_and_frequency_names() {
        let t = target(Frequency::Quarter, 2, vec![]);
        let e = t.evaluate(&[d(2020, 2, 1), d(2020, 3, 1), d(2020, 4, 1)], d(2020, 7, 1));
        let states: Vec<_> = e.buckets.iter().map(|b| b.state).collect();
        assert_eq!(states, vec![BucketState::Met, BucketState::Missed, BucketState::InProgress, BucketState::Upcoming]);
        assert_eq!(e.buckets[1].label, "第二季度");
        assert_eq!(Frequency::parse("每月"), Some(Frequency::Month));
        assert_eq!(Frequency::parse("month"), Some(Frequency::Month));
    }
}

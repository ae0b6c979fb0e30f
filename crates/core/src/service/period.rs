//! The working period: the one period the whole app opens on for a user
//! (dashboard, summary, responsibility, reviews), chosen from a picker and
//! remembered by the caller until changed.

use chrono::Datelike;

use super::Services;
use crate::auth::{Actor, now};
use crate::error::Result;
use crate::period::Period;

/// The years a picker offers: this year and the six before it, and the
/// chosen period's year when it lies outside them.
const PICKER_YEARS: i32 = 7;

/// One year of a period picker: the whole year, its halves (as users say
/// them: 上半年, 下半年), its quarters and its months.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PeriodYear {
    pub year: i32,
    /// (code, label) pairs: "2020H1", "2020年上半年".
    pub choices: Vec<(String, String)>,
}

impl Services {
    /// The period a user opens on when they have chosen none: the current
    /// half-year, or, when the actor's orgs have no records in it yet, the
    /// half-year of their latest records.
    pub async fn default_period(&self, actor: &Actor) -> Result<Period> {
        let today = now().date_naive();
        let current = half_of(today.year(), today.month());
        let latest = self.store.activity_latest_month(&actor.scope_path).await?;
        let latest = latest.as_deref().and_then(|m| {
            let (y, m) = m.split_once('-')?;
            Some(half_of(y.parse().ok()?, m.parse().ok()?))
        });
        Ok(match latest {
            Some(half) if half.start() < current.start() => half,
            _ => current,
        })
    }
}

fn half_of(year: i32, month: u32) -> Period {
    Period::Half(year, if month <= 6 { 1 } else { 2 })
}

/// The choices of a period picker, newest year first.
pub fn period_years(selected: Option<Period>) -> Vec<PeriodYear> {
    let this_year = now().date_naive().year();
    let mut years: Vec<i32> = (this_year - PICKER_YEARS + 1..=this_year).rev().collect();
    if let Some(y) = selected.map(|p| p.year())
        && !years.contains(&y)
    {
        years.push(y);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    years
        .into_iter()
        .map(|year| {
            let mut periods = vec![Period::Year(year), Period::Half(year, 1), Period::Half(year, 2)];
            periods.extend((1..=4).map(|q| Period::Quarter(year, q)));
            periods.extend((1..=12).map(|m| Period::Month(year, m)));
            PeriodYear { year, choices: periods.into_iter().map(|p| (p.code(), p.label())).collect() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picker_names_halves_as_users_say_them() {
        let years = period_years(Some(Period::Half(1990, 1)));
        assert_eq!(years.last().unwrap().year, 1990, "the chosen year is offered");
        let choices = &years.last().unwrap().choices;
        assert_eq!(choices[0], ("1990".to_owned(), "1990年".to_owned()));
        assert_eq!(choices[1], ("1990H1".to_owned(), "1990年上半年".to_owned()));
        assert_eq!(choices[2], ("1990H2".to_owned(), "1990年下半年".to_owned()));
        assert_eq!(choices.len(), 19);
    }
}

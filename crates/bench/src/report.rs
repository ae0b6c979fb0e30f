//! Timing samples, percentiles and the Markdown tables the harness prints.

use std::future::Future;
use std::time::{Duration, Instant};

/// Durations of repeated runs of one measure.
#[derive(Debug, Clone, Default)]
pub struct Samples(Vec<Duration>);

impl Samples {
    pub fn from_vec(mut all: Vec<Duration>) -> Samples {
        all.sort();
        Samples(all)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Nearest-rank percentile, `p` in 0..=100.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.0.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1]
    }

    pub fn median(&self) -> Duration {
        self.percentile(50.0)
    }

    pub fn p95(&self) -> Duration {
        self.percentile(95.0)
    }
}

/// Runs `f` once to warm up, then `runs` times, timing each run.
pub async fn time_runs<T, E, F, Fut>(runs: usize, mut f: F) -> Result<Samples, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    std::hint::black_box(f().await?);
    let mut all = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let out = f().await?;
        all.push(start.elapsed());
        std::hint::black_box(out);
    }
    Ok(Samples::from_vec(all))
}

/// Milliseconds with three decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// "12.3×" — how many times the baseline.
pub fn times(value: f64, baseline: f64) -> String {
    if baseline <= 0.0 || !value.is_finite() {
        return "—".to_owned();
    }
    let r = value / baseline;
    if r >= 100.0 {
        format!("{r:.0}×")
    } else if r >= 10.0 {
        format!("{r:.1}×")
    } else {
        format!("{r:.2}×")
    }
}

pub fn ratio(value: Duration, baseline: Duration) -> String {
    times(value.as_secs_f64(), baseline.as_secs_f64())
}

/// Thousands separated by commas.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A Markdown table: measure, value, unit, ratio to baseline.
pub struct Table {
    title: String,
    rows: Vec<[String; 4]>,
}

impl Table {
    pub fn new(title: impl Into<String>) -> Table {
        Table { title: title.into(), rows: Vec::new() }
    }

    pub fn row(&mut self, measure: impl Into<String>, value: impl Into<String>, unit: &str, ratio: impl Into<String>) {
        self.rows.push([measure.into(), value.into(), unit.to_owned(), ratio.into()]);
    }

    /// A row without a ratio.
    pub fn fact(&mut self, measure: impl Into<String>, value: impl Into<String>, unit: &str) {
        self.row(measure, value, unit, "—");
    }

    pub fn print(&self) {
        println!("### {}\n", self.title);
        println!("| measure | value | unit | ratio to baseline |");
        println!("|---|---:|---|---:|");
        for [m, v, u, r] in &self.rows {
            println!("| {m} | {v} | {u} | {r} |");
        }
        println!();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let s = Samples::from_vec((1..=20).rev().map(Duration::from_millis).collect());
        assert_eq!(s.median(), Duration::from_millis(10));
        assert_eq!(s.p95(), Duration::from_millis(19));
        assert_eq!(s.percentile(100.0), Duration::from_millis(20));
        assert_eq!(s.percentile(0.0), Duration::from_millis(1));
        assert_eq!(Samples::default().median(), Duration::ZERO);
    }

    #[test]
    fn formats() {
        assert_eq!(count(500_000), "500,000");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(times(3.0, 2.0), "1.50×");
        assert_eq!(times(250.0, 2.0), "125×");
        assert_eq!(times(1.0, 0.0), "—");
        assert_eq!(ms(Duration::from_micros(1500)), "1.500");
    }
}

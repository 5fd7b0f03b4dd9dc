//! The median of a few runs with its min and max, and the report's words for it. The median, not the mean: one
//! run disturbed by another process on the shared cores should not move the figure a target is judged on, and
//! min and max show that it happened.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub count: usize,
}

impl Spread {
    /// `None` for no values; with an even count the median is the mean of the middle two.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut sorted: Vec<f64> = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let count = sorted.len();
        let (first, last) = (sorted.first()?, sorted.last()?);
        let median = if count % 2 == 1 {
            sorted[count / 2]
        } else {
            (sorted[count / 2 - 1] + sorted[count / 2]) / 2.0
        };
        Some(Spread {
            median,
            min: *first,
            max: *last,
            count,
        })
    }

    /// Of durations, in seconds.
    pub fn of_durations(durations: &[Duration]) -> Option<Spread> {
        let seconds: Vec<f64> = durations.iter().map(Duration::as_secs_f64).collect();
        Spread::of(&seconds)
    }

    /// `1.13x (median of 5 pairs; min 0.98x, max 1.21x)`.
    pub fn ratio_cell(&self) -> String {
        format!(
            "{:.2}x (median of {} {}; min {:.2}x, max {:.2}x)",
            self.median,
            self.count,
            plural(self.count, "pair"),
            self.min,
            self.max
        )
    }

    /// Seconds as `1.23 s median (1.10–1.40 s)`, or in milliseconds below a second.
    pub fn time_cell(&self) -> String {
        let (unit, scale, digits) = if self.max < 1.0 {
            ("ms", 1000.0, 0)
        } else {
            ("s", 1.0, 2)
        };
        format!(
            "{:.digits$} {unit} median ({:.digits$}–{:.digits$} {unit})",
            self.median * scale,
            self.min * scale,
            self.max * scale
        )
    }

    /// `790 ms (median of 5 runs; min 750 ms, max 830 ms)`, for a figure without a peer.
    pub fn runs_cell(&self) -> String {
        let (unit, scale, digits) = if self.max < 1.0 {
            ("ms", 1000.0, 1)
        } else {
            ("s", 1.0, 2)
        };
        format!(
            "{:.digits$} {unit} (median of {} {}; min {:.digits$} {unit}, max {:.digits$} {unit})",
            self.median * scale,
            self.count,
            plural(self.count, "run"),
            self.min * scale,
            self.max * scale
        )
    }
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_odd_count_is_the_middle_value_whatever_the_order() {
        let spread = Spread::of(&[3.0, 1.0, 100.0, 2.0, 4.0]).unwrap();
        assert_eq!(spread.median, 3.0);
        assert_eq!((spread.min, spread.max, spread.count), (1.0, 100.0, 5));
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(Spread::of(&[4.0, 1.0, 2.0, 3.0]).unwrap().median, 2.5);
    }

    #[test]
    fn no_values_have_no_spread() {
        assert_eq!(Spread::of(&[]), None);
    }

    #[test]
    fn a_ratio_cell_names_the_median_the_pairs_and_the_extremes() {
        let spread = Spread::of(&[1.21, 0.98, 1.13, 1.10, 1.15]).unwrap();
        assert_eq!(
            spread.ratio_cell(),
            "1.13x (median of 5 pairs; min 0.98x, max 1.21x)"
        );
    }

    #[test]
    fn times_read_in_seconds_or_milliseconds() {
        let slow = Spread::of(&[1.1, 1.4, 1.23]).unwrap();
        assert_eq!(slow.time_cell(), "1.23 s median (1.10–1.40 s)");
        let fast = Spread::of_durations(&[Duration::from_millis(790), Duration::from_millis(750)]);
        assert_eq!(fast.unwrap().time_cell(), "770 ms median (750–790 ms)");
        let runs = Spread::of(&[0.79, 0.75, 0.83, 0.8, 0.78]).unwrap();
        assert_eq!(
            runs.runs_cell(),
            "790.0 ms (median of 5 runs; min 750.0 ms, max 830.0 ms)"
        );
    }
}

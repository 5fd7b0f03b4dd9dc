//! Wall-clock instants in whole seconds, formatted the ways the vendor APIs want them. Small enough to write by
//! hand, which keeps a date crate out of the demo server.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use docket_core::calendar::{civil_from_days, days_from_civil};

/// Seconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub fn from_unix(seconds: i64) -> Timestamp {
        Timestamp(seconds)
    }

    /// A UTC calendar date and time; the sample library is built from these.
    pub fn utc(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Timestamp {
        let days = days_from_civil(year, month, day);
        Timestamp(days * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
    }

    pub fn now() -> Timestamp {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Timestamp(i64::try_from(seconds).unwrap_or(i64::MAX))
    }

    pub fn unix(self) -> i64 {
        self.0
    }

    pub fn plus(self, duration: Duration) -> Timestamp {
        let seconds = i64::try_from(duration.as_secs()).unwrap_or(i64::MAX);
        Timestamp(self.0.saturating_add(seconds))
    }

    /// `2024-06-15T09:30:00Z`
    pub fn rfc3339(self) -> String {
        let (date, (h, m, s)) = self.parts();
        format!("{date}T{h:02}:{m:02}:{s:02}Z")
    }

    /// `2024-06-15`, as infoRouter's `ModificationDate`.
    pub fn date(self) -> String {
        self.parts().0
    }

    /// `Sat, 15 Jun 2024 09:30:00 GMT`, for `Last-Modified`.
    pub fn http_date(self) -> String {
        const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let days = self.0.div_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let (h, m, s) = self.parts().1;
        // 1970-01-01 was a Thursday.
        let weekday = WEEKDAYS[(days + 4).rem_euclid(7) as usize];
        let month = MONTHS[(month - 1) as usize];
        format!("{weekday}, {day:02} {month} {year} {h:02}:{m:02}:{s:02} GMT")
    }

    fn parts(self) -> (String, (i64, i64, i64)) {
        let (year, month, day) = civil_from_days(self.0.div_euclid(86_400));
        let secs = self.0.rem_euclid(86_400);
        (
            format!("{year:04}-{month:02}-{day:02}"),
            (secs / 3600, secs / 60 % 60, secs % 60),
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_epoch_is_midnight_on_new_years_day_1970() {
        assert_eq!(Timestamp::utc(1970, 1, 1, 0, 0, 0).unix(), 0);
        assert_eq!(Timestamp::from_unix(0).rfc3339(), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn a_calendar_time_round_trips_through_rfc3339() {
        let t = Timestamp::utc(2024, 2, 29, 23, 59, 58);
        assert_eq!(t.unix(), 1_709_251_198);
        assert_eq!(t.rfc3339(), "2024-02-29T23:59:58Z");
        assert_eq!(t.date(), "2024-02-29");
    }

    #[test]
    fn http_dates_name_the_weekday_and_month() {
        let t = Timestamp::utc(2024, 6, 15, 9, 30, 0);
        assert_eq!(t.http_date(), "Sat, 15 Jun 2024 09:30:00 GMT");
    }

    #[test]
    fn adding_a_duration_moves_forward_by_whole_seconds() {
        let t = Timestamp::utc(2024, 12, 31, 23, 0, 0).plus(Duration::from_secs(3600));
        assert_eq!(t.rfc3339(), "2025-01-01T00:00:00Z");
    }
}

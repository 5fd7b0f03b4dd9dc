//! `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, and the most of it Docket honours. A server
//! may ask for any wait; a transfer that sleeps for a week on a server's word looks hung, so a longer wait is
//! cut to [`MAX_WAIT`] (and logged) before anything sleeps on it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::calendar::days_from_civil;

/// The longest wait a server's `Retry-After` gets: after it the retry policy tries again (and gives up after its
/// own attempts), so a hostile or confused server cannot park a transfer for days.
pub const MAX_WAIT: Duration = Duration::from_secs(60 * 60);

/// The wait `value` asks for, capped at [`MAX_WAIT`]. An HTTP-date counts from the answer's own `Date` when it
/// has a readable one (so a skewed local clock neither stretches nor shrinks the wait), else from now. `None`
/// when `value` is neither form.
pub fn honoured(value: &str, date: Option<&str>) -> Option<Duration> {
    let now = date
        .and_then(parse_http_date)
        .unwrap_or_else(SystemTime::now);
    requested(value, now).map(cap)
}

/// The wait `value` asks for as sent, measured from `now`: delay-seconds (a number too large for any clock
/// reads as the longest wait), or an HTTP-date (one already past asks for none).
pub fn requested(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `asked`, or [`MAX_WAIT`] when it is longer (said in the log, since the server's wish is not honoured).
pub fn cap(asked: Duration) -> Duration {
    if asked > MAX_WAIT {
        tracing::warn!(
            "the server asked to wait {} s before trying again; Docket waits at most {} s",
            asked.as_secs(),
            MAX_WAIT.as_secs()
        );
        MAX_WAIT
    } else {
        asked
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An HTTP-date in any of the three forms RFC 9110 §5.6.7 has recipients accept:
/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 850) and
/// `Sun Nov  6 08:49:37 1994` (asctime). The weekday is checked to be a weekday name, not against the date.
pub fn parse_http_date(text: &str) -> Option<SystemTime> {
    let tokens: Vec<&str> = text.split([' ', ',']).filter(|t| !t.is_empty()).collect();
    let (year, month, day, clock) = match tokens.as_slice() {
        [weekday, day, month, year, clock, "GMT"] if WEEKDAYS.contains(weekday) => (
            four_digits(year)?,
            month_number(month)?,
            two_digits(day)?,
            *clock,
        ),
        [weekday, date, clock, "GMT"] if LONG_WEEKDAYS.contains(weekday) => {
            let mut parts = date.split('-');
            let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            (
                rfc850_year(year)?,
                month_number(month)?,
                two_digits(day)?,
                *clock,
            )
        }
        [weekday, month, day, clock, year] if WEEKDAYS.contains(weekday) => {
            let day = match day.len() {
                1 => u32::from(digit(day.as_bytes()[0])?),
                _ => two_digits(day)?,
            };
            (four_digits(year)?, month_number(month)?, day, *clock)
        }
        _ => return None,
    };
    if !(1..=31).contains(&day) {
        return None;
    }
    let (hour, minute, second) = clock_of(clock)?;
    let days = days_from_civil(i64::from(year), month, day);
    let seconds = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(seconds).ok()?))
}

fn digit(byte: u8) -> Option<u8> {
    byte.is_ascii_digit().then(|| byte - b'0')
}

fn two_digits(text: &str) -> Option<u32> {
    match text.as_bytes() {
        [a, b] => Some(u32::from(digit(*a)?) * 10 + u32::from(digit(*b)?)),
        _ => None,
    }
}

fn four_digits(text: &str) -> Option<u32> {
    match text.as_bytes() {
        [a, b, c, d] => Some(
            [a, b, c, d]
                .into_iter()
                .try_fold(0u32, |acc, b| Some(acc * 10 + u32::from(digit(*b)?)))?,
        ),
        _ => None,
    }
}

/// A two-digit year: RFC 9110 reads one that would be more than 50 years ahead as the past century; against
/// today's calendar that makes 00-69 this century and 70-99 the last.
fn rfc850_year(text: &str) -> Option<u32> {
    let yy = two_digits(text)?;
    Some(if yy < 70 { 2000 + yy } else { 1900 + yy })
}

fn month_number(text: &str) -> Option<u32> {
    let index = MONTHS.iter().position(|m| *m == text)?;
    u32::try_from(index + 1).ok()
}

/// `08:49:37`; a leap second (60) is accepted as the next second's start, as clocks read it.
fn clock_of(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.split(':');
    let hour = two_digits(parts.next()?)?;
    let minute = two_digits(parts.next()?)?;
    let second = two_digits(parts.next()?)?;
    if parts.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some((hour, minute, second))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, DATE, RETRY_AFTER};

    /// 1994-11-06T08:49:37Z, the RFC's own example instant.
    fn rfc_example() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(784_111_777)
    }

    #[test]
    fn all_three_http_date_forms_read_as_the_same_instant() {
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(text), Some(rfc_example()), "{text}");
        }
    }

    #[test]
    fn what_is_not_an_http_date_is_refused() {
        for text in [
            "",
            "tomorrow",
            "Sun, 06 Nov 1994 08:49:37 CET",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94-1 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(text), None, "{text}");
        }
    }

    #[test]
    fn delay_seconds_are_read_as_given() {
        assert_eq!(
            requested(" 120 ", rfc_example()),
            Some(Duration::from_secs(120))
        );
        assert_eq!(requested("-5", rfc_example()), None);
        assert_eq!(requested("1.5", rfc_example()), None);
    }

    #[test]
    fn a_date_asks_for_the_time_until_it_and_a_past_date_for_none() {
        let now = rfc_example() - Duration::from_secs(90);
        assert_eq!(
            requested("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(90))
        );
        let later = rfc_example() + Duration::from_secs(5);
        assert_eq!(
            requested("Sun, 06 Nov 1994 08:49:37 GMT", later),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn a_wait_beyond_an_hour_is_cut_to_an_hour() {
        assert_eq!(honoured("86400", None), Some(MAX_WAIT));
        assert_eq!(honoured("99999999999999999999999999", None), Some(MAX_WAIT));
        assert_eq!(
            honoured("Fri, 01 Jan 9999 00:00:00 GMT", None),
            Some(MAX_WAIT)
        );
        assert_eq!(honoured("30", None), Some(Duration::from_secs(30)));
    }

    #[test]
    fn a_date_counts_from_the_answers_own_date_header() {
        assert_eq!(
            honoured(
                "Sun, 06 Nov 1994 08:50:07 GMT",
                Some("Sun, 06 Nov 1994 08:49:37 GMT")
            ),
            Some(Duration::from_secs(30))
        );
    }

    #[test]
    fn the_shared_http_mapping_honours_the_date_form_and_the_cap() {
        let mut headers = HeaderMap::new();
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:51:37 GMT"),
        );
        headers.insert(
            DATE,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(
            crate::http::retry_after(&headers),
            Some(Duration::from_secs(120))
        );
        headers.insert(RETRY_AFTER, HeaderValue::from_static("604800"));
        assert_eq!(crate::http::retry_after(&headers), Some(MAX_WAIT));
    }
}

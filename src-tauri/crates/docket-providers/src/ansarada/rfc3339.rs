//! Reads the RFC 3339 instants the API gives (`expiresAt`), so a presigned URL's expiry reaches the engine.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use docket_core::calendar::days_from_civil;

/// `2024-06-15T09:30:00Z`, `2024-06-15T09:30:00.123+02:00`, ... as a `SystemTime`; `None` when it is not one.
pub fn parse(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let (date, rest) = text.split_once(['T', 't', ' '])?;
    let mut date_parts = date.splitn(3, '-');
    // Fixed-width digits, as RFC 3339 has them: a year of twenty digits would overflow the day count.
    let year: i64 = digits(date_parts.next()?, 4)?;
    let month = u32::try_from(digits(date_parts.next()?, 2)?).ok()?;
    let day = u32::try_from(digits(date_parts.next()?, 2)?).ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (clock, offset_seconds) = split_offset(rest)?;
    let (whole, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let mut clock_parts = whole.splitn(3, ':');
    let hour = digits(clock_parts.next()?, 2)?;
    let minute = digits(clock_parts.next()?, 2)?;
    let second = digits(clock_parts.next()?, 2)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let nanos = fraction_nanos(fraction)?;
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_seconds;
    let seconds = u64::try_from(seconds).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(seconds, nanos))
}

/// Splits `09:30:00+02:00` into the clock and the offset in seconds east of UTC.
fn split_offset(rest: &str) -> Option<(&str, i64)> {
    if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let at = rest.rfind(['+', '-'])?;
    let (clock, offset) = rest.split_at(at);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let (h, m) = offset[1..].split_once(':')?;
    let h = digits(h, 2)?;
    let m = digits(m, 2)?;
    if h > 23 || m > 59 {
        return None;
    }
    Some((clock, sign * (h * 3600 + m * 60)))
}

/// Exactly `width` ASCII digits.
fn digits(text: &str, width: usize) -> Option<i64> {
    if text.len() != width || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn fraction_nanos(fraction: &str) -> Option<u32> {
    if fraction.is_empty() {
        return Some(0);
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: String = fraction
        .chars()
        .chain(std::iter::repeat('0'))
        .take(9)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(text: &str) -> Option<u64> {
        parse(text).map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs())
    }

    #[test]
    fn utc_instants_are_read_to_the_second() {
        assert_eq!(unix("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix("2024-02-29T23:59:58Z"), Some(1_709_251_198));
    }

    #[test]
    fn offsets_and_fractions_are_honoured() {
        assert_eq!(unix("2024-02-29T23:59:58.750Z"), Some(1_709_251_198));
        assert_eq!(unix("2024-03-01T01:59:58+02:00"), Some(1_709_251_198));
        assert_eq!(unix("2024-02-29T18:59:58-05:00"), Some(1_709_251_198));
        let nanos = parse("1970-01-01T00:00:00.5Z")
            .unwrap()
            .duration_since(UNIX_EPOCH)
            .unwrap();
        assert_eq!(nanos, Duration::from_millis(500));
    }

    #[test]
    fn text_that_is_not_an_instant_gives_none() {
        assert_eq!(unix("tomorrow"), None);
        assert_eq!(unix("2024-13-01T00:00:00Z"), None);
        assert_eq!(unix("2024-06-15"), None);
    }

    #[test]
    fn a_year_or_offset_too_large_for_any_clock_gives_none_without_overflowing() {
        assert_eq!(unix("99999999999999999-01-01T00:00:00Z"), None);
        assert_eq!(unix("2024-01-01T00:00:00+99999999999999:00"), None);
        assert_eq!(unix("2024-01-01T-1:00:00Z"), None);
    }
}

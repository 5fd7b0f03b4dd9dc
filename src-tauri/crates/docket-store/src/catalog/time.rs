//! Times as the catalog stores them: unix milliseconds, and server dates made sortable.

use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `2024-06-15T09:30:00Z` → `2024-06-15T09:30:00`; `2024-06-15` → `2024-06-15`; anything that does not start
/// with an ISO date → `None`. Date filters compare these strings, which sort like the instants they name
/// (time zones are ignored: a filter by day does not need them).
pub(crate) fn sortable_date(text: &str) -> Option<String> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let is_date = digits(0..4)
        && bytes.get(4) == Some(&b'-')
        && digits(5..7)
        && bytes.get(7) == Some(&b'-')
        && digits(8..10);
    if !is_date {
        return None;
    }
    let date = &text[..10];
    let has_time = matches!(bytes.get(10), Some(b'T' | b't' | b' '))
        && digits(11..13)
        && bytes.get(13) == Some(&b':')
        && digits(14..16);
    if !has_time {
        return Some(date.to_owned());
    }
    let seconds = if bytes.get(16) == Some(&b':') && digits(17..19) {
        &text[17..19]
    } else {
        "00"
    };
    Some(format!("{date}T{}:{seconds}", &text[11..16]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_and_times_become_sortable_and_other_text_does_not() {
        assert_eq!(
            sortable_date("2024-06-15T09:30:00Z").as_deref(),
            Some("2024-06-15T09:30:00")
        );
        assert_eq!(
            sortable_date("2024-06-15 09:30").as_deref(),
            Some("2024-06-15T09:30:00")
        );
        assert_eq!(sortable_date("2024-06-15").as_deref(), Some("2024-06-15"));
        assert_eq!(sortable_date("15/06/2024"), None);
        assert_eq!(sortable_date(""), None);
    }
}

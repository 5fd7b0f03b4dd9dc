//! `--offline-wait`: how long a run waits for an unreachable server before it gives up (the transfers stay
//! queued), as people write durations.

use std::time::Duration;

/// What a run waits when nothing is said: long enough for a blip, short enough that a server that never
/// answers ends a `docket get` within two minutes (a 30 s silence, a 15 s probe, then this).
pub const DEFAULT_OFFLINE_WAIT: Duration = Duration::from_secs(60);

/// How long to wait; `None` waits as long as it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfflineWait(pub Option<Duration>);

impl Default for OfflineWait {
    fn default() -> Self {
        OfflineWait(Some(DEFAULT_OFFLINE_WAIT))
    }
}

/// `90`, `90s`, `5m`, `1h`, `0` (do not wait), `forever`.
pub fn parse_offline_wait(text: &str) -> Result<OfflineWait, String> {
    let trimmed = text.trim().to_ascii_lowercase();
    if trimmed == "forever" || trimmed == "never-give-up" {
        return Ok(OfflineWait(None));
    }
    let bad = || {
        format!(
            "`{text}` is not a duration: give seconds (`90`), or a number with s, m or h (`90s`, `5m`, `1h`), \
             or `forever`"
        )
    };
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "" | "s" | "sec" | "secs" => number,
        "m" | "min" | "mins" => number.checked_mul(60).ok_or_else(bad)?,
        "h" => number.checked_mul(3600).ok_or_else(bad)?,
        _ => return Err(bad()),
    };
    Ok(OfflineWait(Some(Duration::from_secs(seconds))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        let wait = |text| parse_offline_wait(text).unwrap().0;
        assert_eq!(wait("90"), Some(Duration::from_secs(90)));
        assert_eq!(wait("90s"), Some(Duration::from_secs(90)));
        assert_eq!(wait("5m"), Some(Duration::from_secs(300)));
        assert_eq!(wait("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(wait("0"), Some(Duration::ZERO));
        assert_eq!(wait("forever"), None);
    }

    #[test]
    fn anything_else_is_refused_with_examples() {
        let err = parse_offline_wait("soon").unwrap_err();
        assert!(
            err.contains("`soon` is not a duration") && err.contains("5m"),
            "{err}"
        );
        assert!(parse_offline_wait("-5").is_err());
        assert!(parse_offline_wait("5d").is_err());
    }
}

//! The `Range` request header, single ranges only: what S3-style presigned URLs honour. Multiple ranges are
//! answered with the whole file, which RFC 9110 allows.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeRequest {
    /// No usable range: send everything with 200.
    Full,
    /// Send these bytes with 206.
    Partial(Range<u64>),
    /// The range starts past the end: answer 416.
    Unsatisfiable,
}

/// Reads a `Range` header value against a file of `len` bytes.
pub fn parse(header: Option<&str>, len: u64) -> RangeRequest {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return RangeRequest::Full;
    };
    let number = |s: &str| s.trim().parse::<u64>().ok();
    match (first.trim().is_empty(), number(first), number(last)) {
        // bytes=-N: the last N bytes.
        (true, _, Some(suffix)) if suffix > 0 && len > 0 => {
            RangeRequest::Partial(len - suffix.min(len)..len)
        }
        (true, _, Some(_)) => RangeRequest::Unsatisfiable,
        (false, Some(start), _) if start >= len => RangeRequest::Unsatisfiable,
        (false, Some(start), None) if last.trim().is_empty() => RangeRequest::Partial(start..len),
        (false, Some(start), Some(end)) if end >= start => {
            RangeRequest::Partial(start..len.min(end.saturating_add(1)))
        }
        _ => RangeRequest::Full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RangeRequest::*;

    #[test]
    fn a_closed_range_includes_its_last_byte() {
        assert_eq!(parse(Some("bytes=0-99"), 1000), Partial(0..100));
    }

    #[test]
    fn an_open_range_runs_to_the_end() {
        assert_eq!(parse(Some("bytes=900-"), 1000), Partial(900..1000));
    }

    #[test]
    fn a_suffix_range_takes_the_last_bytes_and_at_most_the_file() {
        assert_eq!(parse(Some("bytes=-100"), 1000), Partial(900..1000));
        assert_eq!(parse(Some("bytes=-5000"), 1000), Partial(0..1000));
    }

    #[test]
    fn a_range_ending_past_the_file_is_cut_at_the_end() {
        assert_eq!(parse(Some("bytes=500-5000"), 1000), Partial(500..1000));
    }

    #[test]
    fn a_range_starting_past_the_end_is_unsatisfiable() {
        assert_eq!(parse(Some("bytes=1000-"), 1000), Unsatisfiable);
        assert_eq!(parse(Some("bytes=-0"), 1000), Unsatisfiable);
        assert_eq!(parse(Some("bytes=0-"), 0), Unsatisfiable);
    }

    #[test]
    fn missing_malformed_and_multiple_ranges_mean_the_whole_file() {
        for header in [
            None,
            Some("items=0-1"),
            Some("bytes=5-2"),
            Some("bytes=a-b"),
            Some("bytes=0-1,5-6"),
        ] {
            assert_eq!(parse(header, 1000), Full, "{header:?}");
        }
    }
}

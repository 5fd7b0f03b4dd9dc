//! `--limit-rate`: bytes per second as people write them, with curl's and wget's binary suffixes.

/// `500K`, `20M`, `1.5M/s`, `2MiB`, `1G`, `65536` → bytes per second (K = 1024, M = 1024 K, G = 1024 M).
pub fn parse_rate(text: &str) -> Result<u64, String> {
    let bad = || {
        format!(
            "`{text}` is not a rate: give bytes per second, optionally with K, M or G (1K = 1024), e.g. 500K or 20M"
        )
    };
    let trimmed = text.trim();
    let trimmed = trimmed
        .strip_suffix("/s")
        .or_else(|| trimmed.strip_suffix("/S"))
        .unwrap_or(trimmed);
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: f64 = number.parse().map_err(|_| bad())?;
    let multiplier: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(bad()),
    };
    let bytes = (number * multiplier as f64).round();
    if !bytes.is_finite() || bytes > u64::MAX as f64 {
        return Err(bad());
    }
    if bytes < 1.0 {
        return Err(format!(
            "a rate of `{text}` would never finish: leave --limit-rate out for no limit"
        ));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_multiply_by_powers_of_1024_in_either_case_with_or_without_per_second() {
        assert_eq!(parse_rate("65536"), Ok(65536));
        assert_eq!(parse_rate("500K"), Ok(500 * 1024));
        assert_eq!(parse_rate("20M"), Ok(20 * 1024 * 1024));
        assert_eq!(parse_rate("20m"), Ok(20 * 1024 * 1024));
        assert_eq!(parse_rate("2MiB/s"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_rate("1.5M"), Ok(1_572_864));
        assert_eq!(parse_rate("1G"), Ok(1 << 30));
    }

    #[test]
    fn nonsense_and_zero_are_refused_saying_what_to_write() {
        for text in ["", "fast", "20X", "M", "1.2.3K", "-5K"] {
            let err = parse_rate(text).unwrap_err();
            assert!(err.contains("e.g. 500K or 20M"), "{text}: {err}");
        }
        assert!(parse_rate("0").unwrap_err().contains("never finish"));
    }
}

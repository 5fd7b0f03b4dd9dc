//! Byte counts in words, written once for the `docket` command, the previews and the window's notes.

/// 1536 → "1.5 KiB"; under a KiB, "512 B" (for columns and progress lines).
pub fn human_size(bytes: u64) -> String {
    scaled(bytes).unwrap_or_else(|| format!("{bytes} B"))
}

/// Like [`human_size`], but "512 bytes" under a KiB (for sentences).
pub fn human_bytes(bytes: u64) -> String {
    scaled(bytes).unwrap_or_else(|| format!("{bytes} bytes"))
}

/// The count in the largest binary unit it reaches, with one decimal; `None` under a KiB.
fn scaled(bytes: u64) -> Option<String> {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64 / 1024.0;
    if value < 1.0 {
        return None;
    }
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    Some(format!("{value:.1} {}", UNITS[unit]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(256 * 1024 * 1024), "256.0 MiB");
        assert_eq!(human_size(u64::MAX), "16777216.0 TiB");
    }

    #[test]
    fn in_sentences_small_counts_are_spelled_out() {
        assert_eq!(human_bytes(512), "512 bytes");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(4 << 20), "4.0 MiB");
    }
}

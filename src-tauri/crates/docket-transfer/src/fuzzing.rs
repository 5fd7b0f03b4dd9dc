//! Entry points for the fuzzer (`docket-fuzz`, feature `fuzzing`): what the engine reads from a server's
//! headers, fed raw bytes. Each must give a value or nothing, never panic.

/// A `Content-Range` value: when it reads, its start lies within the length it gives.
pub fn content_range(value: &str) {
    if let Some((start, total)) = crate::ranged::content_range_value(value) {
        assert!(total.is_none_or(|total| start < total), "{value}");
    }
}

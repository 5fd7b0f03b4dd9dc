//! Any bytes as a `Retry-After` value, and after a newline the answer's `Date`: the wait honoured is never more
//! than the cap, whatever the server asks.
#![no_main]

use docket_core::retry_after::{honoured, requested, MAX_WAIT};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (value, date) = match text.split_once('\n') {
        Some((value, date)) => (value, Some(date)),
        None => (text.as_ref(), None),
    };
    if let Some(wait) = honoured(value, date) {
        assert!(wait <= MAX_WAIT, "{value:?} gave {wait:?}");
    }
    let _ = requested(value, std::time::UNIX_EPOCH);
});

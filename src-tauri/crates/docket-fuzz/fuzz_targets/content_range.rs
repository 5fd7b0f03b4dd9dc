//! Any bytes as a `Content-Range` header value: a start within the length, or nothing; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    docket_transfer::fuzzing::content_range(&String::from_utf8_lossy(data));
});

//! Any bytes as a date a server sends (Ansarada's RFC 3339 `expiresAt`, an HTTP-date): an instant or nothing,
//! never an overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    docket_providers::fuzzing::dates(&String::from_utf8_lossy(data));
});

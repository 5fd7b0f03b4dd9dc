//! Any bytes as the error body of a failed presigned-storage download (S3's `<Error><Code>…`), with the HTTP
//! status taken from the first two bytes: a typed error, never a panic, whatever the nesting.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [high, low, rest @ ..] => (100 + u16::from_be_bytes([*high, *low]) % 500, rest),
        _ => (403, data),
    };
    docket_providers::fuzzing::s3_error(status, &String::from_utf8_lossy(body));
});

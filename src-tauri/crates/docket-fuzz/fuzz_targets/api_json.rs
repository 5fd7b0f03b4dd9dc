//! Any bytes as an answer of each registered kind's API (and as an Index Health JSON answer), with the HTTP
//! status taken from the first two bytes: each server's answer and error rules must give data or a
//! `ProviderError`, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 8] = [200, 201, 400, 401, 403, 404, 429, 500];

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((first, rest)) => (STATUSES[usize::from(*first) % STATUSES.len()], rest),
        None => (200, data),
    };
    let text = String::from_utf8_lossy(body);
    for kind in docket_providers::registry::kinds() {
        docket_providers::fuzzing::graphql_answer(kind, status, &text);
    }
    docket_providers::fuzzing::index_health_answer(status, body);
});

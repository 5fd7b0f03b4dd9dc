//! Any bytes as a JSON or GraphQL answer of each JSON API (Ansarada, Index Health, Sage Active, the study
//! creator), with the HTTP status taken from the first two bytes: each server's answer and error rules must
//! give data or a `ProviderError`, never panic.
#![no_main]

use docket_core::Kind;
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 8] = [200, 201, 400, 401, 403, 404, 429, 500];

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((first, rest)) => (STATUSES[usize::from(*first) % STATUSES.len()], rest),
        None => (200, data),
    };
    let text = String::from_utf8_lossy(body);
    for kind in [Kind::Ansarada, Kind::SageActive, Kind::StudyCreator] {
        docket_providers::fuzzing::graphql_answer(kind, status, &text);
    }
    docket_providers::fuzzing::index_health_answer(status, body);
});

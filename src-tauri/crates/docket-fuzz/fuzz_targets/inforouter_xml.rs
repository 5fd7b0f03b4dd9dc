//! Any bytes as an infoRouter XML answer, read as the answer to every method Docket calls: an answer or a
//! `ProviderError`, never a panic, a hang or an allocation out of proportion to the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    docket_providers::fuzzing::inforouter_answer(&String::from_utf8_lossy(data));
});

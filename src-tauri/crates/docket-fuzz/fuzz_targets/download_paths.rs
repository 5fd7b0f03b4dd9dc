//! Any bytes as a download path or document id of each kind (Sage Active link paths, study creator signed-URL
//! answers and ids, infoRouter paths): the URL or `Path` built stays one the provider meant to build.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    docket_providers::fuzzing::download_paths(&String::from_utf8_lossy(data));
});

//! Any bytes as a `Content-Disposition` header and as a raw file name: whatever the server suggests, the name
//! Docket creates is one harmless path component of bounded length.
#![no_main]

use docket_core::content_disposition;
use docket_core::filename::{sanitize_file_name, MAX_NAME_BYTES};
use libfuzzer_sys::fuzz_target;

fn check(name: &str) {
    assert!(!name.is_empty());
    assert!(name.len() <= MAX_NAME_BYTES, "{} bytes", name.len());
    assert!(!name.contains(['/', '\\', ':', '\0']), "{name:?}");
    assert!(!name.chars().any(char::is_control), "{name:?}");
    assert!(
        !name.starts_with('.') && !name.ends_with(['.', ' ']),
        "{name:?}"
    );
    let mut components = std::path::Path::new(name).components();
    assert!(
        matches!(components.next(), Some(std::path::Component::Normal(_)))
            && components.next().is_none(),
        "{name:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&sanitize_file_name(&text));
    if let Some(suggested) = content_disposition::file_name(&text) {
        check(&sanitize_file_name(&suggested));
    }
});

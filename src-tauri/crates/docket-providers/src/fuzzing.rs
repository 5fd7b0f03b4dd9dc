//! Entry points for the fuzzer (`docket-fuzz`, feature `fuzzing`): every parser a server's answer goes
//! through, fed raw bytes. Each must answer `Ok` or a `ProviderError`, never panic or run away.

use docket_core::Kind;

/// An infoRouter XML answer, read as the answer to every method Docket calls.
pub fn inforouter_answer(xml: &str) {
    crate::inforouter::fuzzed::answer(xml);
}

/// An Index Health JSON answer with this HTTP status, decoded as each of its documented shapes.
pub fn index_health_answer(status: u16, body: &[u8]) {
    crate::index_health::fuzzed::answer(status, body);
}

/// An answer with this HTTP status, read with the answer rules of `kind`'s server (its entry's parsers); a kind
/// that is not registered reads nothing.
pub fn graphql_answer(kind: Kind, status: u16, body: &str) {
    if let Ok(entry) = crate::entry(kind) {
        (entry.fuzz_answer)(status, body);
    }
}

/// An S3-style storage error body with this HTTP status, as a failed presigned download answers it.
pub fn s3_error(status: u16, body: &str) {
    let _ = crate::presigned_storage::parse(body);
    if let Ok(status) = reqwest::StatusCode::from_u16(status) {
        let _ = crate::presigned_storage::link_failure(
            status,
            &reqwest::header::HeaderMap::new(),
            body,
        );
    }
}

/// A date as the servers send them: Ansarada's RFC 3339 `expiresAt`, and an HTTP-date.
pub fn dates(text: &str) {
    let _ = crate::ansarada::fuzz_rfc3339(text);
    let _ = docket_core::retry_after::parse_http_date(text);
}

/// Text taken as each kind's download path: a Sage Active link path, a study creator signed-URL answer and
/// document id, an infoRouter path. A signed URL's path always stays on the configured server's routes.
pub fn download_paths(text: &str) {
    let base = "https://api.example.com";
    let url = crate::sage_active::fuzz_link_url(base, text);
    assert!(
        url.starts_with("https://") || url.starts_with("http://"),
        "{url}"
    );
    if let Ok(path) = crate::study_creator::fuzz_download_path(text) {
        assert!(path.starts_with("/download/"), "{path}");
    }
    let _ = crate::study_creator::FuzzDocumentId::parse(text);
    crate::inforouter::fuzzed::paths_of(text);
}

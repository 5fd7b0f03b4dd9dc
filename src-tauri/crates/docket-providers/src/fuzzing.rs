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

/// A GraphQL answer with this HTTP status, read with the error rules of `kind`'s server.
pub fn graphql_answer(kind: Kind, status: u16, body: &str) {
    match kind {
        Kind::Ansarada => crate::ansarada::fuzz_answer(status, body),
        Kind::SageActive => crate::sage_active::fuzz_answer(status, body),
        Kind::StudyCreator => crate::study_creator::fuzz_answer(status, body),
        Kind::IndexHealth => crate::index_health::fuzzed::answer(status, body.as_bytes()),
        Kind::Inforouter => crate::inforouter::fuzzed::answer(body),
    }
}

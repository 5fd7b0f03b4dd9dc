//! Index Health against the in-process demo server: browsing collections, every documented refusal, token
//! re-issue, presigned and direct downloads, and every sample document byte for byte.

mod browsing;
mod direct;
mod helpers;
mod presigned;
#[path = "../support/mod.rs"]
mod support;
mod tokens;

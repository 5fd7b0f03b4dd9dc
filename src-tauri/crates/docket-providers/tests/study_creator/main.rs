//! The study-creator provider against the in-process demo server: browsing over GraphQL, downloads by route,
//! by developer token and by single-use signed URL, every documented error, and every sample's bytes.

mod browsing;
mod bytes;
mod credentials;
mod demo_checks;
mod helpers;
mod not_found;
mod signed_urls;
#[path = "../support/mod.rs"]
mod support;

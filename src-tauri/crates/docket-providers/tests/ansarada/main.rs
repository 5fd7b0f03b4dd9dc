//! Ansarada data rooms against the in-process demo server: browsing the index page by page, every documented
//! refusal, download jobs (completed, failed, slow), presigned URLs that expire or are tampered with, and every
//! sample document byte for byte.

mod browsing;
mod jobs;
mod presigned;
mod refusals;
mod room;
#[path = "../support/mod.rs"]
mod support;

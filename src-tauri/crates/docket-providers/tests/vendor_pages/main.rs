//! The vendors' own example answers, as their API pages print them (`tests/fixtures/vendor-pages/`), served
//! from a scripted local server at the path and status each page documents, and read through Docket's Index
//! Health and infoRouter providers. The requests Docket sends are checked against the same pages. The demo
//! server takes no part: we wrote it from these pages, so it cannot vouch for how Docket reads them.

mod index_health;
mod inforouter;
mod server;
#[path = "../support/mod.rs"]
mod support;

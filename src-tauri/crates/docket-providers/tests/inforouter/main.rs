//! infoRouter against the in-process demo server: login and re-login, paged browsing, versions, staged chunked
//! downloads checked byte for byte, every documented error with the server's own message, and handlers that
//! are always deleted.

mod browsing;
mod downloads;
mod handlers;
mod helpers;
mod session;
#[path = "../support/mod.rs"]
mod support;

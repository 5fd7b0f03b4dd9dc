//! Replays exchanges recorded with the real study creator (kf-api-study-creator 1.22) through Docket's
//! study-creator provider, and asserts what Docket makes of each: the entries, versions, saved files and errors,
//! and that every request Docket sends is one the real server accepts.
//!
//! Fixtures, copied verbatim from the project's API notes (`api-docs/`, beside the vendor pages):
//! - `fixtures/study-creator-1.22.recorded.json`: exchanges recorded on 2026-12-07 with kf-api-study-creator
//!   1.22.0 run locally with production settings; credentials removed, the study, files and users synthetic.
//! - `fixtures/study-creator-1.22.introspection.json`: that server's introspection answer. Docket's GraphQL is
//!   validated against it, so a field or argument the real server does not know fails here.
//!
//! How the local replay server answers:
//! - `/download` and `/signed-url`: the recorded exchange with the same method, path and caller, verbatim
//!   (status, headers, body). The caller is told apart as the real server does (see
//!   [`recording::Caller::of_request`]).
//! - `/graphql`: a document the real schema refuses gets the recorded refusal that says the same, else the
//!   schema's own words (HTTP 400, as graphene). An accepted document is answered root field by root field from
//!   the recorded answer to the same field, caller and arguments (a recorded error goes back verbatim); Docket's
//!   paging and `orderBy` are applied to the recorded connection and only the fields Docket selects are sent. A
//!   lookup by `kfId` gets the recorded node, when the caller's recorded study list shows its study.
//! - What the recording cannot answer gets a 501 and is named in the request log, which the tests read.

mod browsing;
mod downloads;
mod nodes;
mod recording;
mod replay;
mod schema;
mod server;
mod signed_urls;
#[path = "../support/mod.rs"]
mod support;

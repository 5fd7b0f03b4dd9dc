//! Sage Active against the in-process demo server: browsing entity types, entities and their files page by page,
//! the four required headers, every documented refusal, short links that expire and are fetched again, server
//! previews, and every sample document downloaded byte for byte.

mod browsing;
mod downloads;
mod gateway;
mod helpers;
mod links;
mod previews;
#[path = "../support/mod.rs"]
mod support;

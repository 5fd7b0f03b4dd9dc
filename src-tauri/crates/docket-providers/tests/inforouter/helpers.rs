//! What the infoRouter tests share: the demo's address and provider, open handlers, request counts, library
//! hashes and scripted answers.

use std::sync::Arc;

use axum::http::StatusCode;
use docket_core::Provider;
use docket_demo::faults::{Failure, Target};
use docket_demo::inforouter::{self, OPEN_HANDLERS};
use docket_demo::DemoServer;

use crate::support::connect_remote;

pub(crate) fn base_url(server: &DemoServer) -> String {
    server.base_url(docket_providers::inforouter::KIND)
}

/// The provider as a user would register the demo server.
pub(crate) fn provider(server: &DemoServer) -> Arc<dyn Provider> {
    connect(&base_url(server), &[])
}

pub(crate) fn connect(base_url: &str, settings: &[(&str, &str)]) -> Arc<dyn Provider> {
    let (mut config, credentials) = inforouter::demo_remote(base_url);
    for (key, value) in settings {
        config
            .settings
            .insert((*key).to_owned(), (*value).to_owned());
    }
    connect_remote(config, credentials)
}

pub(crate) fn open_handlers(server: &DemoServer) -> i64 {
    server.state().gauges.get(OPEN_HANDLERS).value
}

pub(crate) fn requests(server: &DemoServer, method: &str) -> u64 {
    server
        .state()
        .stats
        .get(
            docket_providers::inforouter::KIND,
            &format!("/srv.asmx/{method}"),
        )
        .requests
}

pub(crate) fn content_hash_in_library(server: &DemoServer, path: &str) -> String {
    let state = server.state();
    state
        .library
        .document_by_path(path)
        .unwrap()
        .latest()
        .content
        .content_hash()
}

/// Answers the next `count` calls of `method` with this XML instead of the demo's own.
pub(crate) fn script_answer(server: &DemoServer, method: &str, count: u32, xml: &str) {
    server.state().faults.fail_next(
        Target::new(
            docket_providers::inforouter::KIND,
            format!("/srv.asmx/{method}"),
        ),
        count,
        Failure::status(StatusCode::OK).body("text/xml; charset=utf-8", xml),
    );
}

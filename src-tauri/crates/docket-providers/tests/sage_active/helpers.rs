//! What the Sage Active tests share: the demo remote and its provider, library documents and their file ids,
//! and the ids of listed entries.

use std::sync::Arc;

use docket_core::{Credentials, Entry, Kind, Provider, RemoteConfig};
use docket_demo::sage_active::{catalog, demo_remote};
use docket_demo::{DemoServer, Document};

use crate::support::connect_remote;

pub(crate) const API: Kind = docket_providers::sage_active::KIND;

pub(crate) fn remote(server: &DemoServer) -> (RemoteConfig, Credentials) {
    demo_remote(&server.base_url(API))
}

/// The provider as the registry builds it, asking for the largest pages.
pub(crate) fn provider_for(server: &DemoServer) -> Arc<dyn Provider> {
    let (config, credentials) = remote(server);
    connect_remote(config, credentials)
}

pub(crate) fn document<'a>(state: &'a docket_demo::DemoState, path: &str) -> &'a Document {
    state.library.document_by_path(path).unwrap()
}

pub(crate) fn file_id(server: &DemoServer, path: &str) -> String {
    catalog::file_id(document(&server.state(), path))
}

pub(crate) fn ids(entries: &[Entry]) -> Vec<String> {
    entries.iter().map(|e| e.id.clone()).collect()
}

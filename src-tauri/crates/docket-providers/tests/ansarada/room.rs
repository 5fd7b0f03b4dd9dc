//! The demo data room as the tests reach it: its remote, providers with other settings or tokens, and the ids
//! of its documents and folders.

use std::sync::Arc;

use docket_core::{Credentials, Kind, Location, Provider, RemoteConfig};
use docket_demo::ansarada::{demo_remote, document_id, folder_id};
use docket_demo::DemoServer;

use crate::support::connect_remote;

pub(crate) const API: Kind = docket_providers::ansarada::KIND;

pub(crate) fn remote(server: &DemoServer) -> (RemoteConfig, Credentials) {
    demo_remote(&server.base_url(API))
}

pub(crate) fn provider_for(server: &DemoServer) -> Arc<dyn Provider> {
    let (config, credentials) = remote(server);
    connect_remote(config, credentials)
}

pub(crate) fn provider_with(
    server: &DemoServer,
    setting: (&str, &str),
    token: &str,
) -> Arc<dyn Provider> {
    let (mut config, _) = remote(server);
    config.settings.insert(setting.0.into(), setting.1.into());
    let credentials = Credentials::new(&config.name).with("token", token);
    connect_remote(config, credentials)
}

pub(crate) fn doc_id(server: &DemoServer, path: &str) -> String {
    document_id(server.state().library.document_by_path(path).unwrap().id)
}

pub(crate) fn folder_at(server: &DemoServer, path: &str) -> Location {
    Location::at(folder_id(
        server.state().library.folder_by_path(path).unwrap().id,
    ))
}

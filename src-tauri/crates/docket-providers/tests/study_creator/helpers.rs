//! What the study-creator tests share: remotes by route, by signed URL and by developer token, document
//! references and their parts, and fetching a prepared URL.

use std::sync::Arc;

use docket_core::{DocRef, Provider, RemoteUrl};
use docket_demo::study_creator::{self as demo, document_ref};
use docket_demo::DemoServer;
use docket_providers::study_creator::StudyCreator;

use crate::support::{connect_remote, http};

pub(crate) fn base(server: &DemoServer) -> String {
    server.base_url(docket_providers::study_creator::KIND)
}

/// A remote of this server with `token_type`, `signed_urls` and `token` as given.
pub(crate) fn remote(
    server: &DemoServer,
    token_type: &str,
    signed: bool,
    token: &str,
) -> (docket_core::RemoteConfig, docket_core::Credentials) {
    let (mut config, _) = demo::demo_remote(&base(server));
    config
        .settings
        .insert("token_type".into(), token_type.into());
    config
        .settings
        .insert("signed_urls".into(), signed.to_string());
    let credentials = docket_core::Credentials::new(&config.name).with("token", token);
    (config, credentials)
}

pub(crate) fn connect(
    server: &DemoServer,
    token_type: &str,
    signed: bool,
    token: &str,
) -> Arc<dyn Provider> {
    let (config, credentials) = remote(server, token_type, signed, token);
    connect_remote(config, credentials)
}

pub(crate) fn by_route(server: &DemoServer) -> Arc<dyn Provider> {
    connect(server, "bearer", false, &demo::demo_jwt())
}

pub(crate) fn by_signed_url(server: &DemoServer) -> Arc<dyn Provider> {
    connect(server, "bearer", true, &demo::demo_jwt())
}

pub(crate) fn by_developer_token(server: &DemoServer) -> Arc<dyn Provider> {
    connect(server, "developer", false, demo::DEVELOPER_TOKEN)
}

pub(crate) fn paged(server: &DemoServer, page_size: u32) -> StudyCreator {
    let (config, credentials) = remote(server, "bearer", false, &demo::demo_jwt());
    StudyCreator::new(&config, &credentials, http())
        .unwrap()
        .with_page_size(page_size)
}

pub(crate) fn doc(server: &DemoServer, path: &str) -> DocRef {
    let state = server.state();
    let document = state.library.document_by_path(path).unwrap();
    DocRef::new(document_ref(&state.library, document).unwrap())
}

pub(crate) fn study_of(doc: &DocRef) -> String {
    doc.id().split('/').next().unwrap().to_owned()
}

pub(crate) fn file_of(doc: &DocRef) -> String {
    doc.id().split('/').nth(1).unwrap().to_owned()
}

/// GETs a prepared URL with its headers, as the transfer engine does, and returns status and body.
pub(crate) async fn fetch(
    url: &RemoteUrl,
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut get = http().get(&url.url);
    for (name, value) in &url.headers {
        get = get.header(name.as_str(), value.expose());
    }
    let response = get.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

pub(crate) async fn provider_latest(provider: &Arc<dyn Provider>, doc: &DocRef) -> String {
    provider.stat(doc).await.unwrap().version.unwrap()
}

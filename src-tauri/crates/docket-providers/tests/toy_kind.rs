//! Adding a kind is its module, one registration line and its conformance fixture: this file defines a whole
//! toy kind (its id, entry, provider and a tiny server it speaks to) without touching any other file, and runs
//! it through the same conformance checks as every registered kind.

#[path = "conformance/suite.rs"]
mod suite;
#[path = "support/mod.rs"]
mod support;

use std::net::{Ipv4Addr, SocketAddr};

use async_trait::async_trait;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use docket_core::{
    Capabilities, Credentials, DocRef, Entry, Kind, Location, Page, PageToken, PrepareObserver,
    Provider, ProviderError, RemoteConfig, RemoteUrl, SettingSpec, TransferShape, TransferSource,
    Version,
};
use docket_providers::ProviderEntry;
use serde_json::{json, Value};

use suite::Fixture;

/// The toy kind's module, as a provider module would declare it.
mod toy {
    use super::*;

    pub const KIND: Kind = Kind::new("toy");

    pub const ENTRY: ProviderEntry = ProviderEntry {
        kind: KIND,
        display_name: "Toy document server",
        download_summary:
            "one JSON listing per folder; documents are fetched from a URL with the token",
        transfer_shape: TransferShape::RefreshableUrl,
        settings: &[SettingSpec::secret(
            "token",
            "the toy server's bearer token",
        )],
        connect: |config, credentials, http| {
            docket_providers::shared(Toy::new(config, credentials, http))
        },
        #[cfg(feature = "fuzzing")]
        fuzz_answer: |_, _| {},
    };

    /// A toy server: `/list?folder=`, `/doc/{id}` and `/bytes/{id}`, each behind a bearer token.
    pub struct Toy {
        http: reqwest::Client,
        base_url: String,
        token: String,
    }

    impl Toy {
        pub fn new(
            config: &RemoteConfig,
            credentials: &Credentials,
            http: reqwest::Client,
        ) -> Result<Toy, ProviderError> {
            Ok(Toy {
                http,
                base_url: config.base_url().to_owned(),
                token: credentials.require("token")?.expose().to_owned(),
            })
        }

        async fn get(&self, path: &str) -> Result<Value, ProviderError> {
            let response = self
                .http
                .get(format!("{}{path}", self.base_url))
                .bearer_auth(&self.token)
                .send()
                .await
                .map_err(|err| ProviderError::Transient {
                    message: err.to_string(),
                })?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.text().await.unwrap_or_default();
            if !status.is_success() {
                return Err(docket_core::http::status_error(status, &headers, body));
            }
            serde_json::from_str(&body).map_err(|err| ProviderError::protocol(err.to_string()))
        }
    }

    fn entry(value: &Value) -> Entry {
        let id = value["id"].as_str().unwrap_or_default();
        let name = value["name"].as_str().unwrap_or_default();
        if value["folder"].as_bool() == Some(true) {
            Entry::folder(id, name)
        } else {
            Entry::document(id, name)
        }
    }

    #[async_trait]
    impl Provider for Toy {
        fn kind(&self) -> Kind {
            KIND
        }

        fn capabilities(&self) -> Capabilities {
            Capabilities::default()
        }

        async fn list(
            &self,
            location: &Location,
            _page: Option<&PageToken>,
        ) -> Result<Page<Entry>, ProviderError> {
            let folder = location.as_deref().unwrap_or_default();
            let listed = self.get(&format!("/list?folder={folder}")).await?;
            let items = listed.as_array().into_iter().flatten().map(entry).collect();
            Ok(Page { items, next: None })
        }

        async fn stat(&self, doc: &DocRef) -> Result<Entry, ProviderError> {
            Ok(entry(&self.get(&format!("/doc/{}", doc.id())).await?))
        }

        async fn versions(&self, doc: &DocRef) -> Result<Vec<Version>, ProviderError> {
            self.stat(doc).await?;
            Ok(Vec::new())
        }

        async fn prepare(
            &self,
            doc: &DocRef,
            _version: Option<&str>,
            _observer: &dyn PrepareObserver,
        ) -> Result<TransferSource, ProviderError> {
            self.stat(doc).await?;
            let url = format!("{}/bytes/{}", self.base_url, doc.id());
            Ok(TransferSource::Url(
                RemoteUrl::new(url).header("Authorization", format!("Bearer {}", self.token)),
            ))
        }
    }
}

const TOKEN: &str = "toy-token";
const DOCUMENT: &str = "hello.txt";
const CONTENT: &[u8] = b"a document served by a kind defined inside its test\n";

fn authorised(headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        == Some(&format!("Bearer {TOKEN}"))
}

fn refused() -> Response {
    (StatusCode::UNAUTHORIZED, "bad token").into_response()
}

async fn list(headers: HeaderMap, Query(query): Query<Vec<(String, String)>>) -> Response {
    if !authorised(&headers) {
        return refused();
    }
    let folder = query
        .iter()
        .find(|(key, _)| key == "folder")
        .map(|(_, value)| value.as_str())
        .unwrap_or_default();
    match folder {
        "" => Json(json!([{ "id": "reports", "name": "Reports", "folder": true }])).into_response(),
        "reports" => Json(json!([{ "id": DOCUMENT, "name": DOCUMENT }])).into_response(),
        _ => (StatusCode::NOT_FOUND, "no such folder").into_response(),
    }
}

async fn doc(headers: HeaderMap, Path(id): Path<String>) -> Response {
    match (authorised(&headers), id == DOCUMENT) {
        (false, _) => refused(),
        (true, true) => Json(json!({ "id": DOCUMENT, "name": DOCUMENT })).into_response(),
        (true, false) => (StatusCode::NOT_FOUND, "no such document").into_response(),
    }
}

async fn bytes(headers: HeaderMap, Path(id): Path<String>) -> Response {
    match (authorised(&headers), id == DOCUMENT) {
        (false, _) => refused(),
        (true, true) => CONTENT.into_response(),
        (true, false) => (StatusCode::NOT_FOUND, "no such document").into_response(),
    }
}

async fn serve_toy_server() -> SocketAddr {
    let app = Router::new()
        .route("/list", get(list))
        .route("/doc/{id}", get(doc))
        .route("/bytes/{id}", get(bytes));
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn fixture(addr: SocketAddr) -> Fixture {
    let config = RemoteConfig {
        name: "toy".into(),
        kind: toy::KIND,
        url: format!("http://{addr}"),
        settings: Default::default(),
    };
    Fixture {
        entry: &toy::ENTRY,
        remote: (config, Credentials::new("toy").with("token", TOKEN)),
        wrong_credentials: Credentials::new("toy").with("token", "not-the-toy-token"),
        folder: Location::at("reports"),
        document: DocRef::new(DOCUMENT),
        document_content_hash: support::content_hash(CONTENT),
        missing_document: DocRef::new("missing.txt"),
    }
}

#[tokio::test]
async fn a_kind_defined_inside_a_test_passes_the_conformance_suite() {
    let addr = serve_toy_server().await;
    suite::passes_every_check(&fixture(addr)).await;
}

#[test]
fn a_kind_that_is_not_registered_is_refused_by_the_registry_naming_it() {
    let err = docket_providers::entry(toy::KIND)
        .err()
        .expect("toy is not registered");
    assert!(err.to_string().contains("`toy`"), "{err}");
}

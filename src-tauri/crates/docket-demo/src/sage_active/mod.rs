//! The Sage Active API: `POST /graphql` with the `files` query (behind a gateway that needs `Authorization:
//! Bearer`, `X-TenantId`, `X-OrganizationId` and `x-api-key`), and `GET /files/{code}` short links valid
//! 10 minutes (`downloadPath` as an attachment with `Range`, `previewPath` inline with HTML previews).
//!
//! The sample library's documents are files attached to entities (see [`catalog`]). The access token is a
//! fixed value issued elsewhere (Sage ID), so `POST /_demo/expire` expires the short links this API issued, not
//! the token.

pub mod catalog;
mod file_route;
pub mod filter;
pub mod gateway;
pub mod links;
pub mod preview;
pub mod schema;

use std::sync::Arc;

use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use docket_core::{Credentials, RemoteConfig};

use crate::apis::{AnswerFormat, DemoApi};
use crate::library::Derived;
use crate::state::DemoState;
use catalog::Catalog;
use links::LinkStore;
use schema::FilesSchema;

pub use file_route::{EXPIRED, REMOVED};
pub use schema::sdl as schema_sdl;

/// The values the demo gateway accepts; `demo_remote` registers them.
pub const TENANT_ID: &str = "7b0e6c1a-5d1f-4c55-9a61-0d0c4e7d5a6e";
pub const ORGANIZATION_ID: &str = "c2f4a8e0-3b9d-4e17-8c5a-2f6b1d9e0a47";
pub const TOKEN: &str = "demo-sage-active-access-token";
pub const API_KEY: &str = "demo-sage-active-subscription-key";

/// What the routes share: the framework state, the files as Sage Active sees them, and the issued links.
#[derive(Debug)]
pub struct SageDemo {
    pub(crate) state: Arc<DemoState>,
    /// Built again after each change to the library.
    catalog: Derived<Catalog>,
    pub(crate) links: LinkStore,
}

impl SageDemo {
    /// The files as the library stands now; take it once per request.
    pub(crate) fn catalog(&self) -> Arc<Catalog> {
        self.catalog.get(self.state.library.current(), Catalog::new)
    }
}

/// How the demo serves this kind (registered in `crate::apis`).
pub const DEMO: DemoApi = DemoApi {
    kind: docket_providers::sage_active::KIND,
    router,
    sample_remote: |base, _| demo_remote(base),
    bytes_path: "/files",
    prepare_call: (Some("POST"), "/graphql"),
    prepare_answer: AnswerFormat::Graphql,
};

pub fn router(state: Arc<DemoState>) -> Router {
    let demo = Arc::new(SageDemo {
        catalog: Derived::default(),
        links: LinkStore::default(),
        state,
    });
    // Built now, as before the library could change, so the first request does not pay for it.
    demo.catalog();
    let graphql = Router::new()
        .route("/graphql", post(run_graphql))
        .route_layer(middleware::from_fn(gateway::require_headers))
        .with_state(schema::build(Arc::clone(&demo)));
    let short_links = Router::new()
        .route("/files/{code}", get(file_route::open))
        .with_state(demo);
    graphql.merge(short_links)
}

async fn run_graphql(
    State(schema): State<FilesSchema>,
    request: GraphQLRequest,
) -> GraphQLResponse {
    schema.execute(request.into_inner()).await.into()
}

/// The remote a user registers for this demo API at `base_url`: settings `tenant_id` and `organization_id`,
/// secrets `token` and `api_key`.
pub fn demo_remote(base_url: &str) -> (RemoteConfig, Credentials) {
    let name = "sage-demo";
    let config = RemoteConfig {
        name: name.to_owned(),
        kind: docket_providers::sage_active::KIND,
        url: base_url.to_owned(),
        settings: [
            ("tenant_id", TENANT_ID),
            ("organization_id", ORGANIZATION_ID),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect(),
    };
    let credentials = Credentials::new(name)
        .with("token", TOKEN)
        .with("api_key", API_KEY);
    (config, credentials)
}

#[cfg(test)]
mod change_tests;
#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::{sample, Library};
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use serde_json::{json, Value};
    use tower::ServiceExt;

    pub(super) fn app() -> (Router, Arc<DemoState>) {
        let state = Arc::new(DemoState::new(Library::sample(4096)));
        (router(Arc::clone(&state)), state)
    }

    fn graphql_request(query: &str, variables: Value) -> Request<Body> {
        Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header("X-TenantId", TENANT_ID)
            .header("X-OrganizationId", ORGANIZATION_ID)
            .header("x-api-key", API_KEY)
            .body(Body::from(
                json!({ "query": query, "variables": variables }).to_string(),
            ))
            .unwrap()
    }

    pub(super) async fn send(
        app: &Router,
        request: Request<Body>,
    ) -> (StatusCode, HeaderMapView, Vec<u8>) {
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = HeaderMapView(response.headers().clone());
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, body.to_vec())
    }

    pub(super) struct HeaderMapView(axum::http::HeaderMap);

    impl HeaderMapView {
        fn get(&self, name: header::HeaderName) -> &str {
            self.0.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
        }
    }

    pub(super) async fn query(app: &Router, query: &str, variables: Value) -> Value {
        let (status, _, body) = send(app, graphql_request(query, variables)).await;
        assert_eq!(status, StatusCode::OK);
        serde_json::from_slice(&body).unwrap()
    }

    const BY_ID: &str = "query ($Id: String!) { files(where: { id: { eq: $Id } }) {
        edges { node { id fileName type mimeType size downloadPath previewPath } } } }";

    #[tokio::test]
    async fn the_documented_query_by_id_answers_the_documented_shape() {
        let (app, state) = app();
        let report = state.library.document_by_path(sample::REPORT_PDF).unwrap();
        let id = catalog::file_id(report);
        let answer = query(&app, BY_ID, json!({ "Id": id })).await;
        let node = &answer["data"]["files"]["edges"][0]["node"];
        assert_eq!(node["id"], id.as_str());
        assert_eq!(node["fileName"], "Q1-Report.pdf");
        assert_eq!(node["type"], "pdf");
        assert_eq!(node["mimeType"], "application/pdf");
        assert_eq!(node["size"], report.size());
        assert!(node["downloadPath"]
            .as_str()
            .unwrap()
            .starts_with("/files/"));
        assert_ne!(node["downloadPath"], node["previewPath"]);
    }

    #[tokio::test]
    async fn a_call_without_the_subscription_key_is_refused_with_a_json_message() {
        let (app, _) = app();
        let mut request = graphql_request("{ files { totalCount } }", json!({}));
        request.headers_mut().remove("x-api-key");
        let (status, _, body) = send(&app, request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["message"], gateway::MISSING_KEY);
    }

    #[tokio::test]
    async fn unfiltered_listings_hide_the_file_being_scanned_but_the_id_filter_finds_it() {
        let (app, _) = app();
        let all = query(
            &app,
            "{ files(first: 500) { edges { node { id } } totalCount } }",
            json!({}),
        )
        .await;
        let ids: Vec<&str> = all["data"]["files"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap())
            .collect();
        assert!(!ids.contains(&catalog::PENDING_FILE_ID));
        assert!(ids.contains(&catalog::REMOVED_FILE_ID));
        let pending = query(&app, BY_ID, json!({ "Id": catalog::PENDING_FILE_ID })).await;
        let node = &pending["data"]["files"]["edges"][0]["node"];
        assert_eq!(node["id"], catalog::PENDING_FILE_ID);
        assert_eq!(node["downloadPath"], Value::Null);
    }

    #[tokio::test]
    async fn without_first_a_page_holds_twenty_files_at_most() {
        let (app, state) = app();
        let answer = query(
            &app,
            "{ files { edges { node { id } } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
        let listed = answer["data"]["files"]["edges"].as_array().unwrap().len();
        // The sample library has fewer than 20 documents, so all scanned ones fit.
        assert_eq!(listed, state.library.documents().len() + 1);
        assert_eq!(answer["data"]["files"]["pageInfo"]["hasNextPage"], false);
    }

    #[tokio::test]
    async fn a_download_link_is_an_attachment_with_ranges_and_expires_with_the_epoch() {
        let (app, state) = app();
        let report = state.library.document_by_path(sample::REPORT_PDF).unwrap();
        let answer = query(&app, BY_ID, json!({ "Id": catalog::file_id(report) })).await;
        let path = answer["data"]["files"]["edges"][0]["node"]["downloadPath"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, headers, body) =
            send(&app, Request::get(&path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers
            .get(header::CONTENT_DISPOSITION)
            .starts_with("attachment;"));
        assert_eq!(
            body,
            report.latest().content.read(0..report.size()).to_vec()
        );
        let ranged = Request::get(&path)
            .header(header::RANGE, "bytes=0-3")
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = send(&app, ranged).await;
        assert_eq!(
            (status, body.as_slice()),
            (StatusCode::PARTIAL_CONTENT, &b"%PDF"[..])
        );

        state
            .expiry
            .expire(Some(docket_providers::sage_active::KIND));
        let (status, _, body) = send(&app, Request::get(&path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["message"], EXPIRED);
    }

    #[tokio::test]
    async fn a_csv_preview_is_an_inline_html_table() {
        let (app, state) = app();
        let ledger = state.library.document_by_path(sample::LEDGER_CSV).unwrap();
        let answer = query(&app, BY_ID, json!({ "Id": catalog::file_id(ledger) })).await;
        let path = answer["data"]["files"]["edges"][0]["node"]["previewPath"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, headers, body) =
            send(&app, Request::get(&path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers.get(header::CONTENT_TYPE),
            "text/html; charset=utf-8"
        );
        assert!(!headers
            .get(header::CONTENT_DISPOSITION)
            .starts_with("attachment"));
        assert!(String::from_utf8(body).unwrap().contains("<table>"));
    }

    #[tokio::test]
    async fn the_removed_files_link_answers_the_documented_404() {
        let (app, _) = app();
        let answer = query(&app, BY_ID, json!({ "Id": catalog::REMOVED_FILE_ID })).await;
        let path = answer["data"]["files"]["edges"][0]["node"]["downloadPath"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, _, body) = send(&app, Request::get(&path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["message"], REMOVED);
    }

    #[test]
    fn the_demo_remote_carries_both_settings_and_both_secrets() {
        let (config, credentials) = demo_remote("http://127.0.0.1:9");
        assert_eq!(config.kind, docket_providers::sage_active::KIND);
        assert_eq!(config.setting("tenant_id"), Some(TENANT_ID));
        assert_eq!(config.setting("organization_id"), Some(ORGANIZATION_ID));
        assert_eq!(credentials.get("token").map(|s| s.expose()), Some(TOKEN));
        assert_eq!(
            credentials.get("api_key").map(|s| s.expose()),
            Some(API_KEY)
        );
    }
}

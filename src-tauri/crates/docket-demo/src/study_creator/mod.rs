//! The Kids First study creator (kf-api-study-creator 1.22) over the sample library: GraphQL at `/graphql`,
//! downloads at `/download/study/S/file/F[/version/V]`, single-use signed URLs from `/signed-url/...` or the
//! `signedUrl` mutation. Each top-level folder is a study; see [`catalog`] for the ids and for the one version
//! whose database size is wrong, and the url-only sample, whose stored object is missing.
//!
//! Credentials: [`demo_jwt`] (an admin JWT, `Authorization: Bearer`), [`issue_jwt`] for other users, and
//! [`DEVELOPER_TOKEN`] (`Authorization: Token` or `?token=`, downloads only). Signed tokens live 30 seconds, are
//! claimed by the first request that reaches the download view (HEAD included), and die early when the control
//! endpoint expires `study-creator`.

pub mod auth;
pub mod catalog;
#[cfg(test)]
mod change_tests;
mod routes;
mod schema;
mod signed_tokens;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::routing::get;
use axum::Router;
use docket_core::{Credentials, RemoteConfig};

use crate::apis::{AnswerFormat, DemoApi};
use crate::library::Derived;
use crate::state::DemoState;

pub use auth::{demo_jwt, issue_jwt, DEVELOPER_TOKEN};
pub use catalog::{
    document_ref, Catalog, WRONG_SIZE_DOCUMENT, WRONG_SIZE_EXCESS, WRONG_SIZE_VERSION,
};
pub use routes::{
    CSRF_FAILED, NOT_AUTHENTICATED_FOR_URL, NOT_AUTHORIZED, NO_FILE, NO_VERSION, PROBLEM_FINDING,
    WRONG_STUDY,
};
pub use schema::{sdl as schema_sdl, MAX_FIRST};
pub use signed_tokens::LIFETIME as SIGNED_URL_LIFETIME;

/// What the handlers share.
pub struct App {
    state: Arc<DemoState>,
    /// Built again after each change to the library.
    catalog: Derived<Catalog>,
    tokens: signed_tokens::SignedTokens,
    schema: schema::StudyCreatorSchema,
}

impl App {
    /// The database as the library stands now. Take it once per request: GraphQL nodes are indexes into it.
    fn catalog(&self) -> Arc<Catalog> {
        self.catalog.get(self.state.library.current(), |library| {
            let mut catalog = Catalog::new(library);
            catalog.add_bulk_study(library, self.state.bulk_study_files);
            catalog
        })
    }
}

/// How the demo serves this kind (registered in `crate::apis`).
pub const DEMO: DemoApi = DemoApi {
    kind: docket_providers::study_creator::KIND,
    router,
    sample_remote: |base, _| demo_remote(base),
    bytes_path: "/download",
    prepare_call: (None, "/signed-url"),
    prepare_answer: AnswerFormat::Json,
};

pub fn router(state: Arc<DemoState>) -> Router {
    let app = Arc::new(App {
        catalog: Derived::default(),
        state,
        tokens: signed_tokens::SignedTokens::default(),
        schema: schema::schema(),
    });
    // Built now, as before the library could change: the bulk study can hold 100,000 files.
    app.catalog();
    let refuse_unsafe = |route: axum::routing::MethodRouter<Arc<App>>| {
        route
            .post(routes::csrf_refused)
            .put(routes::csrf_refused)
            .patch(routes::csrf_refused)
            .delete(routes::csrf_refused)
    };
    Router::new()
        .route("/graphql", get(graphql).post(graphql))
        .route(
            "/download/study/{study}/file/{file}",
            refuse_unsafe(get(routes::download)),
        )
        .route(
            "/download/study/{study}/file/{file}/version/{version}",
            refuse_unsafe(get(routes::download_version)),
        )
        .route(
            "/signed-url/study/{study}/file/{file}",
            refuse_unsafe(get(routes::signed_url)),
        )
        .route(
            "/signed-url/study/{study}/file/{file}/version/{version}",
            refuse_unsafe(get(routes::signed_url_version)),
        )
        .with_state(app)
}

async fn graphql(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_owned();
    let request = request
        .into_inner()
        .data(app.catalog())
        .data(Arc::clone(&app))
        .data(auth::Caller::from_headers(&headers))
        .data(schema::Host(host));
    app.schema.execute(request).await.into()
}

/// The remote a user registers for this demo server: the admin JWT, signed URLs on.
pub fn demo_remote(base_url: &str) -> (RemoteConfig, Credentials) {
    let name = "demo-study-creator";
    let mut settings = BTreeMap::new();
    settings.insert("token_type".to_owned(), "bearer".to_owned());
    settings.insert("signed_urls".to_owned(), "true".to_owned());
    let config = RemoteConfig {
        name: name.to_owned(),
        kind: docket_providers::study_creator::KIND,
        url: base_url.trim_end_matches('/').to_owned(),
        settings,
    };
    (config, Credentials::new(name).with("token", demo_jwt()))
}

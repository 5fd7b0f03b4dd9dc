//! Ansarada data room (GraphQL) over the sample library.
//!
//! - `POST /graphql` with `Authorization: Bearer <token>`. A request without the header is answered HTTP 401
//!   with a GraphQL error `extensions.code = "UNAUTHENTICATED"` (and `WWW-Authenticate: Bearer`); a token that is
//!   not one of the demo's is HTTP 200 with the same error code, as the vendor's gateway does. Unknown ids are
//!   `NOT_FOUND`, malformed ids `BAD_USER_INPUT`.
//! - Tokens: [`ADMIN_TOKEN`] (Administrator) and [`GUEST_TOKEN`] (Guest: `createdDate` is null).
//! - `dataRoomDocumentIndex.items(folderIds, first, after)`: Relay paging, `first` defaults to 50, at most 100.
//! - `initiateDataRoomDocumentDownload` starts a job that moves PENDING → PROCESSING → COMPLETED over about a
//!   second; the document flagged `job_fails` ends FAILED with a failure reason. Jobs and their presigned URLs live
//!   15 minutes, or until the framework's expiry is called for Ansarada; an expired job is `NOT_FOUND`.
//! - `GET /s3/<bucket>/<room>/<job>/<file>?X-Amz-...`: the presigned storage URL, see [`storage`].
//! - Gauge `ansarada.pending_jobs`: jobs no poll has seen finished yet.

mod ids;
mod jobs;
mod numbers;
mod presign;
mod schema;
mod storage;

use std::sync::Arc;

use async_graphql::{Response as GraphqlResponse, ServerError};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use docket_core::{Credentials, RemoteConfig};

use crate::apis::{AnswerFormat, DemoApi};
use crate::library::{Derived, Library};
use crate::state::DemoState;
use jobs::Jobs;
use numbers::IndexNumbers;
use schema::DataRoomSchema;

pub use ids::{document as document_id, folder as folder_id, ROOM};
pub use jobs::FAILURE_REASON;
pub use presign::BUCKET;
pub use schema::sdl as schema_sdl;

/// The DataRoom-scoped token of an Administrator of the demo room.
pub const ADMIN_TOKEN: &str = "ansarada-demo-dataroom-token";
/// A Guest's token: the index hides `createdDate` from guests.
pub const GUEST_TOKEN: &str = "ansarada-demo-guest-token";
/// The gauge of jobs not yet seen finished.
pub const PENDING_JOBS_GAUGE: &str = "ansarada.pending_jobs";

/// What a token lets its holder see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Administrator,
    Guest,
}

/// The data room's server-side state, shared by the GraphQL schema and the storage route.
pub struct Room {
    state: Arc<DemoState>,
    jobs: Jobs,
    /// Numbered again after each change to the library.
    numbers: Derived<IndexNumbers>,
}

/// The index as one request sees it: the library as it stood when asked, and that library's numbers.
struct Index<'a> {
    library: &'a Library,
    numbers: Arc<IndexNumbers>,
}

impl Room {
    fn index(&self) -> Index<'_> {
        let library = self.state.library.current();
        Index {
            library,
            numbers: self.numbers.get(library, IndexNumbers::of),
        }
    }
}

/// How the demo serves this kind (registered in `crate::apis`).
pub const DEMO: DemoApi = DemoApi {
    kind: docket_providers::ansarada::KIND,
    router,
    sample_remote: |base, _| demo_remote(base),
    bytes_path: "/s3",
    prepare_call: (Some("POST"), "/graphql"),
    prepare_answer: AnswerFormat::Graphql,
};

pub fn router(state: Arc<DemoState>) -> Router {
    let room = Arc::new(Room {
        jobs: Jobs::new(state.gauges.gauge(PENDING_JOBS_GAUGE)),
        numbers: Derived::default(),
        state,
    });
    // Numbered now, as before the library could change, so the first request does not pay for it.
    room.index();
    let schema = schema::build(Arc::clone(&room));
    let storage = Router::new()
        .route("/s3/{*key}", get(storage::get_object))
        .with_state(room);
    Router::new()
        .route("/graphql", post(graphql))
        .with_state(schema)
        .merge(storage)
}

/// The remote a user would register for this demo server: its address and the Administrator token.
pub fn demo_remote(base_url: &str) -> (RemoteConfig, Credentials) {
    let name = "demo-ansarada";
    let config = RemoteConfig {
        name: name.to_owned(),
        kind: docket_providers::ansarada::KIND,
        url: base_url.trim_end_matches('/').to_owned(),
        settings: Default::default(),
    };
    (config, Credentials::new(name).with("token", ADMIN_TOKEN))
}

async fn graphql(
    State(schema): State<DataRoomSchema>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    let role = match bearer(&headers) {
        Bearer::Absent => {
            let mut response =
                unauthenticated("Authorization header with a Bearer token is required");
            *response.status_mut() = StatusCode::UNAUTHORIZED;
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
            return response;
        }
        Bearer::Invalid => return unauthenticated("Invalid or expired access token"),
        Bearer::Valid(role) => role,
    };
    let request = request.into_inner().data(role);
    GraphQLResponse::from(schema.execute(request).await).into_response()
}

enum Bearer {
    Absent,
    Invalid,
    Valid(Role),
}

fn bearer(headers: &HeaderMap) -> Bearer {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Bearer::Absent;
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    match token {
        Some(ADMIN_TOKEN) => Bearer::Valid(Role::Administrator),
        Some(GUEST_TOKEN) => Bearer::Valid(Role::Guest),
        _ => Bearer::Invalid,
    }
}

fn unauthenticated(message: &str) -> Response {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", "UNAUTHENTICATED");
    error.extensions = Some(extensions);
    GraphQLResponse::from(GraphqlResponse::from_errors(vec![error])).into_response()
}

#[cfg(test)]
mod change_tests;
#[cfg(test)]
mod tests;

//! infoRouter's ASMX web service (`/srv.asmx/<Method>`, HTTP GET and POST form bindings) over the sample library:
//! tickets with a sliding expiry, paged folder listings, versions, and staged download handlers read in
//! CRC32-checked base64 chunks, plus `GetDownloadInfo` and `DownloadDocument`.
//!
//! Paths are the library's (`/Finance/Reports/2024/Q1-Report.pdf`) or short ids (`~D1001`, `~D1001.pdf`);
//! versions are the library's numbers times 1,000,000. The offline sample document refuses staging.

mod browse;
mod download;
mod handlers;
mod lookup;
mod reply;
mod request;
mod sessions;
mod versions;

#[cfg(test)]
mod change_tests;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use docket_core::{Credentials, RemoteConfig};

use crate::apis::{AnswerFormat, DemoApi};
use crate::state::DemoState;

pub use handlers::OPEN_HANDLERS;
pub use sessions::{User, USERS};

use handlers::Handlers;
use reply::{failure, Tag};
use request::{Call, Refused};
use sessions::Tickets;

/// Server settings that real infoRouter installations configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Items per listing page ("Search Page Size"); the API reference says 20.
    pub page_size: usize,
    /// A ticket ends after this long without use.
    pub ticket_ttl: Duration,
    /// A staged file is cleaned up after this long without a chunk being read.
    pub handler_ttl: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            page_size: 20,
            ticket_ttl: Duration::from_secs(20 * 60),
            handler_ttl: Duration::from_secs(30 * 60),
        }
    }
}

/// The chunk sizes `GetDownloadHandler` clamps `PreferedChunkSize` to.
pub const MIN_CHUNK_SIZE: u64 = 262_144;
pub const MAX_CHUNK_SIZE: u64 = 33_554_432;

/// How the demo serves this kind (registered in `crate::apis`).
pub const DEMO: DemoApi = DemoApi {
    kind: docket_providers::inforouter::KIND,
    router,
    sample_remote: |base, _| demo_remote(base),
    bytes_path: "/srv.asmx/DownloadFileChunk",
    prepare_call: (None, "/srv.asmx/GetDownloadHandler"),
    prepare_answer: AnswerFormat::Xml,
};

pub fn router(state: Arc<DemoState>) -> Router {
    router_with(state, Settings::default())
}

/// The API with non-default server settings (a small page size makes paging visible with the sample library).
pub fn router_with(state: Arc<DemoState>, settings: Settings) -> Router {
    let gauge = state.gauges.gauge(OPEN_HANDLERS);
    let api = Arc::new(Api {
        state,
        settings,
        tickets: Tickets::default(),
        handlers: Handlers::new(gauge),
    });
    Router::new()
        .route("/srv.asmx/{method}", get(call).post(call))
        .with_state(api)
}

/// What a user registers for this demo server: the user name as a setting, the password as a secret.
pub fn demo_remote(base_url: &str) -> (RemoteConfig, Credentials) {
    let name = "inforouter-demo";
    let user = &USERS[0];
    let config = RemoteConfig {
        name: name.to_owned(),
        kind: docket_providers::inforouter::KIND,
        url: base_url.trim_end_matches('/').to_owned(),
        settings: BTreeMap::from([("username".to_owned(), user.username.to_owned())]),
    };
    let credentials = Credentials::new(name).with("password", user.password);
    (config, credentials)
}

pub(super) struct Api {
    state: Arc<DemoState>,
    settings: Settings,
    tickets: Tickets,
    handlers: Handlers,
}

impl Api {
    /// The user behind the call's `AuthenticationTicket`, or the `[900]`/`[901]` answer.
    fn user(&self, ticket: &str) -> Result<&'static User, Refused> {
        self.tickets
            .check(&self.state.expiry, self.settings.ticket_ttl, ticket)
            .map_err(|message| Refused::from(failure(message)))
    }
}

/// Every method, by name (ASMX ignores the case of method names).
async fn call(
    State(api): State<Arc<Api>>,
    Path(method): Path<String>,
    request: Request,
) -> Response {
    let call = match Call::read(request).await {
        Ok(call) => call,
        Err(refused) => return refused.into_response(),
    };
    let outcome = match method.to_ascii_lowercase().as_str() {
        "authenticateuser" => authenticate(&api, &call),
        "getfoldersanddocumentsbypage" => browse::by_page(&api, &call),
        "getfoldersanddocuments1" => browse::whole_folder(&api, &call),
        "getdocumentversions" => versions::list(&api, &call).await,
        "getdownloadinfo" => download::info(&api, &call).await,
        "getdownloadhandler" => download::stage(&api, &call, false).await,
        "getdownloadhandlerbyversion" => download::stage(&api, &call, true).await,
        "downloadfilechunk" => download::chunk(&api, &call),
        "deletedownloadhandler" => download::delete(&api, &call),
        "downloaddocument" => download::document(&api, &call),
        _ => Err(request::unknown_method(&method)),
    };
    outcome.unwrap_or_else(Refused::into_response)
}

/// `AuthenticateUser(UID, PWD)`: answers `<root>`, unlike every other method.
fn authenticate(api: &Api, call: &Call) -> Result<Response, Refused> {
    let username = call.required("UID")?;
    let password = call.required("PWD")?;
    let Some(user) = sessions::login(username, password) else {
        return Ok(Tag::new("root")
            .attr("success", "false")
            .attr("error", sessions::AUTHENTICATION_FAILED)
            .respond());
    };
    let (ticket, stamp) = api.tickets.issue(&api.state.expiry, user);
    Ok(Tag::new("root")
        .attr("success", "true")
        .attr("ticket", ticket)
        .attr("userid", user.id)
        .attr("username", user.username)
        .attr("firstName", user.first_name)
        .attr("lastName", user.last_name)
        .attr(
            "fullname",
            format!("{} {}", user.first_name, user.last_name),
        )
        .attr("email", user.email)
        .attr(
            "expireOn",
            stamp.expires_at(api.settings.ticket_ttl).rfc3339(),
        )
        .attr("isAuthenticated", "True")
        .respond())
}

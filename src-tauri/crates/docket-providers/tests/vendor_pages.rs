//! The vendors' own example answers, as their API pages print them (`tests/fixtures/vendor-pages/`), served
//! from a scripted local server at the path and status each page documents, and read through Docket's Index
//! Health and infoRouter providers. The requests Docket sends are checked against the same pages. The demo
//! server takes no part: we wrote it from these pages, so it cannot vouch for how Docket reads them.

mod support;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use docket_core::{Credentials, Kind, Provider, RemoteConfig};
use serde_json::Value;

/// The text of a fixture under `tests/fixtures/vendor-pages/`.
fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vendor-pages")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn remote(server: &VendorServer, kind: Kind, settings: &[(&str, &str)]) -> RemoteConfig {
    RemoteConfig {
        name: "vendor-page".into(),
        kind,
        url: server.base_url.clone(),
        settings: settings
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect(),
    }
}

fn connect(config: RemoteConfig, secrets: &[(&str, &str)]) -> Arc<dyn Provider> {
    let mut credentials = Credentials::new(config.name.clone());
    for (key, value) in secrets {
        credentials.insert(*key, *value);
    }
    support::connect_remote(config, credentials)
}

/// One scripted answer: status, headers and body exactly as given.
#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Answer {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }
}

/// A request as the vendor's server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// The form fields of an `application/x-www-form-urlencoded` body, decoded.
    fn form(&self) -> BTreeMap<String, String> {
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect();
        let form: BTreeMap<String, String> = fields.iter().cloned().collect();
        assert_eq!(form.len(), fields.len(), "a field sent twice: {fields:?}");
        form
    }
}

#[derive(Default)]
struct Script {
    answers: Mutex<HashMap<(Method, String), VecDeque<Answer>>>,
    seen: Mutex<Vec<Seen>>,
}

/// A local stand-in for the vendor's server: answers each route from its script and records every request.
struct VendorServer {
    base_url: String,
    script: Arc<Script>,
}

impl VendorServer {
    async fn start() -> Self {
        let script = Arc::new(Script::default());
        let app = Router::new()
            .fallback(answer_from_script)
            .with_state(Arc::clone(&script));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        VendorServer {
            base_url: format!("http://{address}"),
            script,
        }
    }

    /// From now on `method path` answers these in turn, the last one again and again.
    fn answers(&self, method: Method, path: &str, answers: impl IntoIterator<Item = Answer>) {
        let answers: VecDeque<Answer> = answers.into_iter().collect();
        assert!(!answers.is_empty(), "no answer for {method} {path}");
        self.script
            .answers
            .lock()
            .unwrap()
            .insert((method, path.to_owned()), answers);
    }

    fn answer(&self, method: Method, path: &str, answer: Answer) {
        self.answers(method, path, [answer]);
    }

    fn requests(&self) -> Vec<Seen> {
        self.script.seen.lock().unwrap().clone()
    }

    fn requests_to(&self, path: &str) -> Vec<Seen> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    fn only_request_to(&self, path: &str) -> Seen {
        let mut seen = self.requests_to(path);
        assert_eq!(seen.len(), 1, "requests to {path}");
        seen.remove(0)
    }
}

async fn answer_from_script(
    State(script): State<Arc<Script>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    script.seen.lock().unwrap().push(Seen {
        method: method.clone(),
        path: path.clone(),
        query: uri.query().map(str::to_owned),
        headers,
        body,
    });
    let answer = match script
        .answers
        .lock()
        .unwrap()
        .get_mut(&(method.clone(), path.clone()))
    {
        Some(queue) if queue.len() > 1 => queue.pop_front(),
        Some(queue) => queue.front().cloned(),
        None => None,
    };
    let Some(answer) = answer else {
        return (
            StatusCode::NOT_IMPLEMENTED,
            format!("nothing scripted for {method} {path}"),
        )
            .into_response();
    };
    let mut response = Response::builder().status(StatusCode::from_u16(answer.status).unwrap());
    for (name, value) in &answer.headers {
        response = response.header(name, value);
    }
    response.body(Body::from(answer.body)).unwrap()
}

/// `len` bytes of a fixed pattern whose last four are chosen so that the CRC32 of all of them is `wanted`: the
/// pages' examples name CRC32s (`a3f1c29d`) but not the bytes behind them.
fn bytes_with_crc32(len: usize, wanted: u32) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    let tail_at = len - 4;
    let prefix = crc32fast::hash(&bytes[..tail_at]);
    let crc_with_tail = |tail: u32| {
        let mut hasher = crc32fast::Hasher::new_with_initial(prefix);
        hasher.update(&tail.to_le_bytes());
        hasher.finalize()
    };
    // Over a fixed length the CRC is affine in the bits of the tail: solve for them over GF(2).
    let zero = crc_with_tail(0);
    let mut basis: [Option<(u32, u32)>; 32] = [None; 32];
    for bit in 0..32 {
        let (mut effect, mut tail) = (crc_with_tail(1 << bit) ^ zero, 1u32 << bit);
        while effect != 0 {
            let top = 31 - effect.leading_zeros() as usize;
            match basis[top] {
                Some((e, t)) => (effect, tail) = (effect ^ e, tail ^ t),
                None => {
                    basis[top] = Some((effect, tail));
                    break;
                }
            }
        }
    }
    let (mut rest, mut tail) = (wanted ^ zero, 0u32);
    while rest != 0 {
        let top = 31 - rest.leading_zeros() as usize;
        let (e, t) = basis[top].unwrap();
        (rest, tail) = (rest ^ e, tail ^ t);
    }
    bytes[tail_at..].copy_from_slice(&tail.to_le_bytes());
    assert_eq!(crc32fast::hash(&bytes), wanted);
    bytes
}

/// Index Health IndexSDK: `001_ebab945a7eb0f5d0.txt` (Download Document API) and the README's "Index Health:
/// browsing".
mod index_health {
    use std::time::{Duration, SystemTime};

    use docket_core::{
        DocRef, Entry, EntryKind, IgnoreStatus, Location, ProviderError, RangeSupport,
        TransferSource, Version,
    };
    use serde_json::json;

    use super::*;
    use crate::support::{fetch, provider_error};

    /// The document of the page's example requests.
    const DOCUMENT_ID: &str = "doc-abc-123-def-456";
    /// The access token of the page's example answer, `...` included.
    const PAGE_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...";
    /// The `auth_token` in the auth page's form (the README gives the shape, not a value).
    const AUTH_PAGE_TOKEN: &str = "auth-page-token-7c1d";
    const COLLECTION: &str = "col-reports";

    fn page(name: &str) -> String {
        fixture(&format!("index-health/{name}"))
    }

    fn parsed(name: &str) -> Value {
        serde_json::from_str(&page(name)).unwrap()
    }

    /// A page's answer at the HTTP status its `statusCode` names, as the page pairs them.
    fn served(name: &str) -> Answer {
        let status = parsed(name)["statusCode"].as_u64().unwrap();
        Answer::new(status as u16, "application/json", page(name))
    }

    /// The remote the page's example token request describes.
    fn provider(server: &VendorServer) -> Arc<dyn Provider> {
        let config = remote(
            server,
            docket_providers::index_health::KIND,
            &[
                ("client_id", "your-client-id"),
                ("fingerprint", "device-fingerprint-123"),
                ("first_name", "John"),
                ("last_name", "Doe"),
                ("email", "john.doe@example.com"),
                ("group_name", "my-domain"),
                ("collections", COLLECTION),
            ],
        );
        connect(config, &[("client_secret", "your-client-secret")])
    }

    /// A server that issues the download page's token and knows the example document.
    async fn vendor() -> VendorServer {
        let server = VendorServer::start().await;
        server.answer(
            Method::POST,
            "/generate-client-auth-token",
            served("token-download-page.json"),
        );
        server.answer(
            Method::POST,
            "/get-document-details",
            served("get-document-details.json"),
        );
        server.answer(Method::POST, "/get-documents", served("get-documents.json"));
        server
    }

    fn bearers(server: &VendorServer, path: &str) -> Vec<String> {
        server
            .requests_to(path)
            .iter()
            .map(|r| r.header("authorization").unwrap_or_default().to_owned())
            .collect()
    }

    async fn prepare_error(server: &VendorServer) -> ProviderError {
        provider(server)
            .prepare(&DocRef::new(DOCUMENT_ID), None, &IgnoreStatus)
            .await
            .unwrap_err()
    }

    #[tokio::test]
    async fn the_token_is_asked_for_with_the_pages_own_request_body() {
        let server = vendor().await;
        provider(&server)
            .list(&Location::at(COLLECTION), None)
            .await
            .unwrap();
        let token = server.only_request_to("/generate-client-auth-token");
        assert_eq!(token.method, Method::POST);
        assert_eq!(token.header("content-type"), Some("application/json"));
        assert_eq!(token.json(), parsed("token-request.json"));
    }

    #[tokio::test]
    async fn the_download_pages_access_token_goes_as_a_bearer_with_every_call() {
        let server = vendor().await;
        provider(&server)
            .list(&Location::at(COLLECTION), None)
            .await
            .unwrap();
        let listing = server.only_request_to("/get-documents");
        assert_eq!(listing.method, Method::POST);
        assert_eq!(listing.header("content-type"), Some("application/json"));
        assert_eq!(
            listing.header("authorization"),
            Some(format!("Bearer {PAGE_TOKEN}").as_str())
        );
        assert_eq!(listing.json(), json!({ "collection_id": COLLECTION }));
    }

    #[tokio::test]
    async fn the_auth_pages_auth_token_is_taken_as_well() {
        let server = vendor().await;
        server.answer(
            Method::POST,
            "/generate-client-auth-token",
            Answer::new(200, "application/json", page("token-auth-page.json")),
        );
        provider(&server)
            .list(&Location::at(COLLECTION), None)
            .await
            .unwrap();
        assert_eq!(
            bearers(&server, "/get-documents"),
            [format!("Bearer {AUTH_PAGE_TOKEN}")]
        );
    }

    #[tokio::test]
    async fn a_refused_token_is_issued_again_once_and_the_call_repeated_with_the_new_one() {
        let server = vendor().await;
        server.answers(
            Method::POST,
            "/generate-client-auth-token",
            [
                served("token-download-page.json"),
                Answer::new(200, "application/json", page("token-auth-page.json")),
            ],
        );
        server.answers(
            Method::POST,
            "/get-documents",
            [
                served("error-403-unauthorized.json"),
                served("get-documents.json"),
            ],
        );
        let listed = provider(&server)
            .list(&Location::at(COLLECTION), None)
            .await
            .unwrap();
        assert_eq!(listed.items.len(), 3);
        assert_eq!(
            bearers(&server, "/get-documents"),
            [
                format!("Bearer {PAGE_TOKEN}"),
                format!("Bearer {AUTH_PAGE_TOKEN}")
            ]
        );
    }

    #[tokio::test]
    async fn a_token_refused_twice_is_unauthorized_with_the_vendors_message() {
        let server = vendor().await;
        server.answer(
            Method::POST,
            "/get-documents",
            served("error-403-unauthorized.json"),
        );
        let err = provider(&server)
            .list(&Location::at(COLLECTION), None)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            ProviderError::Unauthorized {
                message: "UNAUTHORIZED".into()
            }
        );
        assert_eq!(server.requests_to("/generate-client-auth-token").len(), 2);
    }

    #[tokio::test]
    async fn a_collection_lists_its_documents_with_ids_names_types_dates_and_links() {
        let server = vendor().await;
        let page = provider(&server)
            .list(&Location::at(COLLECTION), None)
            .await
            .unwrap();
        assert_eq!(page.next, None, "the API does not page");
        let in_collection =
            |id: &str, name: &str, mime: Option<&str>, modified: &str, extra: Value| Entry {
                mime: mime.map(str::to_owned),
                modified: Some(modified.to_owned()),
                parent: Some(COLLECTION.to_owned()),
                extra,
                ..Entry::document(id, name)
            };
        // No size: the API has no such field.
        assert_eq!(
            page.items,
            [
                in_collection(
                    "doc-abc-123-def-456",
                    "document-name.pdf",
                    Some("application/pdf"),
                    "2024-04-02T08:15:00.000Z",
                    json!({
                        "document_type": "pdf",
                        "document_tags": ["Finance", "Q1"],
                        "created_at": "2024-01-10T09:00:00.000Z",
                        "collection_name": "Reports",
                    }),
                ),
                // No document_type: the type comes from the stored file's extension.
                in_collection(
                    "550e8400-e29b-41d4-a716-446655440000",
                    "Minutes",
                    Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                    "2024-02-05T16:30:00.000Z",
                    json!({ "created_at": "2024-02-01T10:00:00.000Z" }),
                ),
                // URL-based: said up front, before a download is refused.
                in_collection(
                    "doc-123",
                    "Intranet guide",
                    None,
                    "2024-03-01T12:00:00.000Z",
                    json!({
                        "document_url": "https://intranet.example.com/guide",
                        "created_at": "2024-03-01T12:00:00.000Z",
                        "collection_name": "Reports",
                        "downloadable": false,
                    }),
                ),
            ]
        );
    }

    #[tokio::test]
    async fn the_root_lists_a_configured_collection_named_after_its_documents() {
        let server = vendor().await;
        let root = provider(&server)
            .list(&Location::root(), None)
            .await
            .unwrap();
        let folders: Vec<(&str, &str, EntryKind)> = root
            .items
            .iter()
            .map(|e| (e.id.as_str(), e.name.as_str(), e.kind))
            .collect();
        assert_eq!(folders, [(COLLECTION, "Reports", EntryKind::Folder)]);
        assert_eq!(root.items[0].extra["document_count"], 3);
    }

    #[tokio::test]
    async fn stat_reads_the_details_of_one_document() {
        let server = vendor().await;
        let entry = provider(&server)
            .stat(&DocRef::new(DOCUMENT_ID))
            .await
            .unwrap();
        assert_eq!(
            server.only_request_to("/get-document-details").json(),
            json!({ "document_id": DOCUMENT_ID })
        );
        assert_eq!(
            (entry.id.as_str(), entry.name.as_str(), entry.kind),
            (DOCUMENT_ID, "document-name.pdf", EntryKind::Document)
        );
        assert_eq!(entry.mime.as_deref(), Some("application/pdf"));
        assert_eq!(entry.modified.as_deref(), Some("2024-04-02T08:15:00.000Z"));
        assert_eq!(entry.parent.as_deref(), Some(COLLECTION));
        assert_eq!(
            provider(&server)
                .versions(&DocRef::new(DOCUMENT_ID))
                .await
                .unwrap(),
            Vec::<Version>::new(),
            "the API has no versions"
        );
    }

    #[tokio::test]
    async fn the_presigned_answer_is_a_url_valid_one_hour_that_carries_no_bearer() {
        let server = vendor().await;
        server.answer(Method::POST, "/download", served("presigned-url.json"));
        let hour = Duration::from_secs(3600);
        let before = SystemTime::now();
        let source = provider(&server)
            .prepare(&DocRef::new(DOCUMENT_ID), None, &IgnoreStatus)
            .await
            .unwrap();
        let after = SystemTime::now();
        let TransferSource::Url(url) = source else {
            panic!("expected a URL, got {source:?}");
        };
        assert_eq!(
            url.url,
            "https://s3.amazonaws.com/bucket/documents/my-document.pdf?X-Amz-Algorithm=..."
        );
        assert!(url.headers.is_empty(), "the bearer stays with the API");
        let expires = url.expires_at.unwrap();
        assert!(expires >= before + hour && expires <= after + hour);
        assert_eq!(url.ranges, RangeSupport::Supported);
        assert_eq!(url.file_name.as_deref(), Some("document-name.pdf"));
        assert_eq!(url.mime.as_deref(), Some("application/pdf"));

        let asked = server.only_request_to("/download");
        assert_eq!(asked.method, Method::POST);
        assert_eq!(asked.header("content-type"), Some("application/json"));
        assert_eq!(
            asked.header("authorization"),
            Some(format!("Bearer {PAGE_TOKEN}").as_str())
        );
        assert_eq!(asked.json(), parsed("download-request.json"));
    }

    /// The page's direct-download answer: its three headers, and bytes.
    fn direct_download(body: &[u8]) -> Answer {
        let headers = page("direct-download-headers.txt")
            .lines()
            .map(|line| {
                let (name, value) = line.split_once(": ").unwrap();
                (name.to_owned(), value.to_owned())
            })
            .collect();
        Answer {
            status: 200,
            headers,
            body: body.to_vec(),
        }
    }

    #[tokio::test]
    async fn when_the_server_cannot_presign_the_direct_route_is_downloaded_with_the_bearer() {
        let server = vendor().await;
        server.answer(
            Method::POST,
            "/download",
            served("error-500-failed-to-generate-download-url.json"),
        );
        let content = b"%PDF-1.7\n% the page's binary file content\n%%EOF\n";
        let direct = format!("/download/{DOCUMENT_ID}");
        server.answer(Method::GET, &direct, direct_download(content));
        let dir = tempfile::tempdir().unwrap();
        let saved = fetch(provider(&server).as_ref(), DOCUMENT_ID, dir.path())
            .await
            .unwrap();
        assert_eq!(std::fs::read(&saved.path).unwrap(), content);
        assert_eq!(
            saved.path.file_name().unwrap().to_str(),
            Some("document-name.pdf")
        );
        let get = server.only_request_to(&direct);
        assert_eq!(get.method, Method::GET);
        assert_eq!(
            get.header("authorization"),
            Some(format!("Bearer {PAGE_TOKEN}").as_str())
        );
    }

    #[tokio::test]
    async fn each_documented_refusal_of_post_download_is_its_own_error_with_the_vendors_message() {
        let cases = [
            (
                "error-435-document-id-required.json",
                ProviderError::InvalidRequest {
                    message: "Document ID is required".into(),
                },
            ),
            (
                "error-435-no-file-path.json",
                ProviderError::NotDownloadable {
                    message: "Document has no file path".into(),
                },
            ),
            (
                "error-437-document-not-found.json",
                ProviderError::NotFound {
                    message: "Document not found".into(),
                },
            ),
            (
                "error-403-unauthorized.json",
                ProviderError::Unauthorized {
                    message: "UNAUTHORIZED".into(),
                },
            ),
            (
                "error-500-failed-to-download-document.json",
                ProviderError::transient("Failed to download document"),
            ),
        ];
        for (refusal, expected) in cases {
            let server = vendor().await;
            server.answer(Method::POST, "/download", served(refusal));
            assert_eq!(prepare_error(&server).await, expected, "{refusal}");
        }
    }

    #[tokio::test]
    async fn each_documented_refusal_of_the_direct_route_is_its_own_error_with_the_vendors_message()
    {
        let cases = [
            // The direct route is authorised by the bearer: once it expires, preparing again issues a new one.
            (
                "error-403-unauthorized.json",
                ProviderError::LinkExpired {
                    message: "UNAUTHORIZED".into(),
                },
            ),
            (
                "error-437-document-not-found.json",
                ProviderError::NotFound {
                    message: "Document not found".into(),
                },
            ),
            (
                "error-435-no-file-path.json",
                ProviderError::NotDownloadable {
                    message: "Document has no file path".into(),
                },
            ),
            (
                "error-435-document-id-required.json",
                ProviderError::InvalidRequest {
                    message: "Document ID is required".into(),
                },
            ),
            (
                "error-500-failed-to-download-document.json",
                ProviderError::transient("Failed to download document"),
            ),
        ];
        for (refusal, expected) in cases {
            let server = vendor().await;
            server.answer(
                Method::POST,
                "/download",
                served("error-500-failed-to-generate-download-url.json"),
            );
            server.answer(
                Method::GET,
                &format!("/download/{DOCUMENT_ID}"),
                served(refusal),
            );
            let dir = tempfile::tempdir().unwrap();
            let err = fetch(provider(&server).as_ref(), DOCUMENT_ID, dir.path())
                .await
                .unwrap_err();
            assert_eq!(provider_error(err), expected, "{refusal}");
        }
    }

    #[tokio::test]
    async fn a_document_the_details_do_not_find_is_not_found_before_any_download_is_asked_for() {
        let server = vendor().await;
        server.answer(
            Method::POST,
            "/get-document-details",
            served("error-437-document-not-found.json"),
        );
        let not_found = ProviderError::NotFound {
            message: "Document not found".into(),
        };
        assert_eq!(
            provider(&server)
                .stat(&DocRef::new(DOCUMENT_ID))
                .await
                .unwrap_err(),
            not_found
        );
        assert_eq!(prepare_error(&server).await, not_found);
        assert!(server.requests_to("/download").is_empty());
    }

    /// The page prints its error bodies in a TypeScript-like notation (`statusCode: 435;`, no comma after
    /// `data: {}`); the served fixture is the same text with the keys quoted and `;`/line ends as JSON commas.
    fn page_notation_as_json(text: &str) -> Value {
        let quoted: Vec<String> = text
            .lines()
            .map(|line| match line.split_once(':') {
                Some((key, rest))
                    if !key.is_empty()
                        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                {
                    format!("\"{key}\":{rest}")
                }
                _ => line.to_owned(),
            })
            .collect();
        let json = quoted
            .join("\n")
            .replace(";\n}", "\n}")
            .replace(";\n", ",\n")
            .replace("}\n\"", "},\n\"");
        serde_json::from_str(&json).unwrap_or_else(|err| panic!("{json}: {err}"))
    }

    #[test]
    fn the_served_fixtures_are_the_page_copies_with_only_the_noted_change() {
        // Printed as shell comments under `# Response:`.
        let token: String = page("token-download-page.page.txt")
            .lines()
            .map(|line| format!("{}\n", line.trim_start_matches('#').trim_start()))
            .collect();
        assert_eq!(token, page("token-download-page.json"));
        // Printed as the `-d '...'` argument of the example curl commands.
        for request in ["token-request", "download-request"] {
            let copy = page(&format!("{request}.page.txt"));
            let body = copy
                .trim_end()
                .trim_start_matches("-d '")
                .trim_end_matches('\'');
            assert_eq!(format!("{body}\n"), page(&format!("{request}.json")));
        }
        for refusal in [
            "error-435-document-id-required",
            "error-403-unauthorized",
            "error-437-document-not-found",
            "error-435-no-file-path",
            "error-500-failed-to-generate-download-url",
            "error-500-failed-to-download-document",
        ] {
            assert_eq!(
                page_notation_as_json(&page(&format!("{refusal}.page.txt"))),
                parsed(&format!("{refusal}.json")),
                "{refusal}"
            );
        }
        // The README gives the auth page's shape only: `{status: 200, data: {auth_token}}`.
        assert_eq!(
            page("token-auth-page.page.txt").trim(),
            "{status: 200, data: {auth_token}}"
        );
        let auth = parsed("token-auth-page.json");
        assert_eq!(auth["status"], 200);
        assert_eq!(
            auth["data"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["auth_token"]
        );
        // The page runs the three headers together on one line.
        let printed: String = page("direct-download-headers.page.txt")
            .split_whitespace()
            .collect();
        for line in page("direct-download-headers.txt").lines() {
            let (name, value) = line.split_once(": ").unwrap();
            assert!(printed.contains(&format!("{name}:")), "{name}");
            let value: String = value.split_whitespace().collect();
            assert!(printed.contains(&value), "{value}");
        }
        // The README lists the fields of a listed document; `?` marks the optional ones.
        let shape = page("get-documents.page.txt");
        let fields = shape.split("data: [{").nth(1).unwrap().split("}]").next();
        let fields: Vec<&str> = fields
            .unwrap()
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect();
        let required: Vec<&str> = fields
            .iter()
            .copied()
            .filter(|f| !f.ends_with('?'))
            .collect();
        let known: Vec<&str> = fields.iter().map(|f| f.trim_end_matches('?')).collect();
        let listed = parsed("get-documents.json");
        let details = parsed("get-document-details.json");
        let records = listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .chain([&details["data"]]);
        for record in records {
            let keys: Vec<&str> = record
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert!(required.iter().all(|f| keys.contains(f)), "{keys:?}");
            assert!(keys.iter().all(|k| known.contains(k)), "{keys:?}");
        }
        assert_eq!(listed["message"], "OKAY");
    }
}

/// infoRouter over ASMX: `002_475651eedc1c807e.txt` (GetDownloadHandler API) and the README's "infoRouter:
/// authentication, browsing, versions, chunks".
mod inforouter {
    use base64::Engine;
    use docket_core::{
        ChunkSource, DocRef, Entry, IgnoreStatus, Location, ProviderError, StagedFile,
        TransferSource,
    };
    use serde_json::json;

    use super::*;
    use crate::support::fetch;

    /// The README's `AuthenticateUser` answer prints the ticket as `...`: Docket takes it as the opaque text it is.
    const TICKET: &str = "...";
    /// The handler of the page's `GetDownloadHandler` answer.
    const HANDLER: &str = "7f3a1b2c-d4e5-6789-abcd-ef0123456789";
    /// The document of the page's example requests.
    const DOCUMENT: &str = "/Finance/Reports/Q1-Report.pdf";
    const FORM: &str = "application/x-www-form-urlencoded";

    fn page(name: &str) -> String {
        fixture(&format!("inforouter/{name}"))
    }

    /// ASMX reports failures inside an HTTP 200, as the pages show.
    fn served_xml(xml: String) -> Answer {
        Answer::new(200, "text/xml; charset=utf-8", xml)
    }

    fn served(name: &str) -> Answer {
        served_xml(page(name))
    }

    fn route(method: &str) -> String {
        format!("/srv.asmx/{method}")
    }

    /// The remote asks for the page's example chunk size, so its requests can be held against the page's.
    fn provider(server: &VendorServer) -> Arc<dyn Provider> {
        let config = remote(
            server,
            docket_providers::inforouter::KIND,
            &[("username", "ada"), ("chunk_size", "1048576")],
        );
        connect(config, &[("password", "lovelace")])
    }

    /// A server that accepts the login with the README's answer.
    async fn vendor() -> VendorServer {
        let server = VendorServer::start().await;
        script(
            &server,
            "AuthenticateUser",
            [served("authenticate-user.xml")],
        );
        server
    }

    fn script(server: &VendorServer, method: &str, answers: impl IntoIterator<Item = Answer>) {
        server.answers(Method::POST, &route(method), answers);
    }

    /// The forms `method` was called with, each checked to be a POST of a form.
    fn forms(server: &VendorServer, method: &str) -> Vec<BTreeMap<String, String>> {
        server
            .requests_to(&route(method))
            .iter()
            .map(|r| {
                assert_eq!(r.method, Method::POST, "{method}");
                assert_eq!(r.header("content-type"), Some(FORM), "{method}");
                assert_eq!(r.query, None, "{method}");
                r.form()
            })
            .collect()
    }

    fn form(fields: &[(&str, &str)]) -> BTreeMap<String, String> {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The methods called, in order.
    fn calls(server: &VendorServer) -> Vec<String> {
        server
            .requests()
            .iter()
            .map(|r| r.path.trim_start_matches("/srv.asmx/").to_owned())
            .collect()
    }

    /// The README's chunk answer carrying `bytes` (base64, with their CRC32) in place of its own values.
    fn readme_chunk(file_length: usize, bytes: &[u8], last: bool) -> Answer {
        let base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        served_xml(
            page("download-file-chunk.xml")
                .replace(
                    r#"filelength="1048576""#,
                    &format!(r#"filelength="{file_length}""#),
                )
                .replace(
                    r#"chunklength="65536""#,
                    &format!(r#"chunklength="{}""#, bytes.len()),
                )
                .replace(r#"lastchunk="false""#, &format!(r#"lastchunk="{last}""#))
                .replace(
                    r#"chunkCRC32="a3f1c29d""#,
                    &format!(r#"chunkCRC32="{:08x}""#, crc32fast::hash(bytes)),
                )
                .replace("BASE64...", &base64),
        )
    }

    async fn staged_source(server: &VendorServer) -> Box<dyn ChunkSource> {
        match provider(server)
            .prepare(&DocRef::new(DOCUMENT), None, &IgnoreStatus)
            .await
            .unwrap()
        {
            TransferSource::Chunked(source) => source,
            other => panic!("expected a staged file, got {other:?}"),
        }
    }

    async fn prepare_error(server: &VendorServer) -> ProviderError {
        provider(server)
            .prepare(&DocRef::new(DOCUMENT), None, &IgnoreStatus)
            .await
            .unwrap_err()
    }

    /// The fields of the page's `POST Request` example: `name=value` lines after the request line and header.
    fn pages_post_example() -> BTreeMap<String, String> {
        let copy = page("get-download-handler-request.page.txt");
        let body: String = copy.lines().skip(2).collect();
        url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    }

    #[tokio::test]
    async fn login_sends_uid_and_pwd_and_later_calls_carry_the_ticket_it_answered() {
        let server = vendor().await;
        script(
            &server,
            "GetFoldersAndDocumentsByPage",
            [served("folder-listing.xml")],
        );
        provider(&server)
            .list(&Location::at("/Finance/Reports"), None)
            .await
            .unwrap();
        assert_eq!(
            forms(&server, "AuthenticateUser"),
            [form(&[("UID", "ada"), ("PWD", "lovelace")])]
        );
        assert_eq!(
            forms(&server, "GetFoldersAndDocumentsByPage"),
            [form(&[
                ("AuthenticationTicket", TICKET),
                ("Path", "/Finance/Reports"),
                ("FolderFilter", ""),
                ("DocumentFilter", ""),
                ("PageNumber", "1"),
            ])]
        );
    }

    #[tokio::test]
    async fn a_refused_login_is_unauthorized_with_the_vendors_message_and_goes_no_further() {
        let server = vendor().await;
        script(
            &server,
            "AuthenticateUser",
            [served("authenticate-user-failed.xml")],
        );
        let err = provider(&server)
            .list(&Location::at("/Finance"), None)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            ProviderError::Unauthorized {
                message: "[900] Authentication failed".into()
            }
        );
        assert_eq!(calls(&server), ["AuthenticateUser"]);
    }

    #[tokio::test]
    async fn a_folder_lists_its_folders_and_documents_identified_by_path() {
        let server = vendor().await;
        script(
            &server,
            "GetFoldersAndDocumentsByPage",
            [served("folder-listing.xml")],
        );
        let page = provider(&server)
            .list(&Location::at("/Finance/Reports"), None)
            .await
            .unwrap();
        assert_eq!(page.next, None, "itemcount 3: all on page 1");
        let parent = Some("/Finance/Reports".to_owned());
        let document =
            |id: &str, name: &str, size: u64, mdate: &str, version: &str, extra: Value| Entry {
                size: Some(size),
                modified: Some(mdate.to_owned()),
                version: Some(version.to_owned()),
                parent: parent.clone(),
                extra,
                ..Entry::document(id, name)
            };
        assert_eq!(
            page.items,
            [
                Entry {
                    parent: parent.clone(),
                    extra: json!({ "folder_id": "13" }),
                    ..Entry::folder("/Finance/Reports/2024", "2024")
                },
                document(
                    "/Finance/Reports/Q1-Report.pdf",
                    "Q1-Report.pdf",
                    2_097_152,
                    "2024-06-15",
                    "2000000",
                    json!({
                        "short_id": "~D1001",
                        "created": "2024-04-02",
                        "format": "PDF",
                        "published_version": "2000000",
                        "document_type": "0",
                    }),
                ),
                document(
                    "/Finance/Reports/ledger-2024.csv",
                    "ledger-2024.csv",
                    538_214,
                    "2024-04-03",
                    "1000000",
                    json!({
                        "short_id": "~D1002",
                        "created": "2024-04-03",
                        "format": "CSV",
                        "published_version": "1000000",
                        "document_type": "0",
                    }),
                ),
            ]
        );
    }

    #[tokio::test]
    async fn a_missing_folder_is_not_found_with_the_vendors_message() {
        let server = vendor().await;
        script(
            &server,
            "GetFoldersAndDocumentsByPage",
            [served("folder-not-found.xml")],
        );
        let err = provider(&server)
            .list(&Location::at("/Nowhere"), None)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            ProviderError::NotFound {
                message: "Folder not found.".into()
            }
        );
    }

    #[tokio::test]
    async fn versions_as_the_readme_prints_them_are_read_by_their_number() {
        let server = vendor().await;
        script(
            &server,
            "GetDocumentVersions",
            [served("document-versions.xml")],
        );
        let versions = provider(&server)
            .versions(&DocRef::new(DOCUMENT))
            .await
            .unwrap();
        let read: Vec<(&str, &str, Option<u64>)> = versions
            .iter()
            .map(|v| (v.id.as_str(), v.label.as_str(), v.size))
            .collect();
        // `..` in place of the size is no number: the size is unknown rather than an error.
        assert_eq!(read, [("1000000", "Version 1", None)]);
        assert_eq!(
            forms(&server, "GetDocumentVersions"),
            [form(&[
                ("AuthenticationTicket", TICKET),
                ("Path", DOCUMENT)
            ])]
        );
    }

    #[tokio::test]
    async fn versions_with_values_come_newest_first_with_size_and_checksum() {
        let server = vendor().await;
        script(
            &server,
            "GetDocumentVersions",
            [served("document-versions-with-values.xml")],
        );
        let versions = provider(&server)
            .versions(&DocRef::new(DOCUMENT))
            .await
            .unwrap();
        let read: Vec<(&str, &str, Option<u64>, Option<&str>)> = versions
            .iter()
            .map(|v| {
                (
                    v.id.as_str(),
                    v.label.as_str(),
                    v.size,
                    v.checksum.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                ("2000000", "Version 2", Some(2_097_152), Some("a3f1c29d")),
                ("1000000", "Version 1", Some(1_048_576), Some("5f0d6a1c")),
            ]
        );
    }

    #[tokio::test]
    async fn the_pages_staging_answer_is_a_staged_file_asked_for_as_the_pages_post_example() {
        let server = vendor().await;
        script(
            &server,
            "GetDownloadHandler",
            [served("get-download-handler.xml")],
        );
        script(
            &server,
            "DeleteDownloadHandler",
            [served("delete-download-handler.xml")],
        );
        let source = staged_source(&server).await;
        assert_eq!(
            source.staged(),
            &StagedFile {
                handle: HANDLER.into(),
                size: 2_097_152,
                chunk_size: 1_048_576,
                crc32: Some(0xa3f1_c29d),
                file_name: Some("Q1-Report.pdf".into()),
                mime: Some("application/pdf".into()),
                modified: Some("2024-06-15".into()),
            }
        );
        // The page's example ticket is another session's; every other field is the page's, value for value.
        let mut expected = pages_post_example();
        expected.insert("AuthenticationTicket".into(), TICKET.into());
        assert_eq!(forms(&server, "GetDownloadHandler"), [expected]);

        source.release().await.unwrap();
        assert_eq!(
            forms(&server, "DeleteDownloadHandler"),
            [form(&[
                ("AuthenticationTicket", TICKET),
                ("DownloadHandler", HANDLER)
            ])]
        );
    }

    #[tokio::test]
    async fn a_version_is_staged_by_get_download_handler_by_version_with_its_number() {
        let server = vendor().await;
        script(
            &server,
            "GetDownloadHandlerByVersion",
            [served("get-download-handler.xml")],
        );
        provider(&server)
            .prepare(&DocRef::new(DOCUMENT), Some("2"), &IgnoreStatus)
            .await
            .unwrap();
        let mut expected = pages_post_example();
        expected.insert("AuthenticationTicket".into(), TICKET.into());
        expected.insert("VersionNumber".into(), "2000000".into());
        assert_eq!(forms(&server, "GetDownloadHandlerByVersion"), [expected]);
        assert!(forms(&server, "GetDownloadHandler").is_empty());
    }

    #[tokio::test]
    async fn the_readmes_chunk_is_decoded_and_checked_against_its_own_crc32() {
        let server = vendor().await;
        // The README's chunk is of a 1 MiB file (filelength), the page's staged file 2 MiB: staged with the
        // chunk's length, or Docket rightly refuses the chunk as belonging to another file.
        let staged =
            page("get-download-handler.xml").replace(r#"Size="2097152""#, r#"Size="1048576""#);
        script(&server, "GetDownloadHandler", [served_xml(staged)]);
        let bytes = bytes_with_crc32(65_536, 0xa3f1_c29d);
        let base64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let chunk = page("download-file-chunk.xml").replace("BASE64...", &base64);
        script(&server, "DownloadFileChunk", [served_xml(chunk)]);

        let read = staged_source(&server).await.read(0, 65_536).await.unwrap();
        assert_eq!(read.bytes, bytes);
        assert!(!read.last);

        // The page's loop names DownloadHandler, StartOffset and ChunkSize; the README adds the ticket.
        let loop_fields = page("chunk-loop.page.txt");
        for field in ["DownloadHandler", "StartOffset", "ChunkSize"] {
            assert!(loop_fields.contains(&format!("{field}=")), "{field}");
        }
        assert_eq!(
            forms(&server, "DownloadFileChunk"),
            [form(&[
                ("AuthenticationTicket", TICKET),
                ("DownloadHandler", HANDLER),
                ("StartOffset", "0"),
                ("ChunkSize", "65536"),
            ])]
        );
    }

    #[tokio::test]
    async fn the_readmes_chunk_with_bytes_other_than_its_crc32_names_is_an_integrity_error() {
        let server = vendor().await;
        let staged =
            page("get-download-handler.xml").replace(r#"Size="2097152""#, r#"Size="1048576""#);
        script(&server, "GetDownloadHandler", [served_xml(staged)]);
        let base64 = base64::engine::general_purpose::STANDARD.encode([0u8; 65_536]);
        let chunk = page("download-file-chunk.xml").replace("BASE64...", &base64);
        script(&server, "DownloadFileChunk", [served_xml(chunk)]);
        let err = staged_source(&server)
            .await
            .read(0, 65_536)
            .await
            .unwrap_err();
        assert!(matches!(err, ProviderError::Integrity { .. }), "{err:?}");
        assert!(err.message().contains("a3f1c29d"), "{err}");
    }

    #[tokio::test]
    async fn the_readmes_chunk_as_printed_is_refused_as_garbled_not_taken_as_data() {
        let server = vendor().await;
        let staged =
            page("get-download-handler.xml").replace(r#"Size="2097152""#, r#"Size="1048576""#);
        script(&server, "GetDownloadHandler", [served_xml(staged)]);
        script(
            &server,
            "DownloadFileChunk",
            [served("download-file-chunk.xml")],
        );
        let err = staged_source(&server)
            .await
            .read(0, 65_536)
            .await
            .unwrap_err();
        assert!(matches!(err, ProviderError::Integrity { .. }), "{err:?}");
        assert!(err.is_retryable());
    }

    #[tokio::test]
    async fn a_whole_download_follows_the_pages_workflow_and_deletes_the_handler() {
        let server = vendor().await;
        script(
            &server,
            "GetDownloadHandler",
            [served("get-download-handler.xml")],
        );
        // The page's file: 2 MiB, CRC32 a3f1c29d, read in its 1 MiB ChunkSize.
        let content = bytes_with_crc32(2_097_152, 0xa3f1_c29d);
        let (first, second) = content.split_at(1_048_576);
        script(
            &server,
            "DownloadFileChunk",
            [
                readme_chunk(content.len(), first, false),
                readme_chunk(content.len(), second, true),
            ],
        );
        script(
            &server,
            "DeleteDownloadHandler",
            [served("delete-download-handler.xml")],
        );
        let dir = tempfile::tempdir().unwrap();
        let saved = fetch(provider(&server).as_ref(), DOCUMENT, dir.path())
            .await
            .unwrap();
        assert_eq!(
            saved.path.file_name().unwrap().to_str(),
            Some("Q1-Report.pdf")
        );
        assert!(std::fs::read(&saved.path).unwrap() == content);
        assert_eq!(
            calls(&server),
            [
                "AuthenticateUser",
                "GetDownloadHandler",
                "DownloadFileChunk",
                "DownloadFileChunk",
                "DeleteDownloadHandler"
            ]
        );
        let chunk_at = |offset: &str| {
            form(&[
                ("AuthenticationTicket", TICKET),
                ("DownloadHandler", HANDLER),
                ("StartOffset", offset),
                ("ChunkSize", "1048576"),
            ])
        };
        assert_eq!(
            forms(&server, "DownloadFileChunk"),
            [chunk_at("0"), chunk_at("1048576")]
        );
        assert_eq!(
            forms(&server, "DeleteDownloadHandler"),
            [form(&[
                ("AuthenticationTicket", TICKET),
                ("DownloadHandler", HANDLER)
            ])]
        );
    }

    #[tokio::test]
    async fn chunks_shorter_than_asked_for_move_the_offset_by_their_chunklength_as_the_page_says() {
        let server = vendor().await;
        // The README's chunks (64 KiB of a 1 MiB file) under the page's handler, which negotiated 1 MiB.
        let staged =
            page("get-download-handler.xml").replace(r#"Size="2097152""#, r#"Size="1048576""#);
        script(&server, "GetDownloadHandler", [served_xml(staged)]);
        let content = bytes_with_crc32(1_048_576, 0xa3f1_c29d);
        let pieces: Vec<&[u8]> = content.chunks(65_536).collect();
        let answers: Vec<Answer> = pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| readme_chunk(content.len(), piece, i + 1 == pieces.len()))
            .collect();
        script(&server, "DownloadFileChunk", answers);
        script(
            &server,
            "DeleteDownloadHandler",
            [served("delete-download-handler.xml")],
        );
        let dir = tempfile::tempdir().unwrap();
        let saved = fetch(provider(&server).as_ref(), DOCUMENT, dir.path())
            .await
            .unwrap();
        assert!(std::fs::read(&saved.path).unwrap() == content);
        let asked: Vec<(String, String)> = forms(&server, "DownloadFileChunk")
            .into_iter()
            .map(|f| (f["StartOffset"].clone(), f["ChunkSize"].clone()))
            .collect();
        let expected: Vec<(String, String)> = (0..16)
            .map(|i| ((i * 65_536).to_string(), "1048576".to_owned()))
            .collect();
        assert_eq!(asked, expected);
    }

    #[tokio::test]
    async fn a_rendered_files_empty_crc32_is_no_checksum_rather_than_an_error() {
        let server = vendor().await;
        // The page: CRC32 is "Empty string when RenderedContent is true".
        let rendered = page("get-download-handler.xml")
            .replace(r#"RenderedContent="false""#, r#"RenderedContent="true""#)
            .replace(r#"CRC32="a3f1c29d""#, r#"CRC32="""#);
        script(&server, "GetDownloadHandler", [served_xml(rendered)]);
        let source = staged_source(&server).await;
        assert_eq!(source.staged().crc32, None);
        assert_eq!(source.staged().size, 2_097_152);
    }

    #[tokio::test]
    async fn an_expired_ticket_is_replaced_by_logging_in_again_once() {
        let server = vendor().await;
        script(
            &server,
            "GetDownloadHandler",
            [
                served("get-download-handler-error-901.xml"),
                served("get-download-handler.xml"),
            ],
        );
        assert_eq!(staged_source(&server).await.staged().handle, HANDLER);
        assert_eq!(
            calls(&server),
            [
                "AuthenticateUser",
                "GetDownloadHandler",
                "AuthenticateUser",
                "GetDownloadHandler"
            ]
        );
    }

    #[tokio::test]
    async fn each_documented_error_of_get_download_handler_is_its_own_error_with_the_vendors_message(
    ) {
        let cases = [
            (
                "get-download-handler-error-901.xml",
                ProviderError::Unauthorized {
                    message: "[901] Session expired or Invalid ticket".into(),
                },
            ),
            (
                "error-900-authentication-failed.xml",
                ProviderError::Unauthorized {
                    message: "[900] Authentication failed".into(),
                },
            ),
            (
                "error-document-not-found.xml",
                ProviderError::NotFound {
                    message: "Document not found".into(),
                },
            ),
            (
                "error-offline-document.xml",
                ProviderError::NotDownloadable {
                    message: "Offline document error".into(),
                },
            ),
            (
                "error-system-error.xml",
                ProviderError::transient("SystemError:..."),
            ),
        ];
        for (refusal, expected) in cases {
            let server = vendor().await;
            script(&server, "GetDownloadHandler", [served(refusal)]);
            let ticket_refused = matches!(expected, ProviderError::Unauthorized { .. });
            assert_eq!(prepare_error(&server).await, expected, "{refusal}");
            // A refused ticket is worth one new login; no other error is.
            let logins = if ticket_refused { 2 } else { 1 };
            assert_eq!(
                forms(&server, "AuthenticateUser").len(),
                logins,
                "{refusal}"
            );
        }
    }

    /// Each element's name and attribute names, in document order.
    fn shapes(xml: &str) -> Vec<(String, Vec<String>)> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut shapes = Vec::new();
        while let Ok(event) = reader.read_event() {
            match event {
                quick_xml::events::Event::Start(tag) | quick_xml::events::Event::Empty(tag) => {
                    let name = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
                    let attributes = tag
                        .attributes()
                        .map(|a| String::from_utf8_lossy(a.unwrap().key.as_ref()).into_owned())
                        .collect();
                    shapes.push((name, attributes));
                }
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        shapes
    }

    /// The XML quoted between backticks in a copy of the README.
    fn quoted_xml(copy: &str) -> Vec<String> {
        copy.split('`')
            .skip(1)
            .step_by(2)
            .filter(|quote| quote.starts_with('<'))
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_served_fixtures_keep_the_pages_shapes() {
        // The error table's texts in the page's error element, nothing else changed.
        let error_element = page("get-download-handler-error-901.xml");
        let table = page("error-codes.page.txt");
        for (refusal, text) in [
            (
                "error-900-authentication-failed.xml",
                "[900] Authentication failed",
            ),
            ("error-document-not-found.xml", "Document not found"),
            ("error-offline-document.xml", "Offline document error"),
            ("error-system-error.xml", "SystemError:..."),
        ] {
            assert!(table.contains(text), "{text}");
            assert_eq!(
                page(refusal),
                error_element.replace("[901] Session expired or Invalid ticket", text)
            );
        }
        // The listing: the README's element shapes, nested and closed, with values in place of `..`.
        let readme: Vec<(String, Vec<String>)> = quoted_xml(&page("folder-listing.page.txt"))
            .iter()
            .flat_map(|quote| shapes(quote))
            .collect();
        let names: Vec<&str> = readme.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["response", "f", "d"]);
        let listing = shapes(&page("folder-listing.xml"));
        assert_eq!(listing.len(), 4);
        for element in listing {
            assert!(readme.contains(&element), "{element:?} is not the README's");
        }
        // The versions: the README's elements with values in place of `..`, a second version for `...`.
        let printed = shapes(&page("document-versions.xml"));
        assert_eq!(printed.len(), 4);
        let with_values = shapes(&page("document-versions-with-values.xml"));
        assert_eq!(with_values.len(), 7);
        for element in with_values {
            assert!(
                printed.contains(&element),
                "{element:?} is not the README's"
            );
        }
    }
}

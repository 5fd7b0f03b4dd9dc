//! A server that redirects must not get a remote's credentials sent to another origin (another scheme, host or
//! port), nor a request from https onto plain http; redirects within one origin keep working.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use docket_core::{redirects, Credentials, Location, ProviderError, RemoteConfig};
use docket_demo::sage_active::{API_KEY, ORGANIZATION_ID, TENANT_ID, TOKEN};

/// One request as a test server received it.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Seen {
    /// Whether any of `secrets` is anywhere in this request: path, headers or body.
    fn carries_any(&self, secrets: &[&str]) -> bool {
        let mut text = self.path.clone();
        for (name, value) in &self.headers {
            text.push_str(&format!(
                "\n{name}: {}",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        text.push_str(&String::from_utf8_lossy(&self.body));
        secrets.iter().any(|secret| text.contains(secret))
    }
}

/// What a test server answers on a path; anything else gets `{}`.
#[derive(Clone)]
enum Answer {
    Redirect(StatusCode, String),
    Json(&'static str),
}

#[derive(Default)]
struct TestServer {
    answers: Mutex<Vec<(String, Answer)>>,
    seen: Mutex<Vec<Seen>>,
}

impl TestServer {
    fn answer(&self, path: &str, answer: Answer) {
        self.answers.lock().unwrap().push((path.to_owned(), answer));
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// A server on `ip` (any free port) that records every request; answers its base URL.
async fn serve(ip: &str) -> (String, Arc<TestServer>) {
    let server = Arc::new(TestServer::default());
    let app = Router::new()
        .fallback(record_and_answer)
        .with_state(server.clone());
    let listener = tokio::net::TcpListener::bind(format!("{ip}:0"))
        .await
        .unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), server)
}

async fn record_and_answer(
    State(server): State<Arc<TestServer>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    server.seen.lock().unwrap().push(Seen {
        method,
        path: path.clone(),
        headers,
        body,
    });
    let answer = server
        .answers
        .lock()
        .unwrap()
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, a)| a.clone());
    match answer {
        Some(Answer::Redirect(status, location)) => {
            (status, [(header::LOCATION, location)]).into_response()
        }
        Some(Answer::Json(body)) => {
            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        None => ([(header::CONTENT_TYPE, "application/json")], "{}").into_response(),
    }
}

fn sage_active(base: &str) -> (RemoteConfig, Credentials) {
    docket_demo::sage_active::demo_remote(base)
}

const SAGE_SECRETS: [&str; 4] = [TOKEN, API_KEY, TENANT_ID, ORGANIZATION_ID];

/// A credential, or a `Referer` naming the URL the redirect came from (a signed query string, say).
fn has_credential_or_referer(seen: &Seen) -> bool {
    [
        "authorization",
        "x-api-key",
        "x-tenantid",
        "x-organizationid",
        "cookie",
        "referer",
    ]
    .iter()
    .any(|name| seen.headers.contains_key(*name))
}

#[tokio::test]
async fn sage_active_credentials_stay_behind_when_the_api_redirects_to_another_host_or_port() {
    let (api, at_api) = serve("127.0.0.1").await;
    let (other_host, at_other_host) = serve("127.0.0.2").await;
    let (other_port, at_other_port) = serve("127.0.0.1").await;
    for (elsewhere, at_elsewhere) in [(&other_host, &at_other_host), (&other_port, &at_other_port)]
    {
        at_api.answers.lock().unwrap().clear();
        at_api.answer(
            "/graphql",
            Answer::Redirect(StatusCode::FOUND, format!("{elsewhere}/collect")),
        );
        let (config, credentials) = sage_active(&api);
        let http = docket_core::http::client().unwrap();
        let provider = docket_providers::connect(config, credentials, http).unwrap();
        // `{}` is no GraphQL answer; only where the request went matters here.
        let _ = provider.list(&Location::root(), None).await;

        let sent = at_api.seen();
        assert!(
            sent.iter().any(|s| s.headers.contains_key("x-api-key")),
            "the API itself gets the credentials: {sent:?}"
        );
        let arrived = at_elsewhere.seen();
        assert!(
            !arrived.is_empty(),
            "the redirect to {elsewhere} was followed"
        );
        for seen in &arrived {
            assert!(
                !has_credential_or_referer(seen),
                "{elsewhere} got {:?}",
                seen.headers
            );
            assert!(
                !seen.carries_any(&SAGE_SECRETS),
                "{elsewhere} got a secret: {seen:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_login_form_redirected_to_another_origin_with_its_body_is_refused_and_never_sent_there() {
    let (api, at_api) = serve("127.0.0.1").await;
    let (elsewhere, at_elsewhere) = serve("127.0.0.2").await;
    at_api.answer(
        "/srv.asmx/AuthenticateUser",
        Answer::Redirect(StatusCode::TEMPORARY_REDIRECT, format!("{elsewhere}/login")),
    );
    let (config, credentials) = docket_demo::inforouter::demo_remote(&api);
    let password = credentials.get("password").unwrap().expose().to_owned();
    let http = docket_core::http::client().unwrap();
    let provider = docket_providers::connect(config, credentials, http).unwrap();

    let err = provider
        .list(&Location::root(), None)
        .await
        .expect_err("refused");
    let message = err.to_string();
    assert!(message.contains("to another server"), "{message}");
    assert!(
        message.contains(&elsewhere),
        "names where it led: {message}"
    );
    assert!(!err.is_retryable(), "{err:?}");
    assert!(
        at_api.seen().iter().any(|s| s.carries_any(&[&password])),
        "the login went to the API"
    );
    assert!(at_elsewhere.seen().is_empty(), "{:?}", at_elsewhere.seen());
}

#[tokio::test]
async fn a_request_followed_to_another_origin_keeps_only_what_describes_the_wanted_content() {
    let (api, at_api) = serve("127.0.0.1").await;
    let (elsewhere, at_elsewhere) = serve("127.0.0.2").await;
    at_api.answer(
        "/files/1",
        Answer::Redirect(StatusCode::FOUND, format!("{elsewhere}/blob/1")),
    );
    at_elsewhere.answer("/blob/1", Answer::Json(r#"{"bytes":"here"}"#));
    let http = docket_core::http::client().unwrap();
    let request = http
        .get(format!("{api}/files/1"))
        .header("x-api-key", "k-123")
        .header("Authorization", "Bearer t-123")
        .header("Accept", "application/json")
        .header("Range", "bytes=0-99");
    let response = redirects::send(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), r#"{"bytes":"here"}"#);

    let arrived = at_elsewhere.seen();
    assert_eq!(arrived.len(), 1, "{arrived:?}");
    assert!(
        !has_credential_or_referer(&arrived[0]),
        "{:?}",
        arrived[0].headers
    );
    assert_eq!(arrived[0].headers["accept"], "application/json");
    assert_eq!(arrived[0].headers["range"], "bytes=0-99");
}

#[tokio::test]
async fn redirects_within_one_origin_keep_their_headers_and_body() {
    let (api, at_api) = serve("127.0.0.1").await;
    at_api.answer(
        "/graphql",
        Answer::Redirect(StatusCode::TEMPORARY_REDIRECT, "/v2/graphql".into()),
    );
    at_api.answer(
        "/v2/graphql",
        Answer::Redirect(StatusCode::PERMANENT_REDIRECT, format!("{api}/v3/graphql")),
    );
    at_api.answer("/v3/graphql", Answer::Json(r#"{"data":{}}"#));
    let http = docket_core::http::client().unwrap();
    let request = http
        .post(format!("{api}/graphql"))
        .header("x-api-key", "k-123")
        .header("X-TenantId", "tenant-9")
        .body(r#"{"query":"{ me }"}"#);
    let response = redirects::send(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let seen = at_api.seen();
    let last = seen.last().unwrap();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(last.path, "/v3/graphql");
    assert_eq!(last.method, Method::POST);
    assert_eq!(last.headers["x-api-key"], "k-123");
    assert_eq!(last.headers["x-tenantid"], "tenant-9");
    assert_eq!(&last.body[..], br#"{"query":"{ me }"}"#);
}

#[tokio::test]
async fn a_download_redirected_within_its_origin_keeps_its_authorization() {
    let (api, at_api) = serve("127.0.0.1").await;
    at_api.answer(
        "/download/1",
        Answer::Redirect(StatusCode::FOUND, "/download/1/latest".into()),
    );
    let http = docket_core::http::client().unwrap();
    // The download engine's own GET, not through `redirects::send`.
    let response = http
        .get(format!("{api}/download/1"))
        .header("Authorization", "Bearer t-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let seen = at_api.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[1].headers["authorization"], "Bearer t-123");
}

#[tokio::test]
async fn a_download_link_redirected_to_another_host_does_not_say_where_it_came_from() {
    let (links, at_links) = serve("127.0.0.1").await;
    let (storage, at_storage) = serve("127.0.0.2").await;
    at_links.answer(
        "/short/7",
        Answer::Redirect(StatusCode::FOUND, format!("{storage}/blob/7")),
    );
    let http = docket_core::http::client().unwrap();
    // The download engine's own GET of a link whose query is its permission.
    let response = http
        .get(format!("{links}/short/7?token=signed-secret-77"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let arrived = at_storage.seen();
    assert_eq!(arrived.len(), 1, "{arrived:?}");
    assert!(
        !has_credential_or_referer(&arrived[0]),
        "{:?}",
        arrived[0].headers
    );
    assert!(
        !arrived[0].carries_any(&["signed-secret-77"]),
        "{arrived:?}"
    );
}

#[tokio::test]
async fn endless_redirects_stop_with_an_error_that_is_not_retried() {
    let (api, at_api) = serve("127.0.0.1").await;
    let (elsewhere, at_elsewhere) = serve("127.0.0.2").await;
    at_api.answer(
        "/loop",
        Answer::Redirect(StatusCode::FOUND, format!("{elsewhere}/loop")),
    );
    at_elsewhere.answer(
        "/loop",
        Answer::Redirect(StatusCode::FOUND, format!("{api}/loop")),
    );
    let http = docket_core::http::client().unwrap();
    let err = redirects::send(http.get(format!("{api}/loop")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("redirected more than"), "{err}");
    assert!(!err.is_retryable());
    let requests = at_api.seen().len() + at_elsewhere.seen().len();
    assert!(requests <= 2 * redirects::MAX_HOPS, "{requests} requests");
}

#[tokio::test]
async fn a_redirect_from_https_to_plain_http_is_refused_naming_both_origins() {
    let (plain, at_plain) = serve("127.0.0.1").await;
    let (tls, certificate) = tls_server_redirecting_to(format!("{plain}/stolen")).await;
    let https = format!("https://localhost:{}", tls.port());
    let http = reqwest::Client::builder()
        .redirect(redirects::policy())
        .add_root_certificate(reqwest::Certificate::from_der(&certificate).unwrap())
        .build()
        .unwrap();

    // An API request, through `redirects::send`.
    let err = redirects::send(
        http.get(format!("{https}/api"))
            .header("x-api-key", "k-123"),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
    // A download's GET, straight through the client.
    let plain_err = http
        .get(format!("{https}/download"))
        .header("Authorization", "Bearer t-123")
        .send()
        .await
        .map_err(ProviderError::from)
        .unwrap_err();
    assert_eq!(plain_err, err, "both ways refuse alike");
    let message = err.to_string();
    assert!(message.contains(&https), "{message}");
    assert!(message.contains(&plain), "{message}");
    assert!(message.contains("unencrypted"), "{message}");
    assert!(!err.is_retryable());
    assert!(at_plain.seen().is_empty(), "{:?}", at_plain.seen());
}

/// An HTTPS server for `localhost` (a fresh self-signed certificate, returned for the client to trust) that
/// answers every request with a 302 to `location`.
async fn tls_server_redirecting_to(location: String) -> (SocketAddr, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio_rustls::rustls::ServerConfig;

    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let der = generated.cert.der().to_vec();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(generated.key_pair.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![CertificateDer::from(der.clone())], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let location = location.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let answer = format!(
                    "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (address, der)
}

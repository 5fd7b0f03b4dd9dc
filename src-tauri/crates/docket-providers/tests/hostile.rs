//! What a hostile or broken server sends must not harm the user's machine or leak credentials: file names that
//! try to escape the download folder, a redirect to another host, plain HTTP to another machine, a certificate
//! that cannot be verified, and answers too large to hold.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use docket_core::filename::{sanitize_file_name, MAX_NAME_BYTES};
use docket_core::{
    content_disposition, Credentials, DocRef, IgnoreStatus, ProviderError, RemoteConfig,
};
use docket_transfer::{download, DownloadRequest, NoProgress};

const STUDY_FILE: &str = "SD_ABCDEFGH/SF_ABCDEFGH";
const TOKEN: &str = "hostile-test-token-5b1e";
const BODY: &[u8] = b"the document's bytes";

/// What the fake document server does with a download request, and the headers its requests carried.
#[derive(Default)]
struct Scene {
    answer: Mutex<Answer>,
    seen: Mutex<Vec<(String, Option<String>)>>,
}

#[derive(Default, Clone)]
enum Answer {
    #[default]
    Plain,
    Attachment(String),
    RedirectTo(String),
}

async fn serve(address: &str, scene: Arc<Scene>) -> SocketAddr {
    let app = Router::new()
        .route("/download/{*rest}", get(answer))
        .route("/elsewhere", get(answer))
        .with_state(scene);
    let listener = tokio::net::TcpListener::bind(address).await.unwrap();
    let bound = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    bound
}

async fn answer(State(scene): State<Arc<Scene>>, headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    scene.seen.lock().unwrap().push((host, authorization));
    let answer = scene.answer.lock().unwrap().clone();
    match answer {
        Answer::Plain => BODY.into_response(),
        Answer::Attachment(name) => {
            let mut response = BODY.into_response();
            let value = format!("attachment; filename*=UTF-8''{}", percent(&name));
            response.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&value).unwrap(),
            );
            response
        }
        Answer::RedirectTo(url) => (StatusCode::FOUND, [(header::LOCATION, url)]).into_response(),
    }
}

fn percent(name: &str) -> String {
    name.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// A study creator remote (bearer token, plain download routes) at `base`.
fn study_creator(base: &str, settings: &[(&str, &str)]) -> (RemoteConfig, Credentials) {
    let mut map = BTreeMap::from([("token_type".to_owned(), "bearer".to_owned())]);
    for (key, value) in settings {
        map.insert((*key).to_owned(), (*value).to_owned());
    }
    let config = RemoteConfig {
        name: "hostile".into(),
        kind: docket_providers::study_creator::KIND,
        url: base.into(),
        settings: map,
    };
    (config, Credentials::new("hostile").with("token", TOKEN))
}

async fn fetch(base: &str, dest: &Path) -> Result<docket_transfer::SavedFile, String> {
    let http = docket_core::http::client().unwrap();
    let (config, credentials) = study_creator(base, &[]);
    let provider = docket_providers::connect(config, credentials, http.clone()).unwrap();
    let doc = DocRef::new(STUDY_FILE);
    download(DownloadRequest {
        provider: provider.as_ref(),
        http: &http,
        doc: &doc,
        version: None,
        dest_dir: dest,
        observer: &IgnoreStatus,
        progress: &NoProgress,
    })
    .await
    .map_err(|err| err.to_string())
}

fn hostile_names() -> Vec<String> {
    vec![
        "../../../../etc/passwd".into(),
        "..\\..\\Windows\\System32\\drivers\\etc\\hosts".into(),
        "/etc/cron.d/evil".into(),
        "C:\\Users\\Public\\evil.bat".into(),
        "..".into(),
        ".".into(),
        "name\0with-nul.txt".into(),
        "bell\u{7}and\u{1b}[31mescape\r\nheader.txt".into(),
        "invoice\u{202E}fdp.exe".into(),
        "CON".into(),
        "nul.txt".into(),
        "LPT1 .log".into(),
        "  .hidden  ".into(),
        format!("{}.pdf", "a".repeat(10_000)),
        "é".repeat(10_000),
    ]
}

#[test]
fn hostile_names_sanitise_to_one_harmless_bounded_component() {
    for raw in hostile_names() {
        let name = sanitize_file_name(&raw);
        let shown = raw.chars().take(40).collect::<String>();
        assert!(!name.is_empty(), "{shown:?}");
        assert!(
            name.len() <= MAX_NAME_BYTES,
            "{shown:?}: {} bytes",
            name.len()
        );
        assert!(
            !name.contains(['/', '\\', ':', '\0']) && !name.chars().any(char::is_control),
            "{shown:?} → {name:?}"
        );
        assert!(
            !name.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}')),
            "{shown:?} → {name:?}"
        );
        assert!(
            name != "." && name != ".." && !name.starts_with('.'),
            "{name:?}"
        );
        let stem = name.split('.').next().unwrap().trim().to_ascii_uppercase();
        assert!(
            !["CON", "NUL", "LPT1", "PRN", "AUX"].contains(&stem.as_str()),
            "{shown:?} → {name:?}"
        );
        let joined = Path::new("/downloads").join(&name);
        assert_eq!(joined.parent(), Some(Path::new("/downloads")), "{name:?}");
    }
}

#[test]
fn a_long_name_keeps_its_extension() {
    let name = sanitize_file_name(&format!("{}.pdf", "a".repeat(10_000)));
    assert!(name.ends_with(".pdf"), "{name}");
}

#[test]
fn content_disposition_names_go_through_the_same_sanitiser() {
    let header = "attachment; filename=\"../../.ssh/authorized_keys\"";
    let suggested = content_disposition::file_name(header).unwrap_or_default();
    let name = sanitize_file_name(&suggested);
    assert!(!name.contains('/') && !name.starts_with('.'), "{name:?}");
}

#[tokio::test]
async fn a_server_suggesting_hostile_names_only_ever_writes_inside_the_download_folder() {
    let scene = Arc::new(Scene::default());
    let base = format!("http://{}", serve("127.0.0.1:0", scene.clone()).await);
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("downloads");
    for raw in hostile_names() {
        *scene.answer.lock().unwrap() = Answer::Attachment(raw.clone());
        let saved = fetch(&base, &dest).await.unwrap();
        let shown = raw.chars().take(40).collect::<String>();
        assert_eq!(saved.path.parent(), Some(dest.as_path()), "{shown:?}");
        assert_eq!(std::fs::read(&saved.path).unwrap(), BODY, "{shown:?}");
    }
    let outside: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(outside, vec![std::ffi::OsString::from("downloads")]);
    let inside = std::fs::read_dir(&dest).unwrap().count();
    assert_eq!(
        inside,
        hostile_names().len(),
        "one file per download, none overwritten"
    );
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_authorization_header() {
    let origin = Arc::new(Scene::default());
    let other = Arc::new(Scene::default());
    let origin_address = serve("127.0.0.1:0", origin.clone()).await;
    let other_address = serve("127.0.0.2:0", other.clone()).await;
    *origin.answer.lock().unwrap() =
        Answer::RedirectTo(format!("http://{other_address}/elsewhere"));
    let dest = tempfile::tempdir().unwrap();
    let saved = fetch(&format!("http://{origin_address}"), dest.path())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&saved.path).unwrap(), BODY);

    let at_origin = origin.seen.lock().unwrap().clone();
    let expected = format!("Bearer {TOKEN}");
    assert_eq!(at_origin.len(), 1, "{at_origin:?}");
    assert_eq!(at_origin[0].1.as_deref(), Some(expected.as_str()));
    let at_other = other.seen.lock().unwrap().clone();
    assert_eq!(at_other.len(), 1, "the redirect was followed: {at_other:?}");
    assert_eq!(at_other[0].1, None, "the token followed the redirect");
}

#[tokio::test]
async fn plain_http_to_another_machine_is_refused_unless_the_remote_allows_it() {
    let http = docket_core::http::client().unwrap();
    let (config, credentials) = study_creator("http://documents.example.com", &[]);
    let err = docket_providers::connect(config, credentials, http.clone())
        .err()
        .expect("refused");
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("unencrypted"), "{message}");
    assert!(message.contains("allow_insecure_http=true"), "{message}");

    let (config, credentials) = study_creator(
        "http://documents.example.com",
        &[("allow_insecure_http", "true")],
    );
    assert!(docket_providers::connect(config, credentials, http.clone()).is_ok());
    let (config, credentials) = study_creator("https://documents.example.com", &[]);
    assert!(docket_providers::connect(config, credentials, http).is_ok());
}

#[tokio::test]
async fn a_self_signed_certificate_is_refused_with_a_message_saying_so() {
    let address = self_signed_tls_server().await;
    let dest = tempfile::tempdir().unwrap();
    let message = fetch(
        &format!("https://localhost:{}", address.port()),
        dest.path(),
    )
    .await
    .unwrap_err();
    assert!(
        message.contains("TLS certificate cannot be trusted"),
        "{message}"
    );
    assert!(
        message.contains("UnknownIssuer") || message.contains("issuer"),
        "{message}"
    );
    assert!(std::fs::read_dir(dest.path()).map_or(0, |d| d.count()) == 0);
}

/// Accepts TLS on loopback with a freshly generated self-signed certificate for `localhost`; the client gives up
/// during the handshake, so nothing after it is needed.
async fn self_signed_tls_server() -> SocketAddr {
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio_rustls::rustls::ServerConfig;

    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = CertificateDer::from(generated.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(generated.key_pair.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(stream).await;
            });
        }
    });
    address
}

#[tokio::test]
async fn gigantic_headers_and_endless_answers_are_refused_without_holding_them() {
    let app = Router::new()
        .route(
            "/huge-header",
            get(|| async {
                let mut response = "ok".into_response();
                let value = HeaderValue::from_str(&"x".repeat(2 * 1024 * 1024)).unwrap();
                response.headers_mut().insert("x-padding", value);
                response
            }),
        )
        .route(
            "/endless",
            get(|| async {
                let chunk = bytes::Bytes::from(vec![b'['; 1024 * 1024]);
                let stream = futures_util::stream::repeat_with(move || {
                    Ok::<_, std::io::Error>(chunk.clone())
                });
                axum::body::Body::from_stream(stream)
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = docket_core::http::client().unwrap();

    let err = http
        .get(format!("{base}/huge-header"))
        .send()
        .await
        .map_err(ProviderError::from)
        .unwrap_err();
    assert!(matches!(err, ProviderError::Transient { .. }), "{err:?}");

    let response = http.get(format!("{base}/endless")).send().await.unwrap();
    let err = docket_core::http::read_body(response).await.unwrap_err();
    assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
    assert!(err.to_string().contains("exceeds"), "{err}");
}

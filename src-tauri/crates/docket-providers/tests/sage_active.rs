//! Sage Active against the in-process demo server: browsing entity types, entities and their files page by page,
//! the four required headers, every documented refusal, short links that expire and are fetched again, server
//! previews, and every sample document downloaded byte for byte.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use docket_core::{
    http, Credentials, DocRef, Entry, EntryKind, IgnoreStatus, Kind, Location, Provider,
    ProviderError, RangeSupport, RemoteConfig, RemoteUrl,
};
use docket_demo::library::sample;
use docket_demo::sage_active::{catalog, demo_remote, gateway, EXPIRED, REMOVED};
use docket_demo::{DemoServer, Document, Failure, Target};
use docket_providers::sage_active::SageActive;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, RANGE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{
    assert_same_bytes, connect_remote, demo, fetch, provider_error, url_of, LARGE_FILE_SIZE,
};

const API: Kind = docket_providers::sage_active::KIND;

fn remote(server: &DemoServer) -> (RemoteConfig, Credentials) {
    demo_remote(&server.base_url(API))
}

/// The provider as the registry builds it, asking for the largest pages.
fn provider_for(server: &DemoServer) -> Arc<dyn Provider> {
    let (config, credentials) = remote(server);
    connect_remote(config, credentials)
}

/// The provider asking for `size` files per page, so the small sample library spans several pages.
fn paging_provider(server: &DemoServer, size: u32) -> SageActive {
    let (config, credentials) = remote(server);
    SageActive::new(&config, &credentials, http::client().unwrap())
        .unwrap()
        .with_page_size(size)
}

fn provider_with(server: &DemoServer, credentials: Credentials) -> Arc<dyn Provider> {
    let (config, _) = remote(server);
    connect_remote(config, credentials)
}

fn document<'a>(state: &'a docket_demo::DemoState, path: &str) -> &'a Document {
    state.library.document_by_path(path).unwrap()
}

fn file_id(server: &DemoServer, path: &str) -> String {
    catalog::file_id(document(&server.state(), path))
}

fn entity_location(doc: &Document) -> Location {
    let (entity_type, entity_id) = catalog::entity_of(doc);
    Location::at(format!("{entity_type}/{entity_id}"))
}

/// GETs a link the way the transfer engine does and maps a failure through the provider.
async fn get_link(
    provider: &dyn Provider,
    url: &RemoteUrl,
) -> Result<reqwest::Response, ProviderError> {
    let response = http::client().unwrap().get(&url.url).send().await.unwrap();
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Err(provider.link_failure(status, &headers, &body))
}

fn ids(entries: &[Entry]) -> Vec<String> {
    entries.iter().map(|e| e.id.clone()).collect()
}

/// Every page of a listing, checking that it took more than one.
async fn all_pages(provider: &dyn Provider, location: &Location) -> (Vec<Entry>, usize) {
    let mut entries = Vec::new();
    let mut next = None;
    let mut pages = 0;
    loop {
        let page = provider.list(location, next.as_ref()).await.unwrap();
        pages += 1;
        entries.extend(page.items);
        match page.next {
            Some(token) => next = Some(token),
            None => return (entries, pages),
        }
    }
}

async fn graphql_with_headers(
    server: &DemoServer,
    headers: &[(&str, String)],
) -> (StatusCode, Value) {
    let mut request = http::client()
        .unwrap()
        .post(format!("{}/graphql", server.base_url(API)))
        .json(&json!({ "query": "{ files(first: 1) { totalCount } }" }));
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

fn four_headers() -> Vec<(&'static str, String)> {
    vec![
        (
            "Authorization",
            format!("Bearer {}", docket_demo::sage_active::TOKEN),
        ),
        ("X-TenantId", docket_demo::sage_active::TENANT_ID.to_owned()),
        (
            "X-OrganizationId",
            docket_demo::sage_active::ORGANIZATION_ID.to_owned(),
        ),
        ("x-api-key", docket_demo::sage_active::API_KEY.to_owned()),
    ]
}

#[tokio::test]
async fn the_root_lists_the_three_entity_types_that_have_files() {
    let server = demo().await;
    let root = provider_for(&server)
        .list_all(&Location::root())
        .await
        .unwrap();
    assert_eq!(ids(&root), ["AccountingEntry", "Customer", "Supplier"]);
    assert!(root.iter().all(|e| e.kind == EntryKind::Folder));
}

#[tokio::test]
async fn an_entity_type_lists_each_of_its_entities_once_across_small_pages() {
    let server = demo().await;
    let state = server.state();
    let expected: BTreeSet<String> = state
        .library
        .documents()
        .iter()
        .map(catalog::entity_of)
        .filter(|(entity_type, _)| *entity_type == catalog::SUPPLIER)
        .map(|(entity_type, entity_id)| format!("{entity_type}/{entity_id}"))
        .collect();
    assert!(expected.len() >= 3, "the sample needs several suppliers");

    let provider = paging_provider(&server, 2);
    let (entities, pages) = all_pages(&provider, &Location::at("Supplier")).await;
    assert!(pages >= 3, "only {pages} pages");
    let listed = ids(&entities);
    assert_eq!(
        listed.len(),
        expected.len(),
        "an entity was listed twice: {listed:?}"
    );
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), expected);
    assert!(entities
        .iter()
        .all(|e| e.kind == EntryKind::Folder && e.parent.as_deref() == Some("Supplier")));

    let in_one_page = provider_for(&server)
        .list(&Location::at("Supplier"), None)
        .await
        .unwrap();
    assert_eq!(in_one_page.next, None);
    assert_eq!(
        ids(&in_one_page.items).into_iter().collect::<BTreeSet<_>>(),
        expected
    );
}

#[tokio::test]
async fn an_entity_lists_its_files_by_name_one_page_at_a_time_to_the_end() {
    let server = demo().await;
    let state = server.state();
    let catalog_xml = document(&state, sample::CATALOG_XML);
    let large = document(&state, sample::LARGE_FILE);
    assert_eq!(catalog::entity_of(catalog_xml), catalog::entity_of(large));

    let provider = paging_provider(&server, 1);
    let (files, pages) = all_pages(&provider, &entity_location(catalog_xml)).await;
    assert_eq!(pages, 2);
    let names: Vec<&str> = files.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["catalog.xml", "telemetry-archive.bin"]);
    assert_eq!(
        ids(&files),
        [catalog::file_id(catalog_xml), catalog::file_id(large)]
    );
    assert!(files.iter().all(|e| e.kind == EntryKind::Document));
}

#[tokio::test]
async fn a_listed_file_and_its_stat_give_name_size_type_and_entity() {
    let server = demo().await;
    let state = server.state();
    let notes = document(&state, sample::NOTES_TXT);
    let provider = provider_for(&server);
    let listed = provider.list_all(&entity_location(notes)).await.unwrap();
    let stat = provider
        .stat(&DocRef::new(catalog::file_id(notes)))
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&stat));
    assert_eq!(stat.name, "Notizen von Zoë.txt");
    assert_eq!(stat.size, Some(notes.size()));
    assert_eq!(stat.mime.as_deref(), Some("text/plain"));
    assert_eq!(stat.modified, Some(notes.modified().rfc3339()));
    let (entity_type, entity_id) = catalog::entity_of(notes);
    assert_eq!(stat.parent, Some(format!("{entity_type}/{entity_id}")));
    assert_eq!(stat.extra["businessDate"], notes.created().date());
}

#[tokio::test]
async fn every_sample_document_downloads_byte_for_byte() {
    let server = demo().await;
    let state = server.state();
    let provider = provider_for(&server);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(state.library.documents().len(), 12);
    for doc in state.library.documents() {
        let saved = fetch(provider.as_ref(), &catalog::file_id(doc), dir.path())
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", doc.path()));
        assert_same_bytes(&saved, doc);
        assert_eq!(
            saved.path.file_name().unwrap().to_string_lossy(),
            doc.name,
            "{}",
            doc.path()
        );
    }
    let large = document(&state, sample::LARGE_FILE);
    assert_eq!(large.size(), LARGE_FILE_SIZE);
}

#[tokio::test]
async fn a_file_id_that_does_not_exist_is_not_found_everywhere() {
    let server = demo().await;
    let provider = provider_for(&server);
    let missing = DocRef::new("00000000000000000000000000000000.pdf");
    for err in [
        provider.stat(&missing).await.unwrap_err(),
        provider.versions(&missing).await.unwrap_err(),
        provider
            .prepare(&missing, None, &IgnoreStatus)
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, ProviderError::NotFound { .. }), "{err:?}");
        assert!(
            err.message()
                .contains("00000000000000000000000000000000.pdf"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn a_file_still_being_scanned_is_not_listed_and_cannot_be_downloaded_yet() {
    let server = demo().await;
    let provider = provider_for(&server);
    let uploads = Location::at(format!("Customer/{}", catalog::uploads_entity_id()));
    let listed = ids(&provider.list_all(&uploads).await.unwrap());
    assert_eq!(listed, [catalog::REMOVED_FILE_ID]);

    let pending = DocRef::new(catalog::PENDING_FILE_ID);
    assert_eq!(
        provider.stat(&pending).await.unwrap().name,
        "receipt-scan.pdf"
    );
    let err = provider
        .prepare(&pending, None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::NotDownloadable { .. }),
        "{err:?}"
    );
    assert_eq!(
        provider
            .server_preview(&pending)
            .await
            .unwrap()
            .map(|u| u.url),
        None
    );
}

#[tokio::test]
async fn a_file_whose_stored_bytes_were_removed_is_not_found_with_the_servers_message() {
    let server = demo().await;
    let provider = provider_for(&server);
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(
        fetch(provider.as_ref(), catalog::REMOVED_FILE_ID, dir.path())
            .await
            .unwrap_err(),
    );
    assert_eq!(
        err,
        ProviderError::NotFound {
            message: REMOVED.into()
        }
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "a partial file was left behind"
    );
}

#[tokio::test]
async fn an_expired_link_is_link_expired_and_preparing_again_gives_a_working_link() {
    let server = demo().await;
    let provider = provider_for(&server);
    let id = file_id(&server, sample::REPORT_PDF);
    let stale = url_of(provider.as_ref(), &id).await;
    assert!(get_link(provider.as_ref(), &stale).await.is_ok());

    let expired = http::client()
        .unwrap()
        .post(format!("{}/_demo/expire", server.base_url(API)))
        .json(&json!({ "api": "sage-active" }))
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), StatusCode::OK);

    let err = get_link(provider.as_ref(), &stale).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::LinkExpired {
            message: EXPIRED.into()
        }
    );
    assert!(err.is_retryable());

    let fresh = url_of(provider.as_ref(), &id).await;
    assert_ne!(fresh.url, stale.url);
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &id, dir.path()).await.unwrap();
    assert_eq!(
        saved.content_hash,
        document(&server.state(), sample::REPORT_PDF)
            .latest()
            .content
            .content_hash()
    );
}

#[tokio::test]
async fn a_link_works_for_ten_minutes_and_the_provider_says_so() {
    let server = demo().await;
    let provider = provider_for(&server);
    let before = SystemTime::now();
    let link = url_of(provider.as_ref(), &file_id(&server, sample::README_TXT)).await;
    let expires = link.expires_at.unwrap();
    assert!(expires >= before + Duration::from_secs(600) - Duration::from_secs(1));
    assert!(expires <= SystemTime::now() + Duration::from_secs(600));

    server.state().expiry.advance(Duration::from_secs(599));
    assert!(get_link(provider.as_ref(), &link).await.is_ok());
    assert!(
        get_link(provider.as_ref(), &link).await.is_ok(),
        "a short link is not single-use"
    );
    server.state().expiry.advance(Duration::from_secs(1));
    let err = get_link(provider.as_ref(), &link).await.unwrap_err();
    assert!(matches!(err, ProviderError::LinkExpired { .. }), "{err:?}");
}

#[tokio::test]
async fn a_download_link_carries_no_credentials_is_an_attachment_and_honours_a_range() {
    let server = demo().await;
    let provider = provider_for(&server);
    let state = server.state();
    let large = document(&state, sample::LARGE_FILE);
    let link = url_of(provider.as_ref(), &catalog::file_id(large)).await;
    assert!(link.headers.is_empty());
    assert!(!link.url.contains(docket_demo::sage_active::TOKEN));
    assert_eq!(link.ranges, RangeSupport::Supported);
    assert!(provider.capabilities().ranges);
    assert_eq!(link.size, Some(LARGE_FILE_SIZE));
    assert_eq!(link.file_name.as_deref(), Some("telemetry-archive.bin"));

    let response = http::client()
        .unwrap()
        .get(&link.url)
        .header(RANGE, "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert!(response.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes, large.latest().content.read(1000..2000));
}

#[tokio::test]
async fn server_previews_are_html_for_csv_xml_and_text_and_the_file_itself_otherwise() {
    let server = demo().await;
    let provider = provider_for(&server);
    assert!(provider.capabilities().server_previews);
    let client = http::client().unwrap();
    for (path, marker) in [
        (sample::LEDGER_CSV, "<table>"),
        (sample::CATALOG_XML, "<ul class=\"xml\">"),
        (sample::NOTES_TXT, "<pre>Notizen von Zoë"),
    ] {
        let preview = provider
            .server_preview(&DocRef::new(file_id(&server, path)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(preview.size, None, "{path}");
        let response = client.get(&preview.url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response.headers()[CONTENT_TYPE],
            "text/html; charset=utf-8",
            "{path}"
        );
        assert!(
            response.headers().get(CONTENT_DISPOSITION).is_none(),
            "{path}"
        );
        let page = response.text().await.unwrap();
        assert!(
            page.contains(marker),
            "{path}: {}",
            &page[..page.len().min(400)]
        );
    }

    let state = server.state();
    let photo = document(&state, sample::PHOTO_JPG);
    let preview = provider
        .server_preview(&DocRef::new(catalog::file_id(photo)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(preview.mime.as_deref(), Some("image/jpeg"));
    let response = client.get(&preview.url).send().await.unwrap();
    let disposition = response.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("inline;"), "{disposition}");
    assert_eq!(
        response.bytes().await.unwrap(),
        photo.latest().content.read(0..photo.size())
    );
}

#[tokio::test]
async fn the_demo_refuses_a_call_missing_any_of_the_four_headers_and_the_provider_sends_them_all() {
    let server = demo().await;
    let (status, _) = graphql_with_headers(&server, &four_headers()).await;
    assert_eq!(status, StatusCode::OK);
    for (left_out, message) in [
        ("Authorization", gateway::INVALID_TOKEN),
        ("X-TenantId", gateway::MISSING_TENANT),
        ("X-OrganizationId", gateway::MISSING_ORGANIZATION),
        ("x-api-key", gateway::MISSING_KEY),
    ] {
        let headers: Vec<_> = four_headers()
            .into_iter()
            .filter(|(n, _)| *n != left_out)
            .collect();
        let (status, body) = graphql_with_headers(&server, &headers).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "without {left_out}");
        assert_eq!(body["message"], message, "without {left_out}");
    }
    let before = server.state().stats.get(API, "/graphql").requests;
    provider_for(&server)
        .list_all(&Location::root())
        .await
        .unwrap();
    assert!(server.state().stats.get(API, "/graphql").requests > before);
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized_with_the_gateways_own_message() {
    let server = demo().await;
    let (config, good) = remote(&server);
    let secret = |key: &str| good.get(key).unwrap().expose().to_owned();
    let wrong_key = Credentials::new(&config.name)
        .with("token", secret("token"))
        .with("api_key", "stolen");
    let wrong_token = Credentials::new(&config.name)
        .with("token", "expired")
        .with("api_key", secret("api_key"));
    for (credentials, message) in [
        (wrong_key, gateway::INVALID_KEY),
        (wrong_token, gateway::INVALID_TOKEN),
    ] {
        let err = provider_with(&server, credentials)
            .list(&Location::root(), None)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            ProviderError::Unauthorized {
                message: message.into()
            }
        );
    }

    let mut other_tenant = config.clone();
    other_tenant
        .settings
        .insert("tenant_id".into(), "someone-else".into());
    let provider = connect_remote(other_tenant, good);
    let err = provider
        .stat(&DocRef::new(file_id(&server, sample::REPORT_PDF)))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: gateway::UNKNOWN_TENANT.into()
        }
    );
}

#[tokio::test]
async fn a_remote_without_its_organization_is_refused_before_any_call() {
    let server = demo().await;
    let (mut config, credentials) = remote(&server);
    config.settings.remove("organization_id");
    let err = docket_providers::connect(config, credentials, http::client().unwrap())
        .err()
        .unwrap();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
    assert!(err.message().contains("organization_id"), "{err}");
    assert_eq!(server.state().stats.api(API).requests, 0);
}

#[tokio::test]
async fn sage_active_has_no_versions_and_refuses_a_version_on_download() {
    let server = demo().await;
    let provider = provider_for(&server);
    assert!(!provider.capabilities().versions);
    let contract = DocRef::new(file_id(&server, sample::CONTRACT_DOCX));
    assert_eq!(provider.versions(&contract).await.unwrap(), []);
    let err = provider
        .prepare(&contract, Some("2"), &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_contract_downloads_as_its_latest_version() {
    let server = demo().await;
    let provider = provider_for(&server);
    let state = server.state();
    let contract = document(&state, sample::CONTRACT_DOCX);
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &catalog::file_id(contract), dir.path())
        .await
        .unwrap();
    assert_eq!(saved.content_hash, contract.latest().content.content_hash());
    assert_ne!(
        saved.content_hash,
        contract.versions[0].content.content_hash()
    );
}

#[tokio::test]
async fn a_busy_server_is_transient_and_a_throttled_one_rate_limited() {
    let server = demo().await;
    let provider = provider_for(&server);
    let state = server.state();
    let graphql = || Target::new(API, "/graphql");
    state.faults.fail_next(
        graphql(),
        1,
        Failure::status(StatusCode::SERVICE_UNAVAILABLE).body("text/plain", "busy"),
    );
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert_eq!(err, ProviderError::transient("busy"));

    let limited =
        json!({ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds." });
    state.faults.fail_next(
        graphql(),
        1,
        Failure::status(StatusCode::TOO_MANY_REQUESTS)
            .body("application/json", limited.to_string())
            .retry_after(7),
    );
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::RateLimited {
            message: "Rate limit is exceeded. Try again in 7 seconds.".into(),
            retry_after: Some(Duration::from_secs(7)),
        }
    );
    assert!(
        provider.list(&Location::root(), None).await.is_ok(),
        "the faults were one-shot"
    );
}

#[tokio::test]
async fn a_link_that_fails_with_a_server_error_is_transient() {
    let server = demo().await;
    let provider = provider_for(&server);
    server.state().faults.fail_next(
        Target::new(API, "/files/"),
        1,
        Failure::status(StatusCode::BAD_GATEWAY),
    );
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(
        fetch(
            provider.as_ref(),
            &file_id(&server, sample::LOGO_PNG),
            dir.path(),
        )
        .await
        .unwrap_err(),
    );
    assert!(matches!(err, ProviderError::Transient { .. }), "{err:?}");
}

#[tokio::test]
async fn a_url_ending_in_graphql_and_locations_with_stray_slashes_work_as_well() {
    let server = demo().await;
    let (mut config, credentials) = remote(&server);
    config.url = format!("{}/graphql/", server.base_url(API));
    let provider = connect_remote(config, credentials);
    let state = server.state();
    let report = document(&state, sample::REPORT_PDF);
    let (entity_type, entity_id) = catalog::entity_of(report);
    let listed = provider
        .list_all(&Location::at(format!("/{entity_type}/{entity_id}/")))
        .await
        .unwrap();
    assert!(ids(&listed).contains(&catalog::file_id(report)));
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &catalog::file_id(report), dir.path())
        .await
        .unwrap();
    assert_eq!(saved.content_hash, report.latest().content.content_hash());
}

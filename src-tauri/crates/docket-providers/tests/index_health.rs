//! Index Health against the in-process demo server: browsing collections, every documented refusal, token
//! re-issue, presigned and direct downloads, and every sample document byte for byte.

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use docket_core::{
    DocRef, EntryKind, IgnoreStatus, Kind, Location, Provider, ProviderError, RangeSupport,
};
use docket_demo::index_health::{catalog, demo_remote, DEMO_CLIENT_ID};
use docket_demo::library::sample;
use docket_demo::{DemoServer, Document, Failure, Target};
use reqwest::header::{CONTENT_RANGE, ETAG, IF_RANGE, RANGE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::{
    assert_same_bytes, connect_remote, demo, fetch, provider_error, url_of, LARGE_FILE_SIZE,
};

const API: Kind = docket_providers::index_health::KIND;

fn provider_for(server: &DemoServer) -> Arc<dyn Provider> {
    let (config, credentials) = demo_remote(&server.base_url(API));
    connect_remote(config, credentials)
}

fn library_document(server: &DemoServer, path: &str) -> (String, Arc<docket_demo::DemoState>) {
    let state = server.state();
    let id = catalog::document_id(state.library.document_by_path(path).unwrap());
    (id, state)
}

fn requests(server: &DemoServer, prefix: &str) -> u64 {
    server.state().stats.get(API, prefix).requests
}

fn api_refusal(status: u16, message: &str) -> Failure {
    let body = json!({ "statusCode": status, "data": {}, "message": message }).to_string();
    Failure::status(StatusCode::from_u16(status).unwrap()).body("application/json", body)
}

fn downloadable(state: &docket_demo::DemoState) -> Vec<&Document> {
    state
        .library
        .documents()
        .iter()
        .filter(|d| !d.flags.url_only && catalog::collection_of(&state.library, d).is_some())
        .collect()
}

#[tokio::test]
async fn the_root_lists_every_configured_collection_named_after_its_documents_collection_name() {
    let server = demo().await;
    let provider = provider_for(&server);
    let root = provider.list(&Location::root(), None).await.unwrap();
    let state = server.state();
    let expected: Vec<(String, String)> = catalog::collections(&state.library)
        .iter()
        .map(|c| (c.id(), c.name().to_owned()))
        .collect();
    let listed: Vec<(String, String)> = root
        .items
        .iter()
        .map(|e| (e.id.clone(), e.name.clone()))
        .collect();
    assert_eq!(listed, expected);
    assert!(listed.contains(&("col-finance".to_owned(), "Finance".to_owned())));
    assert!(root.items.iter().all(|e| e.kind == EntryKind::Folder));
    assert_eq!(root.next, None);
}

#[tokio::test]
async fn without_the_collections_setting_the_root_asks_for_a_collection_id() {
    let server = demo().await;
    let (mut config, credentials) = demo_remote(&server.base_url(API));
    config.settings.remove("collections");
    let provider = connect_remote(config, credentials);
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
    assert!(
        err.message().contains("collection id") && err.message().contains("`collections`"),
        "{err}"
    );
    // A collection id still lists without the setting.
    assert!(!provider
        .list_all(&Location::at("col-finance"))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_collection_lists_every_document_below_its_folder_in_one_page_as_the_api_does_not_page() {
    let server = demo().await;
    let provider = provider_for(&server);
    let engineering = Location::at("col-engineering");
    let page = provider.list(&engineering, None).await.unwrap();
    assert_eq!(page.next, None);
    let names: Vec<&str> = page.items.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["catalog.xml", "telemetry-archive.bin", "README.txt"]
    );
    assert_eq!(provider.list_all(&engineering).await.unwrap(), page.items);
    let catalog_xml = &page.items[0];
    assert_eq!(catalog_xml.kind, EntryKind::Document);
    assert_eq!(catalog_xml.parent.as_deref(), Some("col-engineering"));
    assert_eq!(catalog_xml.mime.as_deref(), Some("application/xml"));
    assert_eq!(
        catalog_xml.modified.as_deref(),
        Some("2024-06-01T12:00:00.000Z")
    );
    assert_eq!(catalog_xml.extra["document_tags"], json!(["Data"]));
}

#[tokio::test]
async fn an_unknown_collection_is_not_found_with_the_servers_message() {
    let server = demo().await;
    let err = provider_for(&server)
        .list(&Location::at("col-nowhere"), None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::NotFound {
            message: "Collection not found".into()
        }
    );
}

#[tokio::test]
async fn stat_gives_a_documents_name_type_collection_and_dates() {
    let server = demo().await;
    let (id, _) = library_document(&server, sample::CONTRACT_DOCX);
    let entry = provider_for(&server).stat(&DocRef::new(&id)).await.unwrap();
    assert_eq!(entry.id, id);
    assert_eq!(entry.name, "Master Services Agreement.docx");
    assert_eq!(entry.mime.as_deref(), Some(sample::DOCX));
    assert_eq!(entry.parent.as_deref(), Some("col-legal"));
    assert_eq!(entry.modified.as_deref(), Some("2024-05-02T11:45:00.000Z"));
    assert_eq!(entry.extra["created_at"], "2024-01-10T09:00:00.000Z");
    assert_eq!(entry.extra["collection_name"], "Legal");
}

#[tokio::test]
async fn a_missing_document_is_not_found_for_stat_and_download_with_the_servers_message() {
    let server = demo().await;
    let provider = provider_for(&server);
    let missing = DocRef::new("doc-999999");
    let not_found = ProviderError::NotFound {
        message: "Document not found".into(),
    };
    assert_eq!(provider.stat(&missing).await.unwrap_err(), not_found);
    assert_eq!(
        provider
            .prepare(&missing, None, &IgnoreStatus)
            .await
            .unwrap_err(),
        not_found
    );
}

#[tokio::test]
async fn an_empty_document_id_is_an_invalid_request_with_the_servers_message() {
    let server = demo().await;
    let err = provider_for(&server)
        .prepare(&DocRef::new(""), None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::InvalidRequest {
            message: "Document ID is required".into()
        }
    );
}

#[tokio::test]
async fn the_url_based_document_is_listed_with_its_link_and_refused_as_not_downloadable() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::INTRANET_LINK);
    let listed = provider.list_all(&Location::at("col-links")).await.unwrap();
    let link = listed.iter().find(|e| e.id == id).unwrap();
    let url = state
        .library
        .document_by_path(sample::INTRANET_LINK)
        .unwrap()
        .url
        .clone()
        .unwrap();
    assert_eq!(link.extra["document_url"], url);
    assert_eq!(link.extra["downloadable"], false);
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(fetch(provider.as_ref(), &id, dir.path()).await.unwrap_err());
    assert_eq!(
        err,
        ProviderError::NotDownloadable {
            message: "Document has no file path".into()
        }
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn every_downloadable_sample_arrives_byte_for_byte_through_its_url_of() {
    let server = demo().await;
    let provider = provider_for(&server);
    let state = server.state();
    let documents = downloadable(&state);
    assert!(documents.iter().any(|d| d.path() == sample::LARGE_FILE));
    assert_eq!(
        documents.len(),
        state.library.documents().len() - 1,
        "all but the URL-based one"
    );
    let dir = tempfile::tempdir().unwrap();
    for document in documents {
        let saved = fetch(
            provider.as_ref(),
            &catalog::document_id(document),
            dir.path(),
        )
        .await
        .unwrap_or_else(|err| panic!("{}: {err}", document.path()));
        assert_same_bytes(&saved, document);
        assert_eq!(
            saved.path.file_name().unwrap().to_str(),
            Some(document.name.as_str())
        );
    }
    assert_eq!(
        requests(&server, "/s3"),
        state.library.documents().len() as u64 - 1
    );
    assert_eq!(requests(&server, "/generate-client-auth-token"), 1);
}

#[tokio::test]
async fn a_presigned_url_expires_one_hour_after_it_was_asked_for_and_takes_ranges() {
    let server = demo().await;
    let (id, _) = library_document(&server, sample::LARGE_FILE);
    let hour = Duration::from_secs(3600);
    let before = SystemTime::now();
    let url = url_of(provider_for(&server).as_ref(), &id).await;
    let after = SystemTime::now();
    let expires = url.expires_at.unwrap();
    assert!(
        expires >= before + hour && expires <= after + hour,
        "{expires:?}"
    );
    assert_eq!(url.ranges, RangeSupport::Supported);
    assert_eq!(url.file_name.as_deref(), Some("telemetry-archive.bin"));
    assert!(url.redacted().ends_with("?<redacted>") && !url.redacted().contains("Signature"));
}

#[tokio::test]
async fn the_presigned_url_sends_a_range_and_honours_if_range_only_while_the_etag_matches() {
    let server = demo().await;
    let (id, state) = library_document(&server, sample::LARGE_FILE);
    let url = url_of(provider_for(&server).as_ref(), &id).await;
    let content = &state
        .library
        .document_by_path(sample::LARGE_FILE)
        .unwrap()
        .latest()
        .content;
    let client = reqwest::Client::new();

    let part = client
        .get(&url.url)
        .header(RANGE, "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()[CONTENT_RANGE],
        format!("bytes 1000-1999/{LARGE_FILE_SIZE}").as_str()
    );
    let etag = part.headers()[ETAG].to_str().unwrap().to_owned();
    assert_eq!(part.bytes().await.unwrap(), content.read(1000..2000));

    let same = client
        .get(&url.url)
        .header(RANGE, "bytes=-10")
        .header(IF_RANGE, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        same.bytes().await.unwrap(),
        content.read(LARGE_FILE_SIZE - 10..LARGE_FILE_SIZE)
    );

    let changed = client
        .get(&url.url)
        .header(RANGE, "bytes=0-9")
        .header(IF_RANGE, "\"not-this-version\"")
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(changed.content_length(), Some(LARGE_FILE_SIZE));
}

#[tokio::test]
async fn a_presigned_url_past_its_hour_is_a_link_expiry_and_preparing_again_gives_a_working_one() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::REPORT_PDF);
    let url = url_of(provider.as_ref(), &id).await;
    let client = reqwest::Client::new();
    state.expiry.advance(Duration::from_secs(59 * 60));
    assert_eq!(
        client.get(&url.url).send().await.unwrap().status(),
        StatusCode::OK
    );
    state.expiry.advance(Duration::from_secs(2 * 60));
    let expired = client.get(&url.url).send().await.unwrap();
    let status = expired.status();
    let headers = expired.headers().clone();
    let body = expired.text().await.unwrap();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
    let err = provider.link_failure(status, &headers, &body);
    assert_eq!(
        err,
        ProviderError::LinkExpired {
            message: "Request has expired".into()
        }
    );
    assert!(err.is_retryable());
    // The token is past its hour too: preparing again issues a new one and a fresh URL.
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &id, dir.path()).await.unwrap();
    let document = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    assert_eq!(saved.content_hash, document.latest().content.content_hash());
    assert_eq!(requests(&server, "/generate-client-auth-token"), 2);
}

#[tokio::test]
async fn a_url_expired_by_the_demo_is_refused_with_the_s3_expiry_message() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, _) = library_document(&server, sample::README_TXT);
    let url = url_of(provider.as_ref(), &id).await;
    let client = reqwest::Client::new();
    let expire = client
        .post(format!("{}/_demo/expire", server.base_url(API)))
        .json(&json!({ "api": "index-health" }))
        .send()
        .await
        .unwrap();
    assert!(expire.status().is_success());
    let refused = client.get(&url.url).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("<Message>Request has expired</Message>"),
        "{body}"
    );
}

#[tokio::test]
async fn after_the_demo_expires_the_token_the_provider_issues_a_new_one_once_and_carries_on() {
    let server = demo().await;
    let provider = provider_for(&server);
    provider
        .list(&Location::at("col-media"), None)
        .await
        .unwrap();
    assert_eq!(requests(&server, "/generate-client-auth-token"), 1);
    let expire = reqwest::Client::new()
        .post(format!("{}/_demo/expire", server.base_url(API)))
        .json(&json!({ "api": "index-health" }))
        .send()
        .await
        .unwrap();
    assert!(expire.status().is_success());
    let media = provider
        .list(&Location::at("col-media"), None)
        .await
        .unwrap();
    assert_eq!(media.items.len(), 2);
    assert_eq!(requests(&server, "/generate-client-auth-token"), 2);
    assert_eq!(
        requests(&server, "/get-documents"),
        3,
        "one refused, two answered"
    );
}

#[tokio::test]
async fn a_token_refused_again_after_the_reissue_gives_up_as_unauthorized() {
    let server = demo().await;
    let provider = provider_for(&server);
    let target = Target::new(API, "/get-documents").method(Method::POST);
    server
        .state()
        .faults
        .fail_next(target, 2, api_refusal(403, "UNAUTHORIZED"));
    let err = provider
        .list(&Location::at("col-media"), None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "UNAUTHORIZED".into()
        }
    );
    assert_eq!(
        requests(&server, "/generate-client-auth-token"),
        2,
        "the first token and one re-issue"
    );
    assert_eq!(requests(&server, "/get-documents"), 2, "no third try");
}

#[tokio::test]
async fn concurrent_calls_share_one_token() {
    let server = demo().await;
    let provider = provider_for(&server);
    let locations = ["col-finance", "col-legal", "col-media", "col-archive"].map(Location::at);
    let listings = futures_join(provider.as_ref(), &locations).await;
    assert!(listings.iter().all(|l| !l.is_empty()));
    assert_eq!(requests(&server, "/generate-client-auth-token"), 1);
}

async fn futures_join(
    provider: &dyn Provider,
    locations: &[Location; 4],
) -> Vec<Vec<docket_core::Entry>> {
    let (a, b, c, d) = tokio::join!(
        provider.list_all(&locations[0]),
        provider.list_all(&locations[1]),
        provider.list_all(&locations[2]),
        provider.list_all(&locations[3]),
    );
    vec![a.unwrap(), b.unwrap(), c.unwrap(), d.unwrap()]
}

#[tokio::test]
async fn wrong_client_credentials_are_unauthorized_with_the_servers_message() {
    let server = demo().await;
    let (config, _) = demo_remote(&server.base_url(API));
    let wrong = docket_core::Credentials::new(config.name.clone()).with("client_secret", "guess");
    let provider = connect_remote(config, wrong);
    let err = provider
        .list(&Location::at("col-finance"), None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "Invalid client credentials".into()
        }
    );
    assert_eq!(
        requests(&server, "/get-documents"),
        0,
        "nothing is asked without a token"
    );
}

#[tokio::test]
async fn when_the_server_cannot_presign_the_direct_download_delivers_the_file() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::NOTES_TXT);
    let presign = Target::new(API, "/download").method(Method::POST);
    state.faults.fail_next(
        presign,
        1,
        api_refusal(500, "Failed to generate download URL"),
    );
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &id, dir.path()).await.unwrap();
    let document = state.library.document_by_path(sample::NOTES_TXT).unwrap();
    assert_eq!(saved.content_hash, document.latest().content.content_hash());
    assert_eq!(
        saved.path.file_name().unwrap().to_str(),
        Some("Notizen von Zoë.txt")
    );
    assert_eq!(requests(&server, &format!("/download/{id}")), 1);
    assert_eq!(requests(&server, "/s3"), 0);
}

#[tokio::test]
async fn the_direct_download_sends_type_name_and_no_cache_and_wants_the_token() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::REPORT_PDF);
    let presign = Target::new(API, "/download").method(Method::POST);
    state.faults.fail_next(
        presign,
        1,
        api_refusal(500, "Failed to generate download URL"),
    );
    let url = url_of(provider.as_ref(), &id).await;
    assert!(
        url.url.ends_with(&format!("/download/{id}")),
        "{}",
        url.redacted()
    );
    let client = reqwest::Client::new();
    let mut get = client.get(&url.url);
    for (name, value) in &url.headers {
        get = get.header(name.as_str(), value.expose());
    }
    let response = get.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers["content-type"], sample::PDF);
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"Q1-Report.pdf\""
    );
    assert_eq!(headers["cache-control"], "no-cache");
    let anonymous = client.get(&url.url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::FORBIDDEN);
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "statusCode": 403, "data": {}, "message": "UNAUTHORIZED" })
    );
}

#[tokio::test]
async fn a_fault_on_the_direct_download_is_transient_with_the_servers_message() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::LOGO_PNG);
    let presign = Target::new(API, "/download").method(Method::POST);
    state.faults.fail_next(
        presign,
        1,
        api_refusal(500, "Failed to generate download URL"),
    );
    let direct = Target::new(API, format!("/download/{id}")).method(Method::GET);
    state
        .faults
        .fail_next(direct, 1, api_refusal(500, "Failed to download document"));
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(fetch(provider.as_ref(), &id, dir.path()).await.unwrap_err());
    assert_eq!(err, ProviderError::transient("Failed to download document"));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn any_other_presign_fault_is_transient_and_not_a_direct_download() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::LOGO_PNG);
    let presign = Target::new(API, "/download").method(Method::POST);
    state
        .faults
        .fail_next(presign, 1, api_refusal(503, "Service Unavailable"));
    let err = provider
        .prepare(&DocRef::new(&id), None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert_eq!(err, ProviderError::transient("Service Unavailable"));
}

#[tokio::test]
async fn the_demo_refuses_requests_missing_the_bearer_token_or_the_json_content_type() {
    let server = demo().await;
    let base = server.base_url(API);
    let (id, _) = library_document(&server, sample::README_TXT);
    let client = reqwest::Client::new();
    let issued: Value = client
        .post(format!("{base}/generate-client-auth-token"))
        .json(&json!({
            "client_id": DEMO_CLIENT_ID, "client_secret": docket_demo::index_health::DEMO_CLIENT_SECRET,
            "fingerprint": "test", "user": {"first_name": "A", "last_name": "B", "email": "a@b.c", "group_name": "g"}
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&issued["statusCode"], &issued["message"]),
        (&json!(200), &json!("OKAY"))
    );
    let token = issued["data"]["access_token"].as_str().unwrap().to_owned();
    let body = json!({ "document_id": id }).to_string();

    let no_token = client
        .post(format!("{base}/download"))
        .header("Content-Type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        no_token.json::<Value>().await.unwrap()["message"],
        "UNAUTHORIZED"
    );

    let not_json = client
        .post(format!("{base}/download"))
        .bearer_auth(&token)
        .header("Content-Type", "text/plain")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status().as_u16(), 435);
    assert_eq!(
        not_json.json::<Value>().await.unwrap(),
        json!({ "statusCode": 435, "data": {}, "message": "Document ID is required" })
    );

    let proper = client
        .post(format!("{base}/download"))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(proper.status(), StatusCode::OK);
    // And the provider's own requests carry both.
    let provider = provider_for(&server);
    assert!(provider
        .prepare(&DocRef::new(&id), None, &IgnoreStatus)
        .await
        .is_ok());
}

#[tokio::test]
async fn documents_have_no_versions_and_asking_for_one_is_an_invalid_request() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, _) = library_document(&server, sample::CONTRACT_DOCX);
    let doc = DocRef::new(&id);
    assert!(provider.versions(&doc).await.unwrap().is_empty());
    assert!(!provider.capabilities().versions);
    let err = provider
        .prepare(&doc, Some("2"), &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
}

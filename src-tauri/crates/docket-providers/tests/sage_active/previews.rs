//! Server previews: HTML for CSV, XML and text, the file itself otherwise.

use docket_core::{http, DocRef};
use docket_demo::library::sample;
use docket_demo::sage_active::catalog;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::StatusCode;

use crate::helpers::{document, file_id, provider_for};
use crate::support::demo;

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

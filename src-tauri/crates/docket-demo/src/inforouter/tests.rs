//! The demo API over real HTTP: both bindings, the unchunked methods, and ASP.NET's refusals.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use quick_xml::events::Event;

use crate::library::{sample, Library};
use crate::state::DemoState;
use crate::test_server::serve;

use super::{router, OPEN_HANDLERS};

pub(super) struct Demo {
    base: String,
    pub(super) state: Arc<DemoState>,
    http: reqwest::Client,
}

impl Demo {
    pub(super) async fn start() -> Demo {
        let state = Arc::new(DemoState::new(Library::sample(3 * 262_144 + 17)));
        let base = serve(router(Arc::clone(&state))).await;
        Demo {
            base,
            state,
            http: reqwest::Client::new(),
        }
    }

    pub(super) async fn get(&self, method: &str, query: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .get(format!("{}/srv.asmx/{method}", self.base))
            .query(query)
            .send()
            .await
            .unwrap()
    }

    pub(super) async fn post(&self, method: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}/srv.asmx/{method}", self.base))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub(super) async fn ticket(&self) -> String {
        let answer = self
            .get(
                "AuthenticateUser",
                &[("UID", "demo"), ("PWD", "demo-password")],
            )
            .await;
        root(&answer.text().await.unwrap()).attrs["ticket"].clone()
    }
}

/// The root element's name, attributes and text.
pub(super) struct Root {
    name: String,
    pub(super) attrs: HashMap<String, String>,
    pub(super) text: String,
    children: usize,
}

pub(super) fn root(xml: &str) -> Root {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut found: Option<Root> = None;
    let mut depth = 0;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                match depth {
                    0 => found = Some(element(&e)),
                    1 => found.as_mut().unwrap().children += 1,
                    _ => {}
                }
                depth += 1;
            }
            Event::Empty(e) => match depth {
                0 => found = Some(element(&e)),
                1 => found.as_mut().unwrap().children += 1,
                _ => {}
            },
            Event::End(_) => depth -= 1,
            Event::Text(t) if depth == 1 => {
                found.as_mut().unwrap().text.push_str(&t.decode().unwrap())
            }
            Event::Eof => break,
            _ => {}
        }
    }
    found.unwrap()
}

pub(super) fn element(start: &quick_xml::events::BytesStart<'_>) -> Root {
    let attrs = start
        .attributes()
        .map(|a| {
            let a = a.unwrap();
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                a.unescape_value().unwrap().into_owned(),
            )
        })
        .collect();
    Root {
        name: String::from_utf8(start.name().as_ref().to_vec()).unwrap(),
        attrs,
        text: String::new(),
        children: 0,
    }
}

#[tokio::test]
async fn logging_in_answers_a_root_element_with_a_ticket_and_its_expiry() {
    let demo = Demo::start().await;
    let answer = demo
        .post(
            "AuthenticateUser",
            &[("UID", "DEMO"), ("PWD", "demo-password")],
        )
        .await;
    assert_eq!(answer.headers()["content-type"], "text/xml; charset=utf-8");
    let login = root(&answer.text().await.unwrap());
    assert_eq!(login.name, "root");
    assert_eq!(login.attrs["success"], "true");
    assert_eq!(login.attrs["userid"], "42");
    assert_eq!(login.attrs["isAuthenticated"], "True");
    assert!(login.attrs["expireOn"].ends_with('Z'));
    let refused = demo
        .post("AuthenticateUser", &[("UID", "demo"), ("PWD", "nope")])
        .await;
    let refused = root(&refused.text().await.unwrap());
    assert_eq!(refused.attrs["success"], "false");
    assert_eq!(refused.attrs["error"], "[900] Authentication failed");
}

#[tokio::test]
async fn parameter_names_ignore_case_and_a_bad_ticket_is_901() {
    let demo = Demo::start().await;
    let ticket = demo.ticket().await;
    let listed = demo
        .get(
            "GetFoldersAndDocuments1",
            &[("authenticationticket", &ticket), ("path", "/Media")],
        )
        .await;
    let listed = root(&listed.text().await.unwrap());
    assert_eq!(listed.attrs["success"], "true");
    assert_eq!(listed.attrs["itemcount"], "2");
    assert_eq!(listed.children, 2);
    let stale = demo
        .get(
            "GetFoldersAndDocuments1",
            &[("AuthenticationTicket", "no-such-ticket"), ("Path", "/")],
        )
        .await;
    assert_eq!(
        root(&stale.text().await.unwrap()).attrs["error"],
        "[901] Session expired or Invalid ticket"
    );
}

#[tokio::test]
async fn a_paged_listing_describes_the_folder_and_its_page() {
    let demo = Demo::start().await;
    let ticket = demo.ticket().await;
    let page = demo
        .post(
            "GetFoldersAndDocumentsByPage",
            &[
                ("AuthenticationTicket", &ticket),
                ("Path", "/Engineering"),
                ("PageNumber", "1"),
            ],
        )
        .await;
    let page = root(&page.text().await.unwrap());
    assert_eq!(page.attrs["path"], "/Engineering");
    assert_eq!(page.attrs["pageSize"], "20");
    assert_eq!(
        page.attrs["itemcount"], "2",
        "the Data folder and README.txt"
    );
    let missing = demo
        .post(
            "GetFoldersAndDocumentsByPage",
            &[
                ("AuthenticationTicket", &ticket),
                ("Path", "/Nowhere"),
                ("PageNumber", "1"),
            ],
        )
        .await;
    assert_eq!(
        root(&missing.text().await.unwrap()).attrs["error"],
        "Folder not found."
    );
}

#[tokio::test]
async fn staged_chunks_cover_the_file_each_with_its_own_crc_and_the_handler_is_counted() {
    let demo = Demo::start().await;
    let ticket = demo.ticket().await;
    let staged = demo
        .post(
            "GetDownloadHandler",
            &[
                ("AuthenticationTicket", &ticket),
                ("Path", sample::LARGE_FILE),
                ("PreferedChunkSize", "1"),
            ],
        )
        .await;
    let staged = root(&staged.text().await.unwrap());
    assert_eq!(staged.attrs["ChunkSize"], "262144");
    assert_eq!(staged.attrs["VersionNumber"], "0");
    assert_eq!(demo.state.gauges.get(OPEN_HANDLERS).value, 1);
    let handler = staged.attrs["downloadhandler"].clone();
    let mut bytes = Vec::new();
    let mut chunks = 0;
    loop {
        let offset = bytes.len().to_string();
        let answer = demo
            .post(
                "DownloadFileChunk",
                &[
                    ("AuthenticationTicket", &ticket),
                    ("DownloadHandler", &handler),
                    ("StartOffset", &offset),
                    ("ChunkSize", "262144"),
                ],
            )
            .await;
        let chunk = root(&answer.text().await.unwrap());
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(chunk.text.trim())
            .unwrap();
        assert_eq!(chunk.attrs["chunklength"], decoded.len().to_string());
        assert_eq!(
            chunk.attrs["chunkCRC32"],
            format!("{:08x}", crc32fast::hash(&decoded))
        );
        bytes.extend_from_slice(&decoded);
        chunks += 1;
        if chunk.attrs["lastchunk"] == "true" {
            break;
        }
    }
    assert_eq!(chunks, 4);
    let large = demo
        .state
        .library
        .document_by_path(sample::LARGE_FILE)
        .unwrap();
    assert_eq!(bytes, large.latest().content.read(0..large.size()));
    assert_eq!(
        staged.attrs["CRC32"],
        format!("{:08x}", crc32fast::hash(&bytes))
    );
    let deleted = demo
        .post(
            "DeleteDownloadHandler",
            &[
                ("AuthenticationTicket", &ticket),
                ("DownloadHandler", &handler),
            ],
        )
        .await;
    assert_eq!(
        root(&deleted.text().await.unwrap()).attrs["success"],
        "true"
    );
    assert_eq!(demo.state.gauges.get(OPEN_HANDLERS).value, 0);
}

#[tokio::test]
async fn download_info_and_download_document_need_no_handler() {
    let demo = Demo::start().await;
    let ticket = demo.ticket().await;
    let readme = demo
        .state
        .library
        .document_by_path(sample::README_TXT)
        .unwrap();
    let short = format!("~D{}.txt", readme.id);
    let info = demo
        .get(
            "GetDownloadInfo",
            &[("AuthenticationTicket", &ticket), ("Path", &short)],
        )
        .await;
    let info = root(&info.text().await.unwrap());
    assert_eq!(info.attrs["Size"], readme.size().to_string());
    assert_eq!(
        info.attrs["CRC32"],
        format!("{:08x}", readme.latest().content.crc32())
    );
    let raw = demo
        .get(
            "DownloadDocument",
            &[
                ("AuthenticationTicket", &ticket),
                ("Path", sample::README_TXT),
            ],
        )
        .await;
    assert_eq!(
        raw.bytes().await.unwrap(),
        readme.latest().content.read(0..readme.size())
    );
    let offline = demo
        .get(
            "DownloadDocument",
            &[
                ("AuthenticationTicket", &ticket),
                ("Path", sample::ARCHIVED_PDF),
            ],
        )
        .await;
    assert_eq!(offline.status(), 200);
    assert!(offline.bytes().await.unwrap().is_empty());
    assert_eq!(demo.state.gauges.get(OPEN_HANDLERS).max, 0);
}

#[tokio::test]
async fn asp_net_refuses_unknown_methods_missing_parameters_and_non_numbers() {
    let demo = Demo::start().await;
    let unknown = demo.get("NoSuchMethod", &[]).await;
    assert_eq!(unknown.status(), 500);
    assert!(unknown
        .text()
        .await
        .unwrap()
        .contains("Request format is unrecognized"));
    let ticket = demo.ticket().await;
    let missing = demo
        .post("GetDownloadHandler", &[("AuthenticationTicket", &ticket)])
        .await;
    assert_eq!(missing.status(), 500);
    assert!(missing
        .text()
        .await
        .unwrap()
        .contains("Missing parameter: Path."));
    let not_a_number = demo
        .post(
            "GetDownloadHandler",
            &[
                ("AuthenticationTicket", &ticket),
                ("Path", sample::README_TXT),
                ("PreferedChunkSize", "big"),
            ],
        )
        .await;
    assert_eq!(not_a_number.status(), 500);
    assert!(not_a_number
        .text()
        .await
        .unwrap()
        .contains("Cannot convert big"));
}

#[tokio::test]
async fn versions_list_every_stored_version_in_millions() {
    let demo = Demo::start().await;
    let ticket = demo.ticket().await;
    let answer = demo
        .post(
            "GetDocumentVersions",
            &[
                ("AuthenticationTicket", &ticket),
                ("Path", sample::CONTRACT_DOCX),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let versions = root(&answer);
    assert_eq!(versions.attrs["success"], "true");
    assert!(answer.contains(r#"<Version Number="3000000">"#), "{answer}");
    let by_version = demo
        .post(
            "GetDownloadHandlerByVersion",
            &[
                ("AuthenticationTicket", &ticket),
                ("Path", sample::CONTRACT_DOCX),
                ("PreferedChunkSize", "0"),
                ("VersionNumber", "2000000"),
            ],
        )
        .await;
    let staged = root(&by_version.text().await.unwrap());
    let contract = demo
        .state
        .library
        .document_by_path(sample::CONTRACT_DOCX)
        .unwrap();
    assert_eq!(staged.attrs["VersionNumber"], "2000000");
    assert_eq!(
        staged.attrs["Size"],
        contract.version(2).unwrap().size().to_string()
    );
}

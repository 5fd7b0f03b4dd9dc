//! infoRouter over ASMX: `002_475651eedc1c807e.txt` (GetDownloadHandler API) and the README's "infoRouter:
//! authentication, browsing, versions, chunks".

mod browsing;
mod chunks;
mod page_copies;
mod session;
mod staging;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::Method;
use base64::Engine;
use docket_core::{ChunkSource, DocRef, IgnoreStatus, Provider, ProviderError, TransferSource};

use crate::server::{connect, fixture, remote, Answer, VendorServer};

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

//! What a person does in the window, as steps the tests share.

use std::time::Duration;

use serde_json::json;

use crate::app::RunningApp;
use crate::webdriver::{Element, Session};

pub const PATIENCE: Duration = Duration::from_secs(20);
pub const ENTER: &str = "\u{E007}";
pub const DELETE: &str = "\u{E017}";

/// Clicks "Open the demo data rooms" and waits for one demo remote per API the demo serves in the sidebar.
pub async fn open_demo(app: &RunningApp) {
    let session = &app.session;
    let button = session
        .wait_for("[data-testid=open-demo]", PATIENCE)
        .await
        .unwrap();
    session.click(&button).await.unwrap();
    session
        .wait_for_count("[data-testid=remote]", docket_demo::APIS.len(), PATIENCE)
        .await
        .unwrap();
    println!(
        "e2e: the {} demo remotes are in the sidebar",
        docket_demo::APIS.len()
    );
}

pub async fn select_remote(session: &Session, remote: &str) {
    let button = session
        .wait_for(
            &format!("[data-testid=remote][data-remote={remote}]"),
            PATIENCE,
        )
        .await
        .unwrap();
    session.click(&button).await.unwrap();
    wait_for_text(session, "[data-testid=crumb-current]", remote).await;
    wait_loaded(session).await;
}

/// Waits until the current listing has arrived.
pub async fn wait_loaded(session: &Session) {
    session
        .wait_for("[data-testid=status][data-loading=false]", PATIENCE)
        .await
        .unwrap();
}

/// The row named `name` in the file list.
pub async fn row(session: &Session, name: &str) -> Element {
    let css = format!("[data-testid=entry][data-name=\"{name}\"]");
    session.wait_for(&css, PATIENCE).await.unwrap()
}

/// Selects the row named `name` and previews it from the toolbar.
pub async fn preview(session: &Session, name: &str) {
    let entry = row(session, name).await;
    session.click(&entry).await.unwrap();
    click(session, "[data-testid=action-preview]").await;
}

/// Selects a folder and opens it with Enter, then waits for its breadcrumb.
pub async fn enter_folder(session: &Session, name: &str) {
    let folder = row(session, name).await;
    session.click(&folder).await.unwrap();
    let list = session
        .wait_for("[data-testid=file-list]", PATIENCE)
        .await
        .unwrap();
    session.send_keys(&list, ENTER).await.unwrap();
    wait_for_text(session, "[data-testid=crumb-current]", name).await;
    wait_loaded(session).await;
}

/// Opens the first folder of the current listing; returns its name.
pub async fn enter_first_folder(session: &Session) -> String {
    let folder = session
        .wait_for("[data-testid=entry][data-folder=true]", PATIENCE)
        .await
        .unwrap();
    let name = session
        .attribute(&folder, "data-name")
        .await
        .unwrap()
        .unwrap_or_default();
    enter_folder(session, &name).await;
    name
}

pub async fn enter_path(session: &Session, path: &[&str]) {
    for folder in path {
        enter_folder(session, folder).await;
    }
}

pub async fn wait_for_text(session: &Session, css: &str, expected: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        if let Ok(found) = session.find_all(css).await {
            for element in found {
                let text = session.text(&element).await.unwrap_or_default();
                if text.contains(expected) {
                    return text;
                }
            }
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no `{css}` showed `{expected}` within {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The demo server's base URL of a demo remote, as the sidebar shows it.
pub async fn remote_url(session: &Session, remote: &str) -> String {
    let button = session
        .wait_for(
            &format!("[data-testid=remote][data-remote={remote}]"),
            PATIENCE,
        )
        .await
        .unwrap();
    let title = session
        .attribute(&button, "title")
        .await
        .unwrap()
        .unwrap_or_default();
    title
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in `{title}`"))
        .to_owned()
}

/// Slows every response body of one demo API (0 turns it off), through the demo's control endpoint.
pub async fn throttle(base_url: &str, api: &str, bytes_per_sec: u64) {
    let answer = reqwest::Client::new()
        .post(format!("{base_url}/_demo/faults"))
        .json(&json!({ "api": api, "kind": "throttle", "bytes_per_sec": bytes_per_sec }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
}

/// The transfer row of a file in the downloads panel.
pub async fn transfer(session: &Session, name: &str) -> Element {
    let css = format!("[data-testid=transfer][data-name=\"{name}\"]");
    session.wait_for(&css, PATIENCE).await.unwrap()
}

/// Waits until the transfer of `name` is in `state`.
pub async fn wait_for_transfer_state(
    session: &Session,
    name: &str,
    state: &str,
    timeout: Duration,
) {
    let css = format!("[data-testid=transfer][data-name=\"{name}\"][data-state={state}]");
    session
        .wait_for(&css, timeout)
        .await
        .unwrap_or_else(|err| panic!("{name}: {err}"));
}

/// Bytes shown for a transfer, e.g. "3.0 MB of 256 MB · 1.0 MB/s".
pub async fn transfer_bytes(session: &Session, name: &str) -> String {
    transfer(session, name).await;
    let bytes = session
        .find_all(&format!(
            "[data-testid=transfer][data-name=\"{name}\"] [data-testid=transfer-bytes]"
        ))
        .await
        .unwrap();
    match bytes.first() {
        Some(element) => session.text(element).await.unwrap_or_default(),
        None => String::new(),
    }
}

/// Waits until a transfer shows bytes downloaded (a partial file holds them).
pub async fn wait_for_bytes(session: &Session, name: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let bytes = transfer_bytes(session, name).await;
        if !bytes.is_empty() && !bytes.starts_with("0 B") {
            return bytes;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{name} showed no bytes within {PATIENCE:?}: `{bytes}`"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the element `css` finds; one the page re-rendered between finding and clicking (a transfer row whose
/// state just changed) is found again.
pub async fn click(session: &Session, css: &str) {
    let started = std::time::Instant::now();
    loop {
        let element = session.wait_for(css, PATIENCE).await.unwrap();
        match session.click(&element).await {
            Ok(()) => return,
            Err(err) if err.contains("stale element reference") && started.elapsed() < PATIENCE => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(err) => panic!("clicking `{css}`: {err}"),
        }
    }
}

/// Clicks the button `testid` inside the transfer row of `name`.
pub async fn click_transfer_button(session: &Session, name: &str, testid: &str) {
    click(
        session,
        &format!("[data-testid=transfer][data-name=\"{name}\"] [data-testid={testid}]"),
    )
    .await;
}

/// A PDF encrypted with the standard security handler (RC4, revision 2) under the user password `secret`, so
/// no reader opens it without asking. `/O` and `/U` were computed once as the PDF 1.4 spec's algorithms 3.3 and
/// 3.4 say (owner password `owner`, `/P -44`, the `/ID` below); the pages are never reached.
pub fn encrypted_pdf() -> String {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        "<< /Filter /Standard /V 1 /R 2 \
         /O <92fe0f4454ad4c9644693f33c07cb54f587dce1e2682fe9ecea6107a1ef630dd> \
         /U <07adc17e318ada732a6d9918fe5dd907b12c9194ba8db305db97f8b9a70bc553> /P -44 >>",
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (n, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", n + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    let id = "<00112233445566778899aabbccddeeff>";
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R /Encrypt 4 0 R /ID [{id} {id}] >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf
}

/// Waits until nothing matches `css`.
pub async fn wait_for_gone(session: &Session, css: &str) {
    let started = std::time::Instant::now();
    while !session.find_all(css).await.unwrap_or_default().is_empty() {
        assert!(
            started.elapsed() < PATIENCE,
            "`{css}` still there after {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

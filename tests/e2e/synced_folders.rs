//! A folder kept in sync from the window: it is downloaded at once, listed under Synced folders, and after the
//! server gains a document and a new version of another (through the demo's control endpoint) a check shows the
//! badge and what changed; Sync now brings both home and clears the badge.

use serde_json::json;

use crate::app::RunningApp;
use crate::steps::*;
use crate::SLOW;

/// Changes the demo library through its control endpoint at `base_url`; answers the JSON reply.
async fn change_library(base_url: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
    let answer = reqwest::Client::new()
        .post(format!("{base_url}/_demo/library/{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    answer.json().await.unwrap()
}

#[tokio::test]
async fn a_synced_folder_shows_what_changed_on_the_server_and_sync_now_brings_it_home() {
    let app = RunningApp::launch().await;
    let session = &app.session;
    open_demo(&app).await;
    let base = remote_url(session, "demo-inforouter").await;
    select_remote(session, "demo-inforouter").await;
    let finance = row(session, "Finance").await;
    session.click(&finance).await.unwrap();
    click(session, "[data-testid=action-keep-in-sync]").await;
    let done = "[data-testid=folder-download][data-name=\"Finance\"][data-state=done]";
    session.wait_for(done, SLOW).await.unwrap();
    session
        .wait_for(
            "[data-testid=synced-folder][data-name=\"Finance\"]",
            PATIENCE,
        )
        .await
        .unwrap();
    println!("e2e: Finance is kept in sync and was downloaded");

    let library = docket_demo::library::Library::sample(1024 * 1024);
    let report = library
        .document_by_path(docket_demo::library::sample::REPORT_PDF)
        .unwrap()
        .id;
    change_library(
        &base,
        "documents",
        json!({ "folder": "/Finance/Reports/2024", "name": "Q2-Report.txt", "content": "Q2: all good" }),
    )
    .await;
    change_library(
        &base,
        &format!("documents/{report}/versions"),
        json!({ "content": "Q1, corrected" }),
    )
    .await;

    click(
        session,
        "[data-testid=synced-folder][data-name=\"Finance\"]",
    )
    .await;
    click(session, "[data-testid=check-now]").await;
    let badge = wait_for_text(session, "[data-testid=synced-badge]", "2").await;
    let changes = session
        .find_all("[data-testid=synced-change]")
        .await
        .unwrap();
    let mut listed = Vec::new();
    for change in &changes {
        listed.push(session.text(change).await.unwrap());
    }
    assert!(
        listed.iter().any(|t| t.ends_with("Q2-Report.txt")),
        "{listed:?}"
    );
    assert!(
        listed.iter().any(|t| t.ends_with("Q1-Report.pdf")),
        "{listed:?}"
    );
    println!("e2e: the badge says {badge}; the dialog lists {listed:?}");
    app.save_screenshot("synced-folder").await;

    click(session, "[data-testid=sync-now]").await;
    session.wait_for_count(done, 2, SLOW).await.unwrap();
    wait_for_gone(session, "[data-testid=synced-badge]").await;
    let saved = app.downloads.join("Finance/Reports/2024");
    assert_eq!(
        std::fs::read(saved.join("Q2-Report.txt")).unwrap(),
        b"Q2: all good"
    );
    assert_eq!(
        std::fs::read(saved.join("Q1-Report.pdf")).unwrap(),
        b"Q1, corrected"
    );
    println!("e2e: Sync now brought the new document and the new version home; the badge is gone");
    app.quit().await;
}

//! The download queue in the window: several at once, pause, resume, cancel, delete, restarts, files changed on
//! disk and partial files no download owns.

use std::time::Duration;

use crate::app::RunningApp;
use crate::steps::*;
use crate::SLOW;

#[tokio::test]
async fn three_documents_download_at_once_and_one_pauses_resumes_and_cancels() {
    let app = RunningApp::launch().await;
    let session = &app.session;
    open_demo(&app).await;
    let base = remote_url(session, "demo-inforouter").await;
    select_remote(session, "demo-inforouter").await;
    enter_path(session, &["Finance", "Reports", "2024"]).await;
    click(session, "[data-testid=crumb]").await;
    wait_loaded(session).await;
    enter_path(session, &["Engineering", "Data"]).await;
    click(session, "[data-testid=crumb]").await;
    wait_loaded(session).await;
    enter_folder(session, "Engineering").await;

    // Every document seen so far has a dot in its name: five of them, one of 256 MB.
    throttle(&base, "inforouter", 2 * 1024 * 1024).await;
    let filter = session
        .wait_for("[data-testid=filter]", PATIENCE)
        .await
        .unwrap();
    session.send_keys(&filter, ".").await.unwrap();
    session.send_keys(&filter, ENTER).await.unwrap();
    wait_for_text(session, "[data-testid=search-title]", ".").await;
    let first = session
        .wait_for("[data-testid=entry]", PATIENCE)
        .await
        .unwrap();
    session.click(&first).await.unwrap();
    let list = session
        .wait_for("[data-testid=file-list]", PATIENCE)
        .await
        .unwrap();
    session.send_keys(&list, "\u{E009}a\u{E009}").await.unwrap();
    let download = wait_for_text(session, "[data-testid=action-download]", "Download 5").await;
    println!("e2e: selected five documents: `{download}`");
    click(session, "[data-testid=action-download]").await;

    session
        .wait_for_count("[data-testid=transfer]", 5, PATIENCE)
        .await
        .unwrap();
    session
        .wait_for("[data-testid=transfer][data-state=downloading]", PATIENCE)
        .await
        .unwrap();
    app.save_screenshot("queue").await;
    for name in [
        "catalog.xml",
        "ledger-2024.csv",
        "Q1-Report.pdf",
        "README.txt",
    ] {
        wait_for_transfer_state(session, name, "completed", SLOW).await;
        assert!(
            app.downloads.join(name).exists(),
            "{name} is not in the download folder"
        );
    }
    println!("e2e: four documents completed and are in the download folder");

    let large = "telemetry-archive.bin";
    wait_for_transfer_state(session, large, "downloading", PATIENCE).await;
    click_transfer_button(session, large, "transfer-pause").await;
    wait_for_transfer_state(session, large, "paused", PATIENCE).await;
    let paused_at = transfer_bytes(session, large).await;
    println!("e2e: paused at {paused_at}");
    click_transfer_button(session, large, "transfer-resume").await;
    wait_for_transfer_state(session, large, "downloading", PATIENCE).await;
    println!("e2e: resumed: {}", transfer_bytes(session, large).await);
    click_transfer_button(session, large, "transfer-cancel").await;
    wait_for_transfer_state(session, large, "cancelled", PATIENCE).await;
    assert!(
        !app.downloads.join(large).exists(),
        "a cancelled file is not in the download folder"
    );
    println!("e2e: cancelled {large}");

    // Queued again and paused once its partial file holds bytes, it keeps that file; Delete takes it out of the
    // queue with that file.
    click_transfer_button(session, large, "transfer-retry").await;
    wait_for_transfer_state(session, large, "downloading", PATIENCE).await;
    wait_for_bytes(session, large).await;
    let started = std::time::Instant::now();
    while partial_files(&app) == 0 {
        assert!(
            started.elapsed() < PATIENCE,
            "the retried transfer wrote no partial file"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click_transfer_button(session, large, "transfer-pause").await;
    wait_for_transfer_state(session, large, "paused", PATIENCE).await;
    assert_eq!(
        partial_files(&app),
        1,
        "the paused transfer keeps its partial file"
    );
    let paused = transfer(session, large).await;
    session.send_keys(&paused, DELETE).await.unwrap();
    wait_for_gone(
        session,
        &format!("[data-testid=transfer][data-name=\"{large}\"]"),
    )
    .await;
    assert_eq!(partial_files(&app), 0, "Delete removed the partial file");
    println!("e2e: Delete removed the paused {large} and its partial file");

    click(session, "[data-testid=clear-finished]").await;
    wait_for_gone(session, "[data-testid=transfer]").await;
    for name in [
        "catalog.xml",
        "ledger-2024.csv",
        "Q1-Report.pdf",
        "README.txt",
    ] {
        assert!(
            app.downloads.join(name).exists(),
            "clearing the list left {name} on disk"
        );
    }
    println!("e2e: Clear finished emptied the queue and kept the downloaded files");
    app.quit().await;
}

fn partial_files(app: &RunningApp) -> usize {
    std::fs::read_dir(&app.downloads)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".docket-part"))
                .count()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn a_transfer_in_progress_survives_a_restart() {
    let app = RunningApp::launch().await;
    let session = &app.session;
    open_demo(&app).await;
    let base = remote_url(session, "demo-inforouter").await;
    throttle(&base, "inforouter", 1024 * 1024).await;
    select_remote(session, "demo-inforouter").await;
    enter_path(session, &["Engineering", "Data"]).await;
    let large = "telemetry-archive.bin";
    let file = row(session, large).await;
    session.click(&file).await.unwrap();
    click(session, "[data-testid=action-download]").await;
    wait_for_transfer_state(session, large, "downloading", PATIENCE).await;
    // Wait for committed bytes, so the restart has something to resume from.
    let started = std::time::Instant::now();
    let before = loop {
        let shown = transfer_bytes(session, large).await;
        if !shown.starts_with("0 B") {
            break shown;
        }
        assert!(started.elapsed() < SLOW, "no bytes arrived: {shown}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    println!("e2e: before the restart: {before}");
    let data_dir = app.data_dir.clone();
    app.quit().await;

    let app = RunningApp::launch_in(data_dir).await;
    let session = &app.session;
    session
        .wait_for_count("[data-testid=remote]", 5, PATIENCE)
        .await
        .unwrap();
    click(session, "[data-testid=toggle-downloads]").await;
    let row = transfer(session, large).await;
    let state = session
        .attribute(&row, "data-state")
        .await
        .unwrap()
        .unwrap_or_default();
    println!(
        "e2e: after the restart the transfer is {state}: {}",
        transfer_bytes(session, large).await
    );
    wait_for_transfer_state(session, large, "completed", Duration::from_secs(300)).await;
    assert!(app.downloads.join(large).exists());
    println!("e2e: {large} completed after the restart");
    app.quit().await;
}

#[tokio::test]
async fn a_downloaded_file_deleted_on_disk_shows_as_changed_and_downloads_again_in_one_click() {
    let app = RunningApp::launch().await;
    let session = &app.session;
    open_demo(&app).await;
    select_remote(session, "demo-inforouter").await;
    enter_path(session, &["Finance", "Reports", "2024"]).await;

    let report = row(session, "Q1-Report.pdf").await;
    session.click(&report).await.unwrap();
    click(session, "[data-testid=action-download]").await;
    wait_for_transfer_state(session, "Q1-Report.pdf", "completed", SLOW).await;
    let saved = app.downloads.join("Q1-Report.pdf");
    assert!(saved.exists(), "the report is in the download folder");
    session
        .wait_for(
            "[data-testid=entry][data-name=\"Q1-Report.pdf\"] [data-testid=downloaded-mark]",
            PATIENCE,
        )
        .await
        .unwrap();
    println!("e2e: the list marks the report as downloaded");

    std::fs::remove_file(&saved).unwrap();
    let again = session
        .wait_for(
            "[data-testid=entry][data-name=\"Q1-Report.pdf\"] [data-testid=redownload]",
            PATIENCE,
        )
        .await
        .unwrap();
    println!("e2e: after deleting it on disk, the list offers to download it again");
    session.click(&again).await.unwrap();
    session
        .wait_for(
            "[data-testid=entry][data-name=\"Q1-Report.pdf\"] [data-testid=downloaded-mark]",
            SLOW,
        )
        .await
        .unwrap();
    assert!(saved.exists(), "one click brought the report back");
    println!("e2e: one click downloaded it again");
    app.quit().await;
}

#[tokio::test]
async fn a_partial_file_no_download_owns_is_listed_in_the_downloads_panel_and_deleted_on_request() {
    let data_dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let downloads = data_dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    // What an older Docket killed between creating a partial and recording it left, hours ago.
    let stale = downloads.join("Q1-Report.pdf.docket-part");
    std::fs::write(&stale, b"half a report").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(7200))
        .unwrap();
    let app = RunningApp::launch_in(data_dir).await;
    let session = &app.session;
    click(session, "[data-testid=toggle-downloads]").await;
    let notice = wait_for_text(
        session,
        "[data-testid=orphan-partials]",
        "belongs to no download",
    )
    .await;
    println!("e2e: the downloads panel says: {notice}");
    app.save_screenshot("orphan-partials").await;
    session
        .wait_for(
            "[data-testid=orphan-partial][data-name=\"Q1-Report.pdf.docket-part\"]",
            PATIENCE,
        )
        .await
        .unwrap();
    println!("e2e: it names Q1-Report.pdf.docket-part");
    click(session, "[data-testid=orphan-delete]").await;
    wait_for_gone(session, "[data-testid=orphan-partial]").await;
    assert!(!stale.exists(), "Delete removed the file");
    println!("e2e: Delete removed the partial file no download owned");
    app.quit().await;
}

#[tokio::test]
async fn a_folder_downloaded_from_the_window_lands_as_a_tree_and_downloading_it_again_fetches_nothing(
) {
    let app = RunningApp::launch().await;
    let session = &app.session;
    open_demo(&app).await;
    select_remote(session, "demo-inforouter").await;
    let finance = row(session, "Finance").await;
    session.click(&finance).await.unwrap();
    click(session, "[data-testid=action-download]").await;
    let done = "[data-testid=folder-download][data-name=\"Finance\"][data-state=done]";
    session.wait_for(done, SLOW).await.unwrap();
    let library = docket_demo::library::Library::sample(1024 * 1024);
    for path in [
        docket_demo::library::sample::REPORT_PDF,
        docket_demo::library::sample::LEDGER_CSV,
    ] {
        let saved = app.downloads.join(path.trim_start_matches('/'));
        let content = &library.document_by_path(path).unwrap().latest().content;
        assert!(
            std::fs::read(&saved).unwrap() == content.read(0..content.len()).to_vec(),
            "{} holds the server's bytes",
            saved.display()
        );
    }
    let summary = wait_for_text(session, "[data-testid=folder-download-summary]", "files").await;
    println!("e2e: the folder download says: {summary}");
    app.save_screenshot("folder-download").await;

    click(session, "[data-testid=action-download]").await;
    session.wait_for_count(done, 2, SLOW).await.unwrap();
    let rows = session
        .find_all("[data-testid=folder-download-summary]")
        .await
        .unwrap();
    let again = session.text(rows.last().unwrap()).await.unwrap();
    assert!(again.contains("already here"), "{again}");
    println!("e2e: downloading it again says: {again}");
    app.quit().await;
}

//! End-to-end tests of the real Docket window under Xvfb, driven through WebDriver. Run with `cargo xtask e2e`.

mod app;
mod steps;
mod webdriver;

use std::time::Duration;

use app::RunningApp;
use steps::*;

const SLOW: Duration = Duration::from_secs(120);

#[tokio::test]
async fn first_run_offers_the_demo_and_a_folder_of_every_kind_opens() {
    let app = RunningApp::launch().await;
    let session = &app.session;
    assert_eq!(session.title().await.unwrap(), "Docket");
    let empty = session
        .wait_for("[data-testid=no-remotes]", PATIENCE)
        .await
        .unwrap();
    assert_eq!(session.text(&empty).await.unwrap(), "No servers yet");
    session
        .wait_for("[data-testid=add-server]", PATIENCE)
        .await
        .unwrap();

    open_demo(&app).await;
    for kind in docket_demo::apis::kinds() {
        let remote = &docket_demo::demo_remote_name(kind);
        select_remote(session, remote).await;
        let folder = enter_first_folder(session).await;
        let rows = session.find_all("[data-testid=entry]").await.unwrap();
        println!("e2e: {remote}: opened `{folder}`, {} entries", rows.len());
        assert!(!rows.is_empty(), "{remote}/{folder} lists nothing");
    }

    select_remote(session, "demo-inforouter").await;
    enter_path(session, &["Finance", "Reports", "2024"]).await;
    row(session, "ledger-2024.csv").await;
    app.save_screenshot("browser").await;
    app.quit().await;
}

#[tokio::test]
async fn search_finds_documents_by_part_of_their_name() {
    let app = RunningApp::launch().await;
    let session = &app.session;
    open_demo(&app).await;
    select_remote(session, "demo-inforouter").await;
    enter_path(session, &["Finance", "Reports", "2024"]).await;

    click(session, "[data-testid=crumb]").await;
    wait_loaded(session).await;
    let filter = session
        .wait_for("[data-testid=filter]", PATIENCE)
        .await
        .unwrap();
    session.send_keys(&filter, "ledger").await.unwrap();
    session.send_keys(&filter, ENTER).await.unwrap();
    wait_for_text(session, "[data-testid=search-title]", "ledger").await;
    app.save_screenshot("search").await;
    row(session, "ledger-2024.csv").await;
    let place = session
        .execute(
            "return document.querySelector('[data-testid=entry][data-name=\"ledger-2024.csv\"] \
             [data-testid=entry-place]')?.textContent ?? ''",
        )
        .await
        .unwrap();
    let place = place.as_str().unwrap_or_default().to_owned();
    assert!(place.contains("demo-inforouter"), "{place}");
    assert!(place.contains("/Finance/Reports/2024"), "{place}");
    println!("e2e: search found ledger-2024.csv from the top level");
    app.quit().await;
}

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
async fn csv_and_xml_documents_preview_in_the_side_panel() {
    let app = RunningApp::launch().await;
    let session = &app.session;
    open_demo(&app).await;
    select_remote(session, "demo-inforouter").await;
    enter_path(session, &["Finance", "Reports", "2024"]).await;

    preview(session, "ledger-2024.csv").await;
    session
        .wait_for_count("[data-testid=csv-row]", 10, SLOW)
        .await
        .unwrap();
    let headers = session.find_all("[data-testid=csv-header]").await.unwrap();
    let names = session
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=csv-header]')).map(h => h.textContent.trim())",
        )
        .await
        .unwrap();
    assert_eq!(
        names,
        serde_json::json!(["id", "name", "city", "amount", "note"]),
        "the CSV table's header row is the file's first record"
    );
    let first = session
        .execute(
            "return document.querySelector('[data-testid=csv-row] [role=cell]').textContent.trim()",
        )
        .await
        .unwrap();
    assert_eq!(first, serde_json::json!("1"));
    let dialect = wait_for_text(session, "[data-testid=csv-dialect]", "Comma-separated").await;
    assert_eq!(
        dialect, "Comma-separated · UTF-8",
        "the header reports the dialect docket-preview detected (the ledger has no ragged rows)"
    );
    app.save_screenshot("csv-preview").await;
    println!(
        "e2e: the CSV preview shows a table with {} columns",
        headers.len()
    );

    click(session, "[data-testid=crumb]").await;
    wait_loaded(session).await;
    enter_path(session, &["Engineering", "Data"]).await;
    let catalog = row(session, "catalog.xml").await;
    session.click(&catalog).await.unwrap();
    let list = session
        .wait_for("[data-testid=file-list]", PATIENCE)
        .await
        .unwrap();
    session.send_keys(&list, " ").await.unwrap();
    session
        .wait_for_count("[data-testid=xml-node]", 3, SLOW)
        .await
        .unwrap();
    let root = session
        .wait_for("[data-testid=xml-tag]", PATIENCE)
        .await
        .unwrap();
    assert!(session.text(&root).await.unwrap().starts_with('<'));
    let kinds = session
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=xml-node]')).map(n => n.dataset.kind)",
        )
        .await
        .unwrap();
    let kinds = kinds.to_string();
    assert!(
        kinds.contains("element") && kinds.contains("comment"),
        "the outline shows elements and comments: {kinds}"
    );
    app.save_screenshot("xml-preview").await;
    click(session, "[data-testid=xml-raw-mode]").await;
    let raw = session
        .wait_for("[data-testid=xml-raw]", PATIENCE)
        .await
        .unwrap();
    assert!(session.text(&raw).await.unwrap().contains("<?xml"));
    println!("e2e: the XML preview shows a tree and the raw text");
    app.quit().await;
}

#[tokio::test]
async fn a_pdf_previews_through_pdfjs_with_its_pages_rendered_on_canvas() {
    let app = RunningApp::launch().await;
    let session = &app.session;
    open_demo(&app).await;
    select_remote(session, "demo-inforouter").await;
    enter_path(session, &["Finance", "Reports", "2024"]).await;

    // Not downloaded, and small: the whole file is fetched for pdf.js.
    preview(session, "Q1-Report.pdf").await;
    session
        .wait_for(
            "[data-testid=pdf-page-canvas][data-page=\"1\"][data-rendered=true]",
            SLOW,
        )
        .await
        .unwrap();
    let count = wait_for_text(session, "[data-testid=pdf-page-count]", "pages").await;
    assert_eq!(count, "3 pages");
    let canvas = session
        .execute(
            "const c = document.querySelector('[data-testid=pdf-page-canvas][data-page=\"1\"]'); \
             const r = c.getBoundingClientRect(); \
             const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; \
             let dark = 0; for (let i = 0; i < pixels.length; i += 4) { \
               if (pixels[i + 3] > 0 && pixels[i] < 128) dark++; } \
             return { width: c.width, height: c.height, shownWidth: r.width, shownHeight: r.height, dark };",
        )
        .await
        .unwrap();
    println!("e2e: the first page's canvas: {canvas}");
    for key in ["width", "height", "shownWidth", "shownHeight"] {
        assert!(
            canvas[key].as_f64().unwrap_or(0.0) > 0.0,
            "the page canvas has no {key}: {canvas}"
        );
    }
    // A portrait page at fit width: taller than wide.
    assert!(canvas["shownHeight"].as_f64() > canvas["shownWidth"].as_f64());
    assert!(
        canvas["dark"].as_u64().unwrap_or(0) > 100,
        "pdf.js drew the page's text: {canvas}"
    );
    let errors = session.find_all("[data-testid=pdf-error]").await.unwrap();
    assert!(errors.is_empty(), "the PDF preview shows an error");
    // pdf.js rendered in a window whose CSP forbids eval (its worker is allowed by script-src 'self' alone).
    let eval = session
        .execute("try { return String(eval('1 + 1')); } catch (e) { return e.name; }")
        .await
        .unwrap();
    assert_eq!(
        eval,
        serde_json::json!("EvalError"),
        "the window's CSP forbids eval"
    );
    app.save_screenshot("pdf-preview").await;

    click(session, "[data-testid=pdf-zoom-in]").await;
    wait_for_text(session, "[data-testid=pdf-fit-width]", "125%").await;
    session
        .wait_for(
            "[data-testid=pdf-page-canvas][data-page=\"1\"][data-rendered=true]",
            PATIENCE,
        )
        .await
        .unwrap();
    let wider = session
        .execute(
            "return document.querySelector('[data-testid=pdf-page-canvas][data-page=\"1\"]').getBoundingClientRect().width",
        )
        .await
        .unwrap();
    assert!(
        wider.as_f64() > canvas["shownWidth"].as_f64(),
        "zooming in widens the page: {wider} after {canvas}"
    );
    println!("e2e: the PDF preview shows 3 pages, renders page 1 and zooms");

    // Downloaded, it previews from the file on disk (and the finished download's notification, with no
    // notification service under Xvfb, fails quietly).
    click(session, "[data-testid=action-download]").await;
    wait_for_transfer_state(session, "Q1-Report.pdf", "completed", SLOW).await;
    click(session, "[data-testid=action-preview]").await;
    wait_for_text(
        session,
        "[data-testid=preview-source]",
        "From the downloaded file",
    )
    .await;
    session
        .wait_for(
            "[data-testid=pdf-page-canvas][data-page=\"1\"][data-rendered=true]",
            PATIENCE,
        )
        .await
        .unwrap();
    assert_eq!(
        wait_for_text(session, "[data-testid=pdf-page-count]", "pages").await,
        "3 pages"
    );
    println!("e2e: the downloaded PDF previews from its file");
    app.quit().await;
}

#[tokio::test]
async fn a_damaged_or_encrypted_pdf_says_so_instead_of_showing_pages() {
    let app = RunningApp::launch().await;
    let session = &app.session;
    open_demo(&app).await;
    let base = remote_url(session, "demo-index-health").await;
    select_remote(session, "demo-index-health").await;
    // A collection lists every document below it.
    enter_folder(session, "Finance").await;

    // The next two file downloads (the preview's first bytes, then the whole file for pdf.js) send a PDF header
    // and garbage.
    let answer = reqwest::Client::new()
        .post(format!("{base}/_demo/faults"))
        .json(&serde_json::json!({
            "api": "index-health", "kind": "fail", "method": "GET", "path": "/s3/", "count": 2,
            "status": 200, "body": "%PDF-1.7\nthis is not a PDF", "content_type": "application/pdf"
        }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());

    preview(session, "Q1-Report.pdf").await;
    let problem = wait_for_text(session, "[data-testid=pdf-error]", "PDF").await;
    println!("e2e: a damaged PDF says: {problem}");
    assert!(problem.contains("not a readable PDF"), "{problem}");
    let canvases = session
        .find_all("[data-testid=pdf-page-canvas]")
        .await
        .unwrap();
    assert!(canvases.is_empty(), "no page is drawn for a damaged PDF");

    // The same for a PDF locked with a password.
    let answer = reqwest::Client::new()
        .post(format!("{base}/_demo/faults"))
        .json(&serde_json::json!({
            "api": "index-health", "kind": "fail", "method": "GET", "path": "/s3/", "count": 2,
            "status": 200, "body": encrypted_pdf(), "content_type": "application/pdf"
        }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    click(session, "[data-testid=action-preview]").await;
    let problem = wait_for_text(session, "[data-testid=pdf-error]", "password").await;
    println!("e2e: an encrypted PDF says: {problem}");
    assert!(problem.contains("protected by a password"), "{problem}");
    app.quit().await;
}

#[tokio::test]
async fn a_server_with_wrong_credentials_is_refused_with_a_clear_error() {
    let app = RunningApp::launch().await;
    let session = &app.session;
    open_demo(&app).await;
    let url = remote_url(session, "demo-inforouter").await;

    click(session, "[data-testid=sidebar-add-server]").await;
    session
        .wait_for("[data-testid=connection-dialog]", PATIENCE)
        .await
        .unwrap();
    click(session, "[data-testid=field-kind] option[value=inforouter]").await;
    let fill = |testid: &'static str, value: String| async move {
        let field = session
            .wait_for(&format!("[data-testid={testid}]"), PATIENCE)
            .await
            .unwrap();
        session.send_keys(&field, &value).await.unwrap();
    };
    fill("field-name", "files".into()).await;
    fill("field-url", "files.example".into()).await;
    fill("field-username", "nobody".into()).await;
    fill("field-password", "wrong-password".into()).await;
    click(session, "[data-testid=test-remote]").await;
    let bad_url = wait_for_text(
        session,
        "[data-testid=connection-error]",
        "not a server address",
    )
    .await;
    println!("e2e: a wrong URL says: {bad_url}");

    let address = session
        .wait_for("[data-testid=field-url]", PATIENCE)
        .await
        .unwrap();
    session
        .execute("document.querySelector('[data-testid=field-url]').value=''")
        .await
        .unwrap();
    session.send_keys(&address, &url).await.unwrap();
    click(session, "[data-testid=test-remote]").await;
    let refused = wait_for_text(session, "[data-testid=connection-error]", "refused").await;
    println!("e2e: wrong credentials say: {refused}");
    assert!(refused.contains("files"), "{refused}");
    app.quit().await;
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
async fn notifications_are_on_by_default_and_stay_off_once_turned_off_in_settings() {
    let app = RunningApp::launch().await;
    let session = &app.session;
    let checked = "return document.querySelector('[data-testid=setting-notify]').checked";
    click(session, "[data-testid=open-settings]").await;
    session
        .wait_for("[data-testid=setting-notify]", PATIENCE)
        .await
        .unwrap();
    assert_eq!(
        session.execute(checked).await.unwrap(),
        serde_json::json!(true),
        "a settings file without the setting notifies"
    );
    let version = wait_for_text(
        session,
        "[data-testid=app-version]",
        &format!("Docket {}", env!("CARGO_PKG_VERSION")),
    )
    .await;
    println!("e2e: settings show the version: {version}");
    app.save_screenshot("settings").await;
    click(session, "[data-testid=setting-notify]").await;
    click(session, "[data-testid=save-settings]").await;
    let file = app.data_dir.path().join("settings.json");
    let started = std::time::Instant::now();
    loop {
        let saved: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap_or_default();
        if saved["notifyWhenDone"] == serde_json::json!(false) {
            break;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the setting was not saved: {saved}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    while !session
        .find_all("[data-testid=settings-dialog]")
        .await
        .unwrap()
        .is_empty()
    {
        assert!(started.elapsed() < PATIENCE, "saving closes the settings");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    click(session, "[data-testid=open-settings]").await;
    session
        .wait_for("[data-testid=setting-notify]", PATIENCE)
        .await
        .unwrap();
    assert_eq!(
        session.execute(checked).await.unwrap(),
        serde_json::json!(false)
    );
    println!("e2e: \"Notify when downloads finish\" is on by default and saved off");
    app.quit().await;
}

/// Milliseconds from the mark `start` to the first `docket:*` mark `end` after it whose detail passes `accept`
/// (a JavaScript expression over `d`), or null while there is none.
fn elapsed_script(start: &str, end: &str, accept: &str) -> String {
    format!(
        "const s = performance.getEntriesByName('{start}').pop(); if (!s) return null; \
         const e = performance.getEntriesByName('{end}').find(m => m.startTime >= s.startTime && \
         ((d) => {accept})(m.detail ?? {{}})); return e ? e.startTime - s.startTime : null;"
    )
}

/// Polls `script` until it answers a number; panics after `timeout`.
async fn wait_for_number(session: &webdriver::Session, script: &str, timeout: Duration) -> f64 {
    let started = std::time::Instant::now();
    loop {
        if let Some(number) = session.execute(script).await.unwrap().as_f64() {
            return number;
        }
        assert!(
            started.elapsed() < timeout,
            "no answer within {timeout:?} from: {script}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn row_count(session: &webdriver::Session) -> i64 {
    let count = session
        .execute("return Number(document.querySelector('[data-testid=file-list]').getAttribute('aria-rowcount')) - 1")
        .await
        .unwrap();
    count.as_i64().unwrap_or(-1)
}

#[tokio::test]
async fn a_folder_of_100000_files_opens_filters_and_scrolls_to_its_last_row() {
    const FILES: i64 = 100_000;
    let app = RunningApp::launch().await;
    let session = &app.session;
    open_demo(&app).await;
    select_remote(session, "demo-study-creator").await;

    let folder = row(session, "Scans").await;
    session.click(&folder).await.unwrap();
    let list = session
        .wait_for("[data-testid=file-list]", PATIENCE)
        .await
        .unwrap();
    session
        .execute("performance.mark('e2e:open')")
        .await
        .unwrap();
    session.send_keys(&list, ENTER).await.unwrap();
    let first_rows = wait_for_number(
        session,
        &elapsed_script(
            "e2e:open",
            "docket:list-painted",
            &format!("d.rows === {FILES}"),
        ),
        SLOW,
    )
    .await;
    wait_loaded(session).await;
    assert_eq!(row_count(session).await, FILES);
    row(session, "scan-000001.txt").await;
    let shown = session.find_all("[data-testid=entry]").await.unwrap().len();
    assert!(
        shown > 0 && shown < 200,
        "only the rows in view are in the page: {shown}"
    );

    let filter = session
        .wait_for("[data-testid=filter]", PATIENCE)
        .await
        .unwrap();
    session.send_keys(&filter, "scan-0999").await.unwrap();
    let filtered = wait_for_number(
        session,
        &elapsed_script(
            "docket:filter-typed",
            "docket:list-painted",
            "d.rows === 100",
        ),
        PATIENCE,
    )
    .await;
    assert_eq!(row_count(session).await, 100, "scan-099900 to scan-099999");
    row(session, "scan-099900.txt").await;
    app.save_screenshot("large-folder-filtered").await;

    session
        .execute(
            "const f = document.querySelector('[data-testid=filter]'); f.value = ''; \
             f.dispatchEvent(new Event('input', { bubbles: true }));",
        )
        .await
        .unwrap();
    wait_for_number(
        session,
        &elapsed_script(
            "docket:filter-typed",
            "docket:list-painted",
            &format!("d.rows === {FILES}"),
        ),
        PATIENCE,
    )
    .await;
    // The page marks the frame in which the last row is in the DOM (checked every animation frame).
    session
        .execute(
            "performance.mark('e2e:scroll'); const s = document.querySelector('[data-testid=file-list]'); \
             const seen = () => document.querySelector('[data-testid=entry][data-name=\"scan-100000.txt\"]') \
             ? performance.mark('e2e:end-rendered') : requestAnimationFrame(seen); \
             s.scrollTop = s.scrollHeight; requestAnimationFrame(seen);",
        )
        .await
        .unwrap();
    let to_end = wait_for_number(
        session,
        &elapsed_script("e2e:scroll", "e2e:end-rendered", "true"),
        PATIENCE,
    )
    .await;
    let last = row(session, "scan-100000.txt").await;
    let visible = session
        .execute(
            "const r = document.querySelector('[data-testid=entry][data-name=\"scan-100000.txt\"]') \
             .getBoundingClientRect(); const s = document.querySelector('[data-testid=file-list]') \
             .getBoundingClientRect(); return r.top >= s.top && r.bottom <= s.bottom + 1;",
        )
        .await
        .unwrap();
    assert_eq!(visible, serde_json::json!(true), "the last row is in view");
    assert_eq!(
        session.attribute(&last, "aria-rowindex").await.unwrap(),
        Some((FILES + 1).to_string()),
        "the last row is the 100,000th"
    );
    app.save_screenshot("large-folder-end").await;
    println!(
        "e2e: 100,000-row folder: first rows painted {first_rows:.0} ms after opening it, {:.0} ms to filter \
         to 100 rows, {to_end:.0} ms from scrolling to the end to the frame showing its last row",
        filtered
    );
    app.quit().await;
}

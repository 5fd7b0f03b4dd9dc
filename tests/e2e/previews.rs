//! Previews in the side panel: CSV and XML tables and trees, PDFs rendered through pdf.js, and what a damaged or
//! encrypted PDF says instead.

use crate::app::RunningApp;
use crate::steps::*;
use crate::SLOW;

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

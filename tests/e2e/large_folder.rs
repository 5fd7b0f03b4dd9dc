//! A folder of 100,000 documents: how soon its first rows paint (it streams in page by page), how soon all of
//! them do, filtering and scrolling to its end.

use std::time::Duration;

use crate::app::RunningApp;
use crate::steps::*;
use crate::webdriver;
use crate::SLOW;

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
        &elapsed_script("e2e:open", "docket:list-painted", "d.rows > 0"),
        SLOW,
    )
    .await;
    // The first pages are in view while the rest are still coming, and the status says so.
    session
        .wait_for("[data-testid=loading-more]", PATIENCE)
        .await
        .unwrap();
    let streamed = row_count(session).await;
    assert!(
        streamed > 0 && streamed < FILES,
        "rows show before the listing is complete: {streamed}"
    );
    row(session, "scan-000001.txt").await;
    let all_rows = wait_for_number(
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
        "e2e: 100,000-row folder: first rows painted {first_rows:.0} ms after opening it ({streamed} rows \
         while loading more), all rows {all_rows:.0} ms, {:.0} ms to filter to 100 rows, {to_end:.0} ms from \
         scrolling to the end to the frame showing its last row",
        filtered
    );
    app.quit().await;
}

//! The first run, the demo rooms and finding documents: what a new user sees before downloading anything.

use crate::app::RunningApp;
use crate::steps::*;

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

//! End-to-end tests of the real Docket window under Xvfb, driven through WebDriver. Run with `cargo xtask e2e`.

mod app;
mod webdriver;

use std::time::Duration;

use app::RunningApp;

const PATIENCE: Duration = Duration::from_secs(15);

#[tokio::test]
async fn the_window_is_titled_docket_and_says_there_are_no_servers_yet() {
    let app = RunningApp::launch().await;

    assert_eq!(app.session.title().await.unwrap(), "Docket");
    let empty = app
        .session
        .wait_for("[data-testid=no-remotes]", PATIENCE)
        .await
        .unwrap();
    assert_eq!(app.session.text(&empty).await.unwrap(), "No servers yet");

    app.quit().await;
}

#[tokio::test]
async fn clicking_supported_servers_shows_what_the_engine_answers() {
    let app = RunningApp::launch().await;
    let session = &app.session;

    let button = session
        .wait_for("[data-testid=show-kinds]", PATIENCE)
        .await
        .unwrap();
    session.click(&button).await.unwrap();
    println!("e2e: clicked \"Supported servers\"");

    session
        .wait_for("[data-testid=kind-list] li", PATIENCE)
        .await
        .unwrap();
    let items = session
        .find_all("[data-testid=kind-list] li")
        .await
        .unwrap();
    let mut names = Vec::new();
    for item in &items {
        names.push(session.text(item).await.unwrap());
    }
    println!(
        "e2e: the engine_info command answered; the page lists {} kinds",
        names.len()
    );
    assert_eq!(names.len(), 5, "{names:?}");
    for expected in [
        "Ansarada data room",
        "Index Health",
        "infoRouter",
        "Sage Active",
        "Kids First study creator",
    ] {
        assert!(
            names.iter().any(|n| n.contains(expected)),
            "{expected} missing from {names:?}"
        );
    }

    // Only the Rust side knows the data dir this test gave the app: seeing it proves the round trip.
    let data_dir = session
        .wait_for("[data-testid=data-dir]", PATIENCE)
        .await
        .unwrap();
    let shown = session.text(&data_dir).await.unwrap();
    assert_eq!(shown, app.data_dir.path().display().to_string());
    println!("e2e: asserted the five kinds and the data dir {shown} that only Rust knew");

    tokio::time::sleep(Duration::from_millis(300)).await;
    let shot = app.save_screenshot("welcome").await;
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "the screenshot is a PNG"
    );
    println!("e2e: saved {}", shot.display());

    app.quit().await;
}

//! Adding a server with wrong details, and the settings dialog's preferences.

use std::time::Duration;

use crate::app::RunningApp;
use crate::steps::*;

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

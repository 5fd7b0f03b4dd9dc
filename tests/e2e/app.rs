//! One running Docket app per test: its own tauri-driver, its own data dir, its own WebDriver session.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::webdriver::Session;

pub struct RunningApp {
    pub session: Session,
    pub data_dir: std::sync::Arc<tempfile::TempDir>,
    /// Where this app saves downloads (inside the data dir, set through the settings file).
    pub downloads: PathBuf,
    driver: Child,
}

fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the end-to-end suite with `cargo xtask e2e`")
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free local port")
}

impl RunningApp {
    pub async fn launch() -> RunningApp {
        let data_dir = tempfile::tempdir().expect("temp data dir");
        RunningApp::launch_in(std::sync::Arc::new(data_dir)).await
    }

    /// Starts the app on an existing data dir: what a restart looks like.
    pub async fn launch_in(data_dir: std::sync::Arc<tempfile::TempDir>) -> RunningApp {
        let application = required_env("DOCKET_E2E_APP");
        let driver_program = required_env("DOCKET_E2E_DRIVER");
        let downloads = data_dir.path().join("downloads");
        let settings = data_dir.path().join("settings.json");
        if !settings.exists() {
            let json = serde_json::json!({ "downloadDir": downloads.display().to_string() });
            std::fs::write(&settings, json.to_string()).expect("settings file");
        }
        // Under load WebKitWebDriver can be slow to come up behind tauri-driver and the first session request
        // fails; a fresh driver gets another chance before the test gives up.
        let mut last_problem = String::new();
        for _attempt in 0..3 {
            let (port, native_port) = (free_port(), free_port());
            // The app inherits this environment through tauri-driver and WebKitWebDriver.
            let mut driver = Command::new(&driver_program)
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native_port.to_string(),
                ])
                .env("DOCKET_DATA_DIR", data_dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("tauri-driver starts");
            let driver_url = format!("http://127.0.0.1:{port}");
            wait_until_listening(port).await;
            match Session::launch(&driver_url, &application).await {
                Ok(session) => {
                    return RunningApp {
                        session,
                        data_dir,
                        downloads,
                        driver,
                    }
                }
                Err(problem) => {
                    last_problem = problem;
                    let _ = driver.kill();
                    let _ = driver.wait();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        panic!("a WebDriver session opens the Docket window: {last_problem}");
    }

    /// Saves a PNG of the window under target/e2e/ for people to look at, and returns its path. Taken once the
    /// page has painted: right after a change it can still show the previous frame.
    pub async fn save_screenshot(&self, name: &str) -> PathBuf {
        self.wait_until_painted().await;
        let png = self.session.screenshot().await.expect("screenshot");
        let dir = PathBuf::from(required_env("DOCKET_E2E_SCREENSHOTS"));
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, &png).expect("write screenshot");
        path
    }

    /// Waits for two animation frames: the first runs before the next paint, the second after it.
    async fn wait_until_painted(&self) {
        let limit = Duration::from_secs(10);
        let script = "const painted = arguments[arguments.length - 1]; \
                      requestAnimationFrame(() => requestAnimationFrame(() => painted(true)));";
        tokio::time::timeout(limit, self.session.execute_async(script))
            .await
            .unwrap_or_else(|_| panic!("the window did not paint within {limit:?}"))
            .unwrap_or_else(|err| panic!("waiting for the window to paint: {err}"));
    }

    pub async fn quit(mut self) {
        self.session.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

async fn wait_until_listening(port: u16) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "tauri-driver did not listen on {port} within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

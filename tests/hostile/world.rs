//! What every case shares: one demo server (faults cleared between cases) and a fresh data dir and download
//! folder per case, with the demo remote of a kind registered as a user would.

use std::path::{Path, PathBuf};
use std::time::Duration;

use docket_core::Kind;
use docket_demo::{demo_remotes, DemoConfig, DemoServer};

use crate::docket;

pub struct World {
    pub server: DemoServer,
}

/// One case's own data dir and download folder.
pub struct Bench {
    pub data: tempfile::TempDir,
    pub dest: tempfile::TempDir,
}

impl World {
    pub async fn start() -> World {
        let server = DemoServer::start(DemoConfig {
            port_base: 0,
            large_file_size: 8 * 1024 * 1024,
            bulk_study_files: 0,
        })
        .await
        .expect("the demo server starts");
        World { server }
    }

    /// No fault in force.
    pub fn reset(&self) {
        self.server.state().faults.clear();
    }

    /// A data dir with the demo remote of `kind` added through `docket remote add`; answers it and the remote's
    /// name.
    pub fn bench_with(&self, kind: Kind) -> Result<(Bench, String), String> {
        let bench = Bench {
            data: tempfile::tempdir().map_err(|e| e.to_string())?,
            dest: tempfile::tempdir().map_err(|e| e.to_string())?,
        };
        let (remote, credentials) = demo_remotes(&self.server)
            .into_iter()
            .find(|(r, _)| r.kind == kind)
            .ok_or("the demo has every kind")?;
        let mut command = docket::command(bench.data.path());
        command.args(["remote", "add", &remote.name, "--kind", kind.id(), "--url"]);
        command.arg(&remote.url);
        for (key, value) in &remote.settings {
            command.args(["--set", &format!("{key}={value}")]);
        }
        for key in credentials.keys() {
            let value = credentials
                .get(key)
                .map(|s| s.expose().to_owned())
                .unwrap_or_default();
            command
                .args(["--secret", key])
                .env(format!("DOCKET_SECRET_{}", key.to_ascii_uppercase()), value);
        }
        let added = docket::run(command, Duration::from_secs(30));
        if added.code != Some(0) {
            return Err(format!("remote add failed: {}", added.stderr_text()));
        }
        Ok((bench, remote.name))
    }
}

impl Bench {
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    pub fn dest_dir(&self) -> PathBuf {
        self.dest.path().to_owned()
    }
}

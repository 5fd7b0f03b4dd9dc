//! The bench's surroundings: one tokio runtime, the `docket` binary under test, and per benchmark a fresh demo
//! server (in this process, so its fault switches and counters are at hand) with its remotes registered in a
//! fresh data dir through `docket remote add`, exactly as a user would.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use docket_core::{DocRef, IgnoreStatus, Kind, RemoteUrl, TransferSource};
use docket_demo::library::sample;
use docket_demo::{demo_remotes, DemoConfig, DemoServer, DemoState, GeneratedDocuments};

use crate::error::BenchError;
use crate::measure::check_output;
use crate::plan::Plan;

pub struct Bench {
    pub runtime: tokio::runtime::Runtime,
    pub docket: PathBuf,
    pub work: PathBuf,
    pub plan: Plan,
}

impl Bench {
    pub fn new(docket: PathBuf, work: PathBuf, plan: Plan) -> Result<Bench, BenchError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| BenchError::Setup(format!("could not start tokio: {e}")))?;
        Ok(Bench {
            runtime,
            docket,
            work,
            plan,
        })
    }

    /// A scratch folder for one benchmark, emptied first.
    pub fn scratch(&self, name: &str) -> Result<PathBuf, BenchError> {
        let dir = self.work.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| BenchError::io(&dir, e))?;
        Ok(dir)
    }
}

/// A demo server whose large sample file has the given size, and a data dir knowing its remotes.
pub struct Lab<'b> {
    pub bench: &'b Bench,
    server: Option<DemoServer>,
    pub data_dir: PathBuf,
    /// The benchmark's name, which names its data dirs.
    name: String,
    /// Data dirs made so far (see [`Lab::fresh_data_dir`]).
    data_dirs: Cell<usize>,
    /// Extra settings of the infoRouter remote, registered again in every new data dir.
    inforouter_settings: Vec<String>,
}

pub const RANGED_REMOTE: &str = "demo-index-health";
pub const CHUNKED_REMOTE: &str = "demo-inforouter";
/// The study creator's download route: one stream, no Range.
pub const ONE_STREAM_REMOTE: &str = "demo-study-creator";

impl<'b> Lab<'b> {
    /// Starts the server and registers the ranged (Index Health) and chunked (infoRouter) remotes;
    /// `inforouter_settings` are extra `KEY=VALUE` settings of the infoRouter remote (its chunk size).
    pub fn start(
        bench: &'b Bench,
        name: &str,
        large_file_size: u64,
        inforouter_settings: &[String],
    ) -> Result<Lab<'b>, BenchError> {
        Lab::start_with(bench, name, large_file_size, inforouter_settings, &[])
    }

    /// The same, the server's library holding `generated` documents besides the samples.
    pub fn start_with(
        bench: &'b Bench,
        name: &str,
        large_file_size: u64,
        inforouter_settings: &[String],
        generated: &[GeneratedDocuments],
    ) -> Result<Lab<'b>, BenchError> {
        let server = bench.runtime.block_on(DemoServer::start_with(
            DemoConfig {
                port_base: 0,
                large_file_size,
                bulk_study_files: 0,
            },
            generated,
        ))?;
        let data_dir = bench.scratch(&format!("{name}-data"))?;
        let lab = Lab {
            bench,
            server: Some(server),
            data_dir,
            name: name.to_owned(),
            data_dirs: Cell::new(1),
            inforouter_settings: inforouter_settings.to_vec(),
        };
        lab.register_remotes(&lab.data_dir)?;
        Ok(lab)
    }

    fn register_remotes(&self, data_dir: &Path) -> Result<(), BenchError> {
        self.register(data_dir, docket_providers::index_health::KIND, &[])?;
        self.register(
            data_dir,
            docket_providers::inforouter::KIND,
            &self.inforouter_settings,
        )
    }

    /// Registers the study creator too (as `demo-study-creator`, signed URLs on), in the lab's data dir.
    pub fn add_study_creator(&self) -> Result<(), BenchError> {
        self.register(&self.data_dir, docket_providers::study_creator::KIND, &[])
    }

    /// Another data dir with the remotes registered, for a run that must find no queue, catalog or sync state
    /// of an earlier one (see [`Lab::docket_in`]).
    pub fn fresh_data_dir(&self) -> Result<PathBuf, BenchError> {
        self.data_dirs.set(self.data_dirs.get() + 1);
        let dir = self
            .bench
            .scratch(&format!("{}-data-{}", self.name, self.data_dirs.get()))?;
        self.register_remotes(&dir)?;
        Ok(dir)
    }

    fn server(&self) -> &DemoServer {
        self.server
            .as_ref()
            .unwrap_or_else(|| unreachable!("the server lives until the lab is dropped"))
    }

    pub fn state(&self) -> Arc<DemoState> {
        self.server().state()
    }

    pub fn base_url(&self, kind: Kind) -> String {
        self.server().base_url(kind)
    }

    /// `docket` with this lab's data dir.
    pub fn docket(&self) -> Command {
        self.docket_in(&self.data_dir)
    }

    /// `docket` with another data dir (one of [`Lab::fresh_data_dir`]).
    pub fn docket_in(&self, data_dir: &Path) -> Command {
        let mut command = Command::new(&self.bench.docket);
        command
            .env("DOCKET_DATA_DIR", data_dir)
            .env_remove("DOCKET_LOG");
        command
    }

    fn register(&self, data_dir: &Path, kind: Kind, extra: &[String]) -> Result<(), BenchError> {
        let (remote, credentials) = self.remote(kind)?;
        let mut command = self.docket_in(data_dir);
        command.args([
            "remote",
            "add",
            &remote.name,
            "--kind",
            kind.id(),
            "--url",
            &remote.url,
            "--replace",
        ]);
        for (key, value) in &remote.settings {
            command.args(["--set", &format!("{key}={value}")]);
        }
        for setting in extra {
            command.args(["--set", setting]);
        }
        for key in credentials.keys() {
            if let Some(value) = credentials.get(key) {
                command.args(["--secret", key]);
                command.env(
                    format!("DOCKET_SECRET_{}", key.to_ascii_uppercase()),
                    value.expose(),
                );
            }
        }
        check_output(&mut command).map(|_| ())
    }

    fn remote(
        &self,
        kind: Kind,
    ) -> Result<(docket_core::RemoteConfig, docket_core::Credentials), BenchError> {
        demo_remotes(self.server())
            .into_iter()
            .find(|(remote, _)| remote.kind == kind)
            .ok_or_else(|| BenchError::unexpected("demo remotes", format!("no {kind} remote")))
    }

    /// The URL Docket itself would fetch for an Index Health document (presigned, valid an hour, reusable):
    /// the peers get exactly this URL and its headers.
    pub fn presigned(&self, document: &str) -> Result<RemoteUrl, BenchError> {
        self.source_url(docket_providers::index_health::KIND, document)
    }

    /// A fresh signed URL of a study creator document, minted as Docket mints it. It is good for one request
    /// within 30 seconds, so a peer needs a new one for every run.
    pub fn signed_url(&self, document: &str) -> Result<RemoteUrl, BenchError> {
        self.source_url(docket_providers::study_creator::KIND, document)
    }

    fn source_url(&self, kind: Kind, document: &str) -> Result<RemoteUrl, BenchError> {
        let (config, credentials) = self.remote(kind)?;
        let http = docket_core::http::client()?;
        let provider = docket_providers::connect(config, credentials, http)?;
        let source = self.bench.runtime.block_on(provider.prepare(
            &DocRef::new(document),
            None,
            &IgnoreStatus,
        ))?;
        match source {
            TransferSource::Url(url) => Ok(url),
            TransferSource::Chunked(_) => Err(BenchError::unexpected(
                kind.id(),
                "answered a chunked source where a URL was expected",
            )),
        }
    }

    /// The Index Health id of the large sample file.
    pub fn large_document_id(&self) -> Result<String, BenchError> {
        let state = self.state();
        let doc = state
            .library
            .document_by_path(sample::LARGE_FILE)
            .ok_or_else(|| BenchError::unexpected("sample library", "no large file"))?;
        Ok(format!("doc-{}", doc.id))
    }

    /// The study creator's `SD_…/SF_…` of the large sample file (a file of the study its top folder is).
    pub fn large_study_file(&self) -> Result<String, BenchError> {
        let state = self.state();
        let library = state.library.current();
        library
            .document_by_path(sample::LARGE_FILE)
            .and_then(|doc| docket_demo::study_creator::document_ref(library, doc))
            .ok_or_else(|| BenchError::unexpected("study creator", "no large file"))
    }

    /// An Index Health access token, issued by `generate-client-auth-token` with the demo remote's client
    /// credentials, as a user's script would get it once before a loop of API calls.
    pub fn index_health_token(&self) -> Result<String, BenchError> {
        let (config, credentials) = self.remote(docket_providers::index_health::KIND)?;
        let setting = |key: &str| config.settings.get(key).cloned().unwrap_or_default();
        let body = serde_json::json!({
            "client_id": setting("client_id"),
            "client_secret": credentials.get("client_secret").map(|s| s.expose().to_owned()).unwrap_or_default(),
            "fingerprint": setting("fingerprint"),
            "user": {
                "first_name": setting("first_name"),
                "last_name": setting("last_name"),
                "email": setting("email"),
                "group_name": setting("group_name"),
            },
        });
        let url = format!("{}/generate-client-auth-token", config.base_url());
        let answer: serde_json::Value = self
            .bench
            .runtime
            .block_on(async {
                let response = reqwest::Client::new().post(&url).json(&body).send().await?;
                response.error_for_status()?.json().await
            })
            .map_err(|e| BenchError::unexpected("generate-client-auth-token", e.to_string()))?;
        let data = &answer["data"];
        data["access_token"]
            .as_str()
            .or_else(|| data["auth_token"].as_str())
            .map(str::to_owned)
            .ok_or_else(|| BenchError::unexpected("generate-client-auth-token", "no access token"))
    }

    /// The infoRouter user name and password of the demo remote.
    pub fn inforouter_login(&self) -> Result<(String, String), BenchError> {
        let (config, credentials) = self.remote(docket_providers::inforouter::KIND)?;
        let user = config.settings.get("username").cloned().unwrap_or_default();
        let password = credentials
            .get("password")
            .map(|secret| secret.expose().to_owned())
            .unwrap_or_default();
        Ok((user, password))
    }

    /// Stops the demo server, letting nothing linger into the next benchmark.
    pub fn stop(mut self) {
        if let Some(server) = self.server.take() {
            self.bench.runtime.block_on(server.shutdown());
        }
    }
}

impl Drop for Lab<'_> {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.bench.runtime.block_on(server.shutdown());
        }
    }
}

/// The one file `docket get` saved into `dir` (the partial file is renamed when done).
pub fn saved_file(dir: &Path) -> Result<PathBuf, BenchError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| BenchError::io(dir, e))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    match files.len() {
        1 => Ok(files.remove(0)),
        n => Err(BenchError::unexpected(
            dir.display().to_string(),
            format!("{n} files where one download was expected"),
        )),
    }
}

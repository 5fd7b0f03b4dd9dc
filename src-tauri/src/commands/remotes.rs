//! Connections: the remotes, their forms, and the demo data rooms.

use std::collections::BTreeMap;
use std::time::Duration;

use docket_core::Location;
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::connections::RemoteDraft;
use crate::demo_rooms::DEMO_PREFIX;
use crate::error::{ErrorCode, IpcError};
use crate::events::RemotesChanged;
use crate::state::ShellState;

/// A connection test that takes longer than this counts as an unreachable server.
const TEST_TIMEOUT: Duration = Duration::from_secs(20);

/// A configured remote. Its secrets never leave Rust: only their names are sent.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RemoteView {
    pub name: String,
    pub kind: String,
    pub kind_name: String,
    pub url: String,
    pub settings: BTreeMap<String, String>,
    pub demo: bool,
}

/// One field of a kind's connection form.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FormField {
    pub key: String,
    pub secret: bool,
    pub required: bool,
    pub help: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KindForm {
    pub kind: String,
    pub name: String,
    pub summary: String,
    pub fields: Vec<FormField>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Reachability {
    Online,
    /// The server answered but refused (credentials) or answered oddly.
    Trouble,
    Offline,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RemoteStatus {
    pub name: String,
    pub state: Reachability,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTest {
    /// How many entries the server listed at its top level.
    pub entries: u32,
}

fn view(config: docket_core::RemoteConfig) -> RemoteView {
    RemoteView {
        demo: config.name.starts_with(DEMO_PREFIX),
        kind: config.kind.id().to_owned(),
        // A kind no module speaks any more is shown by its id.
        kind_name: docket_providers::entry(config.kind).map_or_else(
            |_| config.kind.id().to_owned(),
            |e| e.display_name.to_owned(),
        ),
        name: config.name,
        url: config.url,
        settings: config.settings,
    }
}

/// The configured remotes, in the order they were added.
#[tauri::command]
#[specta::specta]
pub async fn list_remotes(state: State<'_, ShellState>) -> Result<Vec<RemoteView>, IpcError> {
    Ok(state
        .connections
        .reload()
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// The connection form of every kind: which settings and secrets it takes.
#[tauri::command]
#[specta::specta]
pub fn remote_forms() -> Vec<KindForm> {
    docket_providers::registry::entries()
        .map(|entry| KindForm {
            kind: entry.kind.id().to_owned(),
            name: entry.display_name.to_owned(),
            summary: entry.download_summary.to_owned(),
            fields: entry
                .all_settings()
                .map(|spec| FormField {
                    key: spec.key.to_owned(),
                    secret: spec.secret,
                    required: spec.required,
                    help: spec.help.to_owned(),
                })
                .collect(),
        })
        .collect()
}

/// Adds a remote, or changes one (`originalName` set). Secrets go to the keyring; empty ones keep the stored.
#[tauri::command]
#[specta::specta]
pub async fn save_remote(
    state: State<'_, ShellState>,
    draft: RemoteDraft,
) -> Result<RemoteView, IpcError> {
    let connections = &state.connections;
    let checked = draft.check()?;
    let name = checked.config.name.clone();
    let original = draft.original_name.as_deref();
    let renamed = original.is_some_and(|o| o != name);
    if (original.is_none() || renamed) && connections.config(&name).is_ok() {
        return Err(IpcError::invalid(format!(
            "A server named `{name}` exists already: choose another name."
        )));
    }
    let credentials = checked.credentials(connections, original)?;
    checked.check_together(&credentials)?;
    let edited = original.and_then(|o| connections.config(o).ok());
    // Secrets first: a keyring failure must not leave a remote that cannot sign in.
    connections.store_secrets(&name, &credentials)?;
    if let (false, Some(edited)) = (renamed, &edited) {
        // What the edit did not keep (another kind's secrets, one not typed again for a new address) must not
        // stay under this name, to be sent to the new server later.
        connections.delete_secrets_except(
            &name,
            &[edited.kind, checked.config.kind],
            &credentials,
        )?;
    }
    connections
        .add(checked.config.clone(), !renamed && original.is_some())
        .await?;
    if let (true, Some(previous)) = (renamed, original) {
        if connections.config(previous).is_ok() {
            connections.remove(previous).await?;
            tracing::info!(from = previous, to = %name, "remote renamed");
        }
    }
    Ok(view(checked.config))
}

/// Tries a draft without saving it: signs in and lists the top level.
#[tauri::command]
#[specta::specta]
pub async fn test_remote(
    state: State<'_, ShellState>,
    draft: RemoteDraft,
) -> Result<ConnectionTest, IpcError> {
    let connections = &state.connections;
    let checked = draft.check()?;
    let name = checked.config.name.clone();
    let credentials = checked.credentials(connections, draft.original_name.as_deref())?;
    let provider = docket_providers::connect(checked.config, credentials, connections.http.clone())
        .map_err(|err| IpcError::from_provider(&name, &err))?;
    let page = tokio::time::timeout(TEST_TIMEOUT, provider.list(&Location::root(), None))
        .await
        .map_err(|_| {
            IpcError::new(
                ErrorCode::Unreachable,
                format!(
                    "{name} did not answer within {} seconds. Check the address.",
                    TEST_TIMEOUT.as_secs()
                ),
            )
        })?
        .map_err(|err| IpcError::from_provider(&name, &err))?;
    Ok(ConnectionTest {
        entries: page.items.len() as u32,
    })
}

/// Removes a remote and its secrets.
#[tauri::command]
#[specta::specta]
pub async fn remove_remote(state: State<'_, ShellState>, name: String) -> Result<(), IpcError> {
    state.connections.remove(&name).await
}

/// Whether a remote answers now: lists its top level.
#[tauri::command]
#[specta::specta]
pub async fn check_remote(
    state: State<'_, ShellState>,
    name: String,
) -> Result<RemoteStatus, IpcError> {
    let provider = match state.connections.provider(&name) {
        Ok(provider) => provider,
        Err(err) => {
            return Ok(RemoteStatus {
                name,
                state: Reachability::Trouble,
                message: Some(err.message),
            })
        }
    };
    let answer = tokio::time::timeout(TEST_TIMEOUT, provider.list(&Location::root(), None)).await;
    let (reachability, message) = match answer {
        Ok(Ok(_)) => (Reachability::Online, None),
        Ok(Err(err)) => {
            let ipc = IpcError::from_provider(&name, &err);
            let reachability = match ipc.code {
                ErrorCode::Unreachable => Reachability::Offline,
                _ => Reachability::Trouble,
            };
            (reachability, Some(ipc.message))
        }
        Err(_) => (
            Reachability::Offline,
            Some(format!("{name} did not answer.")),
        ),
    };
    Ok(RemoteStatus {
        name,
        state: reachability,
        message,
    })
}

/// Starts the built-in demo server and registers its five remotes, replacing earlier demo remotes.
#[tauri::command]
#[specta::specta]
pub async fn open_demo_rooms(
    app: AppHandle,
    state: State<'_, ShellState>,
) -> Result<Vec<String>, IpcError> {
    let names = state.demo.open(&state.connections).await?;
    let _ = RemotesChanged.emit(&app);
    Ok(names)
}

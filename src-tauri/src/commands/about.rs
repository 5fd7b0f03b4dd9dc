//! What the engine is and which servers it speaks.

use docket_core::{Kind, TransferShape};
use serde::Serialize;
use tauri::State;

use crate::error::IpcError;
use crate::state::ShellState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KindInfo {
    pub id: String,
    pub name: String,
    pub summary: String,
    pub chunked: bool,
}

impl From<Kind> for KindInfo {
    fn from(kind: Kind) -> Self {
        KindInfo {
            id: kind.id().to_owned(),
            name: kind.display_name().to_owned(),
            summary: kind.download_summary().to_owned(),
            chunked: kind.transfer_shape() == TransferShape::ChunkedHandler,
        }
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct EngineInfo {
    pub version: String,
    pub data_dir: String,
    pub kinds: Vec<KindInfo>,
}

/// The engine's version, where it keeps its data, and the server kinds it can talk to.
#[tauri::command]
#[specta::specta]
pub fn engine_info(state: State<'_, ShellState>) -> EngineInfo {
    EngineInfo {
        version: docket_core::VERSION.to_owned(),
        data_dir: state.data_dir.display().to_string(),
        kinds: Kind::ALL.into_iter().map(KindInfo::from).collect(),
    }
}

/// One server kind by its id, or an `unknown_kind` error that lists the valid ids.
#[tauri::command]
#[specta::specta]
pub fn describe_kind(id: String) -> Result<KindInfo, IpcError> {
    Ok(id.parse::<Kind>()?.into())
}

//! The fuzzer's way into Index Health's answer parsing (feature `fuzzing`).

use reqwest::StatusCode;
use serde_json::Value;

use super::response::decode;
use super::wire::{DocumentRecord, DownloadData, TokenData};

pub(crate) fn answer(status: u16, body: &[u8]) {
    let Ok(status) = StatusCode::from_u16(status) else {
        return;
    };
    let _ = decode::<TokenData>(status, None, body);
    let _ = decode::<DownloadData>(status, None, body);
    let _ = decode::<DocumentRecord>(status, None, body);
    let _ = decode::<Vec<DocumentRecord>>(status, None, body);
    if let Ok(records) = decode::<Vec<DocumentRecord>>(status, None, body) {
        for record in records {
            let _ = record.is_url_based();
        }
    }
    let _ = decode::<Value>(status, None, body);
}

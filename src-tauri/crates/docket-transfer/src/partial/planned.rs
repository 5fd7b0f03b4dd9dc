//! Promoting a document of a folder download to the name its plan decided. The name may hold the earlier copy of
//! a synced document: it is replaced only when it is still exactly what Docket saved (its content hash), checked
//! after an atomic swap so an edit made meanwhile is never lost. Anything else there is a conflict, left alone.

use std::io;
use std::path::{Path, PathBuf};

use docket_core::content_hash::file_matches;
use docket_store::queue::FilePlan;

use super::{blocking, PartialFile};
use crate::destination::{exchange, free_path, rename_without_replacing};
use crate::error::TransferError;
use crate::pause_point;

impl PartialFile {
    pub(super) async fn promote_planned(self, plan: &FilePlan) -> Result<PathBuf, TransferError> {
        pause_point::reached("file-named").await;
        let (partial, target) = (self.path.clone(), self.final_path.clone());
        let plan = plan.clone();
        let promoted = blocking(&self.final_path, move || {
            promote_blocking(&partial, &target, &plan)
        })
        .await?;
        pause_point::reached("renamed").await;
        promoted
    }
}

fn promote_blocking(
    partial: &Path,
    target: &Path,
    plan: &FilePlan,
) -> io::Result<Result<PathBuf, TransferError>> {
    match rename_without_replacing(partial, target) {
        Ok(()) => return Ok(Ok(target.to_owned())),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
        Err(err) => return Err(err),
    }
    let conflict = || {
        Ok(Err(TransferError::Conflict {
            path: target.to_owned(),
        }))
    };
    let Some(expected) = plan.replaces_hash.as_deref() else {
        return conflict();
    };
    // After the swap the partial's name holds what was at the target: judged there, where nobody edits it.
    exchange(partial, target)?;
    let earlier = partial;
    if !file_matches(earlier, expected).unwrap_or(false) {
        exchange(partial, target)?;
        return conflict();
    }
    match &plan.keep_replaced_as {
        Some(name) => {
            let dir = target.parent().unwrap_or(Path::new("."));
            loop {
                match rename_without_replacing(earlier, &free_path(dir, name)) {
                    Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
                    other => break other?,
                }
            }
        }
        None => std::fs::remove_file(earlier)?,
    }
    Ok(Ok(target.to_owned()))
}

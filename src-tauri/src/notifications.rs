//! Desktop notifications for the download queue: one when a batch of downloads finishes (the queue goes idle
//! after at least one transfer completed) and one for each transfer that fails. The decision is a pure fold over
//! the transfer lists the queue publishes; posting goes through tauri-plugin-notification.

use std::collections::HashMap;
use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::folder_downloads::{FolderDownloadState, FolderDownloadView};
use crate::state::ShellState;
use crate::transfers::{TransferState, TransferView};

/// What the person is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The queue has nothing left to do and these documents completed since it last was idle.
    BatchDone { names: Vec<String> },
    Failed {
        name: String,
        message: Option<String>,
    },
    /// A folder download ended.
    FolderDone(FolderDownloadView),
    /// A check found documents new or changed on the server in a synced folder.
    SyncedChanges {
        name: String,
        new: usize,
        changed: usize,
    },
}

impl Notice {
    pub fn title(&self) -> String {
        match self {
            Notice::BatchDone { .. } => "Downloads finished".to_owned(),
            Notice::Failed { .. } => "Download failed".to_owned(),
            Notice::FolderDone(row) if row.state == FolderDownloadState::Failed => {
                "Folder download stopped".to_owned()
            }
            Notice::FolderDone(_) => "Folder downloaded".to_owned(),
            Notice::SyncedChanges { .. } => "New on the server".to_owned(),
        }
    }

    /// The text shown; every name and server message in it goes through [`quoted`].
    pub fn body(&self) -> String {
        match self {
            Notice::BatchDone { names } => match names.as_slice() {
                [one] => format!("{} is downloaded.", quoted(one)),
                _ => format!("{} documents are downloaded.", names.len()),
            },
            Notice::Failed {
                name,
                message: Some(message),
            } => format!("{}: {}", quoted(name), quoted(message)),
            Notice::Failed {
                name,
                message: None,
            } => format!("{} could not be downloaded.", quoted(name)),
            Notice::FolderDone(row) => folder_done(row),
            Notice::SyncedChanges { name, new, changed } => {
                let mut parts = Vec::new();
                if *new > 0 {
                    parts.push(format!("{new} new"));
                }
                if *changed > 0 {
                    parts.push(format!("{changed} changed"));
                }
                format!(
                    "{}: {} since the last sync. Sync now to download them.",
                    quoted(name),
                    parts.join(", ")
                )
            }
        }
    }
}

/// "Finance: 12 new documents, 1 changed; 2 left as they are here." and the like.
fn folder_done(row: &FolderDownloadView) -> String {
    if row.state == FolderDownloadState::Failed {
        let why = row.message.as_deref().unwrap_or("it could not go on");
        return format!(
            "{}: {}. What was saved stays.",
            quoted(&row.name),
            quoted(why)
        );
    }
    let plural = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![plural(row.added, "new document", "new documents")];
    if row.updated > 0 {
        parts.push(plural(row.updated, "changed", "changed"));
    }
    let mut text = format!("{}: {}", quoted(&row.name), parts.join(", "));
    if row.conflicts > 0 {
        text.push_str(&format!(
            "; {} left as {} here",
            plural(row.conflicts, "file", "files"),
            if row.conflicts == 1 {
                "it is"
            } else {
                "they are"
            }
        ));
    }
    if row.failed > 0 {
        text.push_str(&format!("; {} could not be downloaded", row.failed));
    }
    text.push('.');
    text
}

/// Server text as a notification shows it: isolated (FSI … PDI, the plain-text `<bdi>`) so a right-to-left name
/// cannot reorder the sentence around it; control characters as their visible symbols (`␛`, `␡`, or `⟨U+009B⟩`);
/// and bidi controls named (`⟨U+202E⟩`) rather than obeyed, since a notification has no room for the window's
/// warning icon: `invoice⟨U+202E⟩fdp.exe`, never `invoiceexe.pdf`.
fn quoted(text: &str) -> String {
    let mut shown = String::with_capacity(text.len() + 8);
    shown.push('\u{2068}');
    for c in text.chars() {
        let code = u32::from(c);
        match c {
            // The Control Pictures block has a symbol for each C0 character, in order, and one for DEL.
            '\u{0}'..='\u{1f}' => shown.extend(char::from_u32(0x2400 + code)),
            '\u{7f}' => shown.push('\u{2421}'),
            c if c.is_control() || docket_core::filename::is_bidi_control(c) => {
                shown.push_str(&format!("⟨U+{code:04X}⟩"));
            }
            c => shown.push(c),
        }
    }
    shown.push('\u{2069}');
    shown
}

/// Follows successive transfer lists and says when to notify.
#[derive(Debug)]
pub struct BatchWatch {
    /// Unix ms when the app started: transfers that finished before are history, not news.
    since: i64,
    last_state: HashMap<i64, TransferState>,
    completed: Vec<String>,
}

fn is_active(state: TransferState) -> bool {
    matches!(
        state,
        TransferState::Queued
            | TransferState::Preparing
            | TransferState::WaitingForServer
            | TransferState::Downloading
            | TransferState::Verifying
    )
}

impl BatchWatch {
    pub fn new(since: i64) -> Self {
        BatchWatch {
            since,
            last_state: HashMap::new(),
            completed: Vec::new(),
        }
    }

    /// The notices the list `transfers` calls for, given the lists seen before.
    pub fn observe(&mut self, transfers: &[TransferView]) -> Vec<Notice> {
        let mut notices = Vec::new();
        for transfer in transfers {
            let before = self.last_state.insert(transfer.id, transfer.state);
            let entered = |state| transfer.state == state && before != Some(state);
            // A finish time is filled in once the queue re-reads its row; none yet means it just happened.
            let news = transfer.finished_at.is_none_or(|at| at >= self.since);
            if entered(TransferState::Completed) && news {
                self.completed.push(transfer.name.clone());
            }
            if entered(TransferState::Failed) && news {
                notices.push(Notice::Failed {
                    name: transfer.name.clone(),
                    message: transfer.message.clone(),
                });
            }
        }
        let idle = !transfers.iter().any(|t| is_active(t.state));
        if idle && !self.completed.is_empty() {
            notices.push(Notice::BatchDone {
                names: std::mem::take(&mut self.completed),
            });
        }
        notices
    }
}

/// Posts the notices of the queue's lists, when the settings ask for them.
pub struct Notifier<R: Runtime> {
    app: AppHandle<R>,
    watch: Mutex<BatchWatch>,
}

impl<R: Runtime> Notifier<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Notifier {
            app,
            watch: Mutex::new(BatchWatch::new(now)),
        }
    }

    pub fn observe(&self, transfers: &[TransferView]) {
        let notices = self
            .watch
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .observe(transfers);
        if notices.is_empty() {
            return;
        }
        let wanted = self
            .app
            .try_state::<ShellState>()
            .is_some_and(|state| state.settings().notify_when_done);
        if !wanted {
            return;
        }
        for notice in notices {
            show(&self.app, &notice);
        }
    }
}

/// Posts `notice` when the settings ask for notifications.
pub fn post<R: Runtime>(app: &AppHandle<R>, notice: &Notice) {
    let wanted = app
        .try_state::<ShellState>()
        .is_some_and(|state| state.settings().notify_when_done);
    if wanted {
        show(app, notice);
    }
}

fn show<R: Runtime>(app: &AppHandle<R>, notice: &Notice) {
    let shown = app
        .notification()
        .builder()
        .title(notice.title())
        .body(notice.body())
        .show();
    // No notification service (a headless session, a desktop without one) is normal: the panel says the same.
    if let Err(err) = shown {
        tracing::debug!("could not post a desktop notification: {err}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: i64 = 1_000_000;

    fn transfer(id: i64, name: &str, state: TransferState) -> TransferView {
        TransferView {
            id,
            remote: "demo".into(),
            doc_id: format!("doc-{id}"),
            name: name.into(),
            version: None,
            state,
            bytes_done: 0,
            bytes_total: None,
            speed: 0,
            eta_seconds: None,
            message: None,
            path: None,
            position: id,
            refreshes: 0,
            finished_at: None,
        }
    }

    fn finished(mut view: TransferView, at: i64) -> TransferView {
        view.finished_at = Some(at);
        view
    }

    use TransferState::*;

    #[test]
    fn a_batch_is_announced_once_when_its_last_download_completes() {
        let mut watch = BatchWatch::new(START);
        let a = |s| transfer(1, "a.pdf", s);
        let b = |s| transfer(2, "b.csv", s);
        assert!(watch.observe(&[a(Queued), b(Queued)]).is_empty());
        assert!(watch.observe(&[a(Downloading), b(Queued)]).is_empty());
        assert!(watch.observe(&[a(Completed), b(Downloading)]).is_empty());
        assert_eq!(
            watch.observe(&[finished(a(Completed), START + 5), b(Completed)]),
            [Notice::BatchDone {
                names: vec!["a.pdf".into(), "b.csv".into()]
            }]
        );
        // The same finished list published again is no news.
        assert!(watch
            .observe(&[
                finished(a(Completed), START + 5),
                finished(b(Completed), START + 6)
            ])
            .is_empty());
    }

    #[test]
    fn downloads_that_finished_before_the_app_started_are_not_announced() {
        let mut watch = BatchWatch::new(START);
        let old = finished(transfer(1, "old.pdf", Completed), START - 60_000);
        let broken = finished(transfer(2, "broken.pdf", Failed), START - 60_000);
        assert!(watch.observe(&[old, broken]).is_empty());
    }

    #[test]
    fn a_batch_that_starts_and_finishes_between_two_lists_is_still_announced() {
        let mut watch = BatchWatch::new(START);
        assert!(watch.observe(&[]).is_empty());
        let quick = finished(transfer(7, "README.txt", Completed), START + 10);
        assert_eq!(
            watch.observe(&[quick]),
            [Notice::BatchDone {
                names: vec!["README.txt".into()]
            }]
        );
    }

    #[test]
    fn a_failure_is_announced_at_once_and_does_not_count_as_a_completion() {
        let mut watch = BatchWatch::new(START);
        let mut failed = transfer(3, "minutes.pdf", Failed);
        failed.message = Some("The server could not prepare the file.".into());
        let notices = watch.observe(&[failed.clone(), transfer(4, "big.bin", Downloading)]);
        assert_eq!(
            notices,
            [Notice::Failed {
                name: "minutes.pdf".into(),
                message: Some("The server could not prepare the file.".into())
            }]
        );
        assert_eq!(
            notices[0].body(),
            "\u{2068}minutes.pdf\u{2069}: \u{2068}The server could not prepare the file.\u{2069}"
        );
        // Nothing completed: the queue going idle is not a finished batch.
        assert!(watch
            .observe(&[failed, transfer(4, "big.bin", Cancelled)])
            .is_empty());
    }

    #[test]
    fn a_retried_transfer_that_fails_again_is_announced_again() {
        let mut watch = BatchWatch::new(START);
        let t = |s| transfer(5, "flaky.xml", s);
        assert_eq!(watch.observe(&[t(Failed)]).len(), 1);
        assert!(watch.observe(&[t(Queued)]).is_empty());
        assert_eq!(watch.observe(&[t(Failed)]).len(), 1);
    }

    #[test]
    fn a_paused_transfer_does_not_hold_back_the_batch_that_completed_around_it() {
        let mut watch = BatchWatch::new(START);
        assert!(watch
            .observe(&[transfer(1, "a", Downloading), transfer(2, "b", Downloading)])
            .is_empty());
        let notices = watch.observe(&[transfer(1, "a", Completed), transfer(2, "b", Paused)]);
        assert_eq!(notices[0].body(), "\u{2068}a\u{2069} is downloaded.");
    }

    #[test]
    fn a_name_that_reverses_itself_is_shown_with_its_controls_named_and_isolated() {
        let notice = Notice::BatchDone {
            names: vec!["invoice\u{202E}fdp.exe".into()],
        };
        assert_eq!(
            notice.body(),
            "\u{2068}invoice⟨U+202E⟩fdp.exe\u{2069} is downloaded."
        );
    }

    #[test]
    fn escape_sequences_in_a_failure_are_shown_as_symbols() {
        let notice = Notice::Failed {
            name: "report\u{7f}.pdf".into(),
            message: Some("\u{1b}]0;PWNED\u{7}\u{9b}31m".into()),
        };
        assert_eq!(
            notice.body(),
            "\u{2068}report␡.pdf\u{2069}: \u{2068}␛]0;PWNED␇⟨U+009B⟩31m\u{2069}"
        );
    }

    #[test]
    fn a_batch_of_several_names_its_size() {
        let notice = Notice::BatchDone {
            names: vec!["a".into(), "b".into(), "c".into()],
        };
        assert_eq!(notice.title(), "Downloads finished");
        assert_eq!(notice.body(), "3 documents are downloaded.");
    }
}

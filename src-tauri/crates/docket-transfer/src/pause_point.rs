//! Named instants in a transfer's life where a test can stop the process for good and kill it, to prove that a
//! kill at that instant loses nothing and leaves nothing behind. Inert unless `DOCKET_TEST_PAUSE_AT` is set,
//! which only tests do.

use std::sync::OnceLock;

/// Every pause point, in the order a transfer passes them.
pub const POINTS: &[&str] = &[
    // Claimed from the queue, nothing asked of the server yet.
    "claimed",
    // The partial file's name is recorded; the file does not exist yet.
    "partial-reserved",
    // The partial file exists, empty.
    "partial-created",
    // A small file is written whole into its partial and synced; not yet recorded (small files only).
    "small-file-written",
    // Every byte is on disk and checked; the file still has its partial name.
    "verified",
    // The final name is recorded; the file is not renamed yet.
    "file-named",
    // Renamed into place; not yet recorded as completed.
    "renamed",
];

/// The point to stop at, and the file to create when there.
struct Wanted {
    point: String,
    mark: Option<String>,
}

fn wanted() -> Option<&'static Wanted> {
    static WANTED: OnceLock<Option<Wanted>> = OnceLock::new();
    WANTED
        .get_or_init(|| {
            let point = std::env::var("DOCKET_TEST_PAUSE_AT").ok()?;
            Some(Wanted {
                point,
                mark: std::env::var("DOCKET_TEST_PAUSE_MARK").ok(),
            })
        })
        .as_ref()
}

/// Stops here for good when `DOCKET_TEST_PAUSE_AT` names `point`, after creating the file
/// `DOCKET_TEST_PAUSE_MARK` names (so the test knows the process got here); returns at once otherwise.
pub(crate) async fn reached(point: &str) {
    debug_assert!(POINTS.contains(&point), "{point} is not in POINTS");
    let Some(wanted) = wanted() else { return };
    if wanted.point != point {
        return;
    }
    tracing::warn!(point, "stopped at a test pause point until killed");
    if let Some(mark) = &wanted.mark {
        if let Err(err) = std::fs::write(mark, point) {
            tracing::warn!("could not create the pause mark {mark}: {err}");
        }
    }
    std::future::pending::<()>().await;
}

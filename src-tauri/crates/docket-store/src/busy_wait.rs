//! How a connection waits for another's write lock. SQLite's own handler (`busy_timeout`) sleeps 1, 2, 5, 10, …
//! up to 100 ms between tries: with the queue's many short writes from several connections (eight small
//! documents finishing at once, the run loop claiming the next, written marks), a sync of 2,000 small documents
//! spent about seven such sleeps per document, most of its time. This handler tries again after 50 µs, doubling
//! up to 1 ms, and gives up after about the same 10 s as before.

use std::os::raw::{c_int, c_void};
use std::time::Duration;

use libsqlite3_sys::{sqlite3_busy_handler, SQLITE_OK};
use sqlx::sqlite::SqlitePoolOptions;

/// Tries before the statement fails as busy: five short pauses (1.55 ms), then 1 ms each, about 10 s in all.
const MAX_TRIES: u32 = 10_005;

/// The pause before try number `tries + 1`.
fn pause(tries: u32) -> Duration {
    Duration::from_micros((50u64 << tries.min(5)).min(1000))
}

/// Called by SQLite on the connection's own worker thread, which has nothing else to do while it waits.
unsafe extern "C" fn retry_soon(_: *mut c_void, tries: c_int) -> c_int {
    let tries = u32::try_from(tries).unwrap_or(0);
    if tries >= MAX_TRIES {
        return 0;
    }
    std::thread::sleep(pause(tries));
    1
}

/// Every connection of the pool waits for the write lock with [`retry_soon`].
pub(crate) fn retry_soon_when_busy(options: SqlitePoolOptions) -> SqlitePoolOptions {
    options.after_connect(|connection, _| {
        Box::pin(async move {
            let mut handle = connection.lock_handle().await?;
            let raw = handle.as_raw_handle();
            // SAFETY: the handle is this open connection's, held locked for the call; the handler keeps no state.
            let code = unsafe {
                sqlite3_busy_handler(raw.as_ptr(), Some(retry_soon), std::ptr::null_mut())
            };
            if code == SQLITE_OK {
                Ok(())
            } else {
                Err(sqlx::Error::Protocol(format!(
                    "SQLite refused the busy handler (code {code})"
                )))
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_start_short_and_never_exceed_a_millisecond() {
        assert_eq!(pause(0), Duration::from_micros(50));
        assert_eq!(pause(3), Duration::from_micros(400));
        assert_eq!(pause(5), Duration::from_millis(1));
        assert_eq!(pause(5000), Duration::from_millis(1));
        let total: Duration = (0..MAX_TRIES).map(pause).sum();
        assert!(
            total >= Duration::from_secs(9) && total <= Duration::from_secs(11),
            "{total:?}"
        );
    }
}

//! Write-behind: the kernel is asked to start writing a stream's bytes out as soon as a window of them has been
//! handed over (`sync_file_range(SYNC_FILE_RANGE_WRITE)`, which starts the writeback and does not wait for it), so
//! the dirty pages never pile up and the fsyncs at checkpoints and at the end find little left to write. Where the
//! call does not exist the fsyncs do all the work, as before.

use std::fs::File;
use std::ops::Range;

/// Bytes handed to the OS before their writeback is started: large enough for the disk to get long writes.
pub(crate) const WINDOW: u64 = 8 * 1024 * 1024;

/// Starts the writeback of `range` of `file`; blocking only as long as the disk's queue is full. A failure is
/// no failure of the download (the fsync that follows reports real trouble), so it is ignored.
#[cfg(target_os = "linux")]
pub(crate) fn start_writeback(file: &File, range: Range<u64>) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (
        libc::off64_t::try_from(range.start),
        libc::off64_t::try_from(range.end.saturating_sub(range.start)),
    ) else {
        return;
    };
    if len == 0 {
        return;
    }
    // SAFETY: the fd stays open for the call; the kernel only reads the arguments.
    let _ = unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE)
    };
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn start_writeback(_file: &File, _range: Range<u64>) {}

/// Where a writer stands in handing windows to [`start_writeback`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WriteBehind {
    /// The end of the bytes whose writeback was started.
    started: u64,
}

impl WriteBehind {
    pub fn from(offset: u64) -> Self {
        WriteBehind { started: offset }
    }

    /// The range whose writeback is due once the bytes up to `written` are with the OS: whole windows only,
    /// except at `last`.
    pub fn due(&mut self, written: u64, last: bool) -> Option<Range<u64>> {
        if written <= self.started || (!last && written - self.started < WINDOW) {
            return None;
        }
        let range = self.started..written;
        self.started = written;
        Some(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writeback_starts_a_window_at_a_time_and_for_the_rest_at_the_end() {
        let mut behind = WriteBehind::from(100);
        assert_eq!(behind.due(100 + WINDOW - 1, false), None);
        assert_eq!(behind.due(100 + WINDOW, false), Some(100..100 + WINDOW));
        assert_eq!(behind.due(100 + WINDOW + 10, false), None);
        assert_eq!(
            behind.due(100 + WINDOW + 10, true),
            Some(100 + WINDOW..100 + WINDOW + 10)
        );
        assert_eq!(behind.due(100 + WINDOW + 10, true), None);
    }

    #[test]
    fn starting_writeback_of_a_written_file_leaves_its_bytes_as_they_are() {
        use std::io::Write;
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&[7u8; 4096]).unwrap();
        start_writeback(&file, 0..4096);
        start_writeback(&file, 4096..4096);
        file.sync_data().unwrap();
        assert_eq!(file.metadata().unwrap().len(), 4096);
    }
}

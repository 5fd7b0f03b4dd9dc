//! The ranges of a partial file its streams have handed to the OS so far, shared with the checkpoints (which
//! record them) and the block follower (which hashes the blocks written whole).

use std::ops::Range;
use std::sync::Mutex;

use docket_store::queue::merged;

#[derive(Debug, Default)]
pub struct WrittenRanges {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    ranges: Vec<Range<u64>>,
    /// Bumped whenever the file is started over, so a checkpoint taken before does not record stale ranges.
    generation: u64,
}

impl WrittenRanges {
    /// Starts from the ranges already on disk (a resumed transfer's).
    pub fn new(on_disk: &[Range<u64>]) -> Self {
        WrittenRanges {
            inner: Mutex::new(Inner {
                ranges: merged(on_disk.iter().cloned()),
                generation: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `range` was handed to the OS (its `write` returned).
    pub fn add(&self, range: Range<u64>) {
        if range.is_empty() {
            return;
        }
        let mut inner = self.lock();
        // Streams extend their own range: joining with a neighbour is the common case and keeps the list short.
        if let Some(last) = inner.ranges.iter_mut().find(|r| r.end == range.start) {
            last.end = range.end;
        } else {
            inner.ranges.push(range);
        }
        let ranges = std::mem::take(&mut inner.ranges);
        inner.ranges = merged(ranges);
    }

    /// Every range written so far (sorted, joined) and the generation they belong to.
    pub fn snapshot(&self) -> (Vec<Range<u64>>, u64) {
        let inner = self.lock();
        (inner.ranges.clone(), inner.generation)
    }

    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Bytes written so far.
    pub fn total(&self) -> u64 {
        self.lock().ranges.iter().map(|r| r.end - r.start).sum()
    }

    /// The file is started over: nothing of it counts any more.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.ranges.clear();
        inner.generation += 1;
    }
}

#[cfg(test)]
// A list of one range is what `new` takes, not a mistaken range-to-vec.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    #[test]
    fn written_ranges_join_where_they_touch() {
        let written = WrittenRanges::new(&[10..20]);
        written.add(0..5);
        written.add(30..40);
        assert_eq!(written.snapshot().0, [0..5, 10..20, 30..40]);
        written.add(5..10);
        assert_eq!(written.snapshot().0, [0..20, 30..40]);
        assert_eq!(written.total(), 30);
        written.clear();
        assert_eq!(written.snapshot(), (vec![], 1));
    }
}

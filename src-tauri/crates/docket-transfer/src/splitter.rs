//! The segments of a ranged download, shared by its streams like a work-stealing queue: a free stream takes an
//! unowned gap, else splits the largest remaining segment in two, so no segment is left to crawl alone at 99%.
//! A stream asks for its segment a window at a time and a split never cuts a window already asked for, so no
//! byte the server is sending is ever thrown away by a split.

use std::ops::Range;
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    /// The next byte not yet reserved by the owning stream.
    next: u64,
    end: u64,
    owned: bool,
    /// The end of the window the owning stream has asked the server for (`next` when none is open).
    asked: u64,
}

pub struct SegmentBoard {
    segments: Mutex<Vec<Segment>>,
    min_segment: u64,
}

impl SegmentBoard {
    /// One unowned segment per missing range.
    pub fn new(missing: &[Range<u64>], min_segment: u64) -> Self {
        SegmentBoard {
            segments: Mutex::new(
                missing
                    .iter()
                    .filter(|r| !r.is_empty())
                    .map(|r| Segment {
                        next: r.start,
                        end: r.end,
                        owned: false,
                        asked: r.start,
                    })
                    .collect(),
            ),
            min_segment: min_segment.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Segment>> {
        self.segments.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One segment per missing range, the larger ones cut so that about `streams` segments of at least
    /// `min_segment` bytes exist from the start (stealing then only evens out the end).
    pub fn planned(missing: &[Range<u64>], streams: usize, min_segment: u64) -> Self {
        let min_segment = min_segment.max(1);
        let total: u64 = missing.iter().map(|r| r.end - r.start).sum();
        let piece = (total / streams.max(1) as u64).max(min_segment);
        let mut cut = Vec::new();
        for gap in missing {
            let mut at = gap.start;
            while at < gap.end {
                let end = if gap.end - at < piece + min_segment {
                    gap.end
                } else {
                    at + piece
                };
                cut.push(at..end);
                at = end;
            }
        }
        SegmentBoard::new(&cut, min_segment)
    }

    /// Adds a segment already owned by the caller (the stream of the first request), whose first window up to
    /// `asked` is already asked for.
    pub fn add_owned(&self, span: Range<u64>, asked: u64) -> usize {
        let mut segments = self.lock();
        segments.push(Segment {
            next: span.start,
            end: span.end,
            owned: true,
            asked: asked.clamp(span.start, span.end),
        });
        segments.len() - 1
    }

    /// An unowned gap, else the upper half of the largest segment being worked on (never below the window its
    /// stream has asked for); `None` when nothing is left that is worth another stream.
    pub fn take(&self) -> Option<usize> {
        let mut segments = self.lock();
        if let Some(index) = segments.iter().position(|s| !s.owned && s.next < s.end) {
            segments[index].owned = true;
            return Some(index);
        }
        let (index, split) = segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.end.saturating_sub(s.next) >= 2 * self.min_segment)
            .map(|(i, s)| (i, (s.next + (s.end - s.next) / 2).max(s.asked)))
            .filter(|&(i, split)| segments[i].end.saturating_sub(split) >= self.min_segment)
            .max_by_key(|&(i, split)| segments[i].end - split)?;
        let upper = Segment {
            next: split,
            end: segments[index].end,
            owned: true,
            asked: split,
        };
        segments[index].end = split;
        segments.push(upper);
        Some(segments.len() - 1)
    }

    /// Asks for the next window of the segment, at most `window` bytes: answers the range to request (empty when
    /// the segment is done).
    pub fn ask(&self, index: usize, window: u64) -> Range<u64> {
        let mut segments = self.lock();
        let Some(segment) = segments.get_mut(index) else {
            return 0..0;
        };
        segment.asked = segment.end.min(segment.next.saturating_add(window.max(1)));
        segment.next..segment.asked
    }

    /// Bytes of the window asked for that have not arrived yet.
    pub fn window_left(&self, index: usize) -> u64 {
        let segments = self.lock();
        segments
            .get(index)
            .map_or(0, |s| s.asked.min(s.end).saturating_sub(s.next))
    }

    /// Where the owning stream continues and where it must stop (the end can only move down, by a split).
    pub fn span(&self, index: usize) -> Range<u64> {
        let segments = self.lock();
        segments.get(index).map_or(0..0, |s| s.next..s.end)
    }

    /// Reserves up to `len` bytes at the segment's next offset for writing; answers how many may be written.
    pub fn reserve(&self, index: usize, len: u64) -> u64 {
        let mut segments = self.lock();
        let Some(segment) = segments.get_mut(index) else {
            return 0;
        };
        let allowed = len.min(segment.end.saturating_sub(segment.next));
        segment.next += allowed;
        allowed
    }

    /// After a failed stream: continue from `offset` (what was written), not from what was reserved; no window
    /// is open any more.
    pub fn rewind(&self, index: usize, offset: u64) {
        let mut segments = self.lock();
        if let Some(segment) = segments.get_mut(index) {
            segment.next = offset.min(segment.end);
            segment.asked = segment.next;
        }
    }
}

#[cfg(test)]
// A list of one range is what these functions take, not a mistaken range-to-vec.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    #[test]
    fn free_streams_take_gaps_first_then_split_the_largest_remainder() {
        let board = SegmentBoard::new(&[0..100, 200..240], 10);
        assert_eq!(board.take(), Some(0));
        assert_eq!(board.take(), Some(1));
        let third = board.take().unwrap();
        assert_eq!(board.span(0), 0..50);
        assert_eq!(board.span(third), 50..100);
    }

    #[test]
    fn reserved_bytes_are_never_given_away_by_a_split() {
        let board = SegmentBoard::new(&[0..100], 10);
        let first = board.take().unwrap();
        assert_eq!(board.reserve(first, 60), 60);
        let second = board.take().unwrap();
        assert_eq!(board.span(first), 60..80);
        assert_eq!(board.span(second), 80..100);
        assert_eq!(board.reserve(first, 30), 20);
    }

    #[test]
    fn a_remainder_under_twice_the_minimum_is_left_to_its_stream() {
        let board = SegmentBoard::new(&[0..30], 10);
        let first = board.take().unwrap();
        board.reserve(first, 15);
        assert_eq!(board.take(), None);
    }

    #[test]
    fn a_plan_cuts_the_missing_bytes_into_about_one_segment_per_stream() {
        let board = SegmentBoard::planned(&[0..1000, 2000..2100], 4, 100);
        let spans: Vec<_> = (0..5)
            .map_while(|_| board.take())
            .map(|i| board.span(i))
            .collect();
        // 1,100 missing bytes over 4 streams: pieces of 275, a gap's tail shorter than a piece plus the minimum
        // stays whole, and each missing range keeps its own segments.
        assert_eq!(spans, [0..275, 275..550, 550..825, 825..1000, 2000..2100]);
    }

    #[test]
    fn a_split_never_cuts_the_window_a_stream_has_asked_for() {
        let board = SegmentBoard::new(&[0..100], 10);
        let first = board.take().unwrap();
        assert_eq!(board.ask(first, 70), 0..70);
        board.reserve(first, 20);
        assert_eq!(board.window_left(first), 50);
        let second = board.take().unwrap();
        // The middle of what is left (60) lies inside the window asked for: the split waits for its end.
        assert_eq!(board.span(first), 20..70);
        assert_eq!(board.span(second), 70..100);
        assert_eq!(board.ask(first, 1000), 20..70);
        // What is left lies inside windows already asked for, or too little beyond them: nothing more to split.
        board.ask(second, 25);
        assert_eq!(board.take(), None);
    }

    #[test]
    fn a_failed_stream_rewinds_to_what_is_durable() {
        let board = SegmentBoard::new(&[0..100], 10);
        let first = board.take().unwrap();
        board.reserve(first, 70);
        board.rewind(first, 40);
        assert_eq!(board.span(first), 40..100);
    }
}

/// The parts of `0..total` not covered by `committed` (sorted, non-overlapping or not).
pub fn missing(committed: &[Range<u64>], total: u64) -> Vec<Range<u64>> {
    let mut sorted: Vec<Range<u64>> = committed.to_vec();
    sorted.sort_by_key(|r| r.start);
    let mut gaps = Vec::new();
    let mut at = 0u64;
    for range in sorted {
        if range.start > at {
            gaps.push(at..range.start.min(total));
        }
        at = at.max(range.end);
    }
    if at < total {
        gaps.push(at..total);
    }
    gaps.retain(|g| !g.is_empty());
    gaps
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod missing_tests {
    use super::missing;

    #[test]
    fn the_gaps_between_committed_ranges_are_what_is_missing() {
        assert_eq!(missing(&[], 10), [0..10]);
        assert_eq!(missing(&[0..4, 6..8], 10), [4..6, 8..10]);
        assert_eq!(missing(&[2..10], 10), [0..2]);
        assert!(missing(&[0..10], 10).is_empty());
    }
}

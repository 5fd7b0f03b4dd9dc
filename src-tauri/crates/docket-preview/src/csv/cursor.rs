//! Code units of a source read through one fixed-size window, so memory stays the same for any file size.

use crate::encoding::TextEncoding;
use crate::error::PreviewError;
use crate::source::OpenedSource;

const WINDOW_BYTES: usize = 64 * 1024;

pub(crate) struct UnitCursor<'s> {
    source: &'s mut OpenedSource,
    width: usize,
    big_endian: bool,
    window: Vec<u8>,
    window_start: u64,
    window_len: usize,
    position: u64,
}

impl<'s> UnitCursor<'s> {
    pub(crate) fn new(source: &'s mut OpenedSource, encoding: TextEncoding, position: u64) -> Self {
        UnitCursor {
            source,
            width: encoding.unit_width(),
            big_endian: encoding == TextEncoding::Utf16Be,
            window: vec![0; WINDOW_BYTES],
            window_start: position,
            window_len: 0,
            position,
        }
    }

    /// Byte offset of the next unit.
    pub(crate) fn position(&self) -> u64 {
        self.position
    }

    pub(crate) fn unit_width(&self) -> usize {
        self.width
    }

    /// The next unit and its raw bytes, without moving.
    pub(crate) fn peek(&mut self) -> Result<Option<(u16, [u8; 2])>, PreviewError> {
        if !self.covers(self.position) {
            self.refill()?;
            if !self.covers(self.position) {
                return Ok(None);
            }
        }
        let at = (self.position - self.window_start) as usize;
        let bytes = [
            self.window[at],
            if self.width == 2 {
                self.window[at + 1]
            } else {
                0
            },
        ];
        let unit = match (self.width, self.big_endian) {
            (1, _) => u16::from(bytes[0]),
            (_, true) => u16::from_be_bytes(bytes),
            (_, false) => u16::from_le_bytes(bytes),
        };
        Ok(Some((unit, bytes)))
    }

    pub(crate) fn next(&mut self) -> Result<Option<(u16, [u8; 2])>, PreviewError> {
        let unit = self.peek()?;
        if unit.is_some() {
            self.position += self.width as u64;
        }
        Ok(unit)
    }

    fn covers(&self, position: u64) -> bool {
        position >= self.window_start
            && position + self.width as u64 <= self.window_start + self.window_len as u64
    }

    fn refill(&mut self) -> Result<(), PreviewError> {
        self.window_start = self.position;
        self.window_len = self.source.read_at(self.position, &mut self.window)?;
        Ok(())
    }
}

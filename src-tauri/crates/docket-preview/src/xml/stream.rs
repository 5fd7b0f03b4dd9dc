//! The byte pipeline under the XML parser: any encoding transcoded to UTF-8, and a budget per event so that
//! one endless tag or text run cannot grow the parser's buffer without bound.

use std::io::{BufRead, Read};

use encoding_rs::{CoderResult, Decoder, Encoding};

/// Reads `inner` in `encoding` and yields UTF-8 (a BOM of that encoding is dropped; malformed bytes become
/// U+FFFD, so the parser only ever sees valid UTF-8).
pub(crate) struct Utf8Transcoder<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    input_start: usize,
    input_end: usize,
    output: Vec<u8>,
    output_start: usize,
    output_end: usize,
    finished: bool,
}

impl<R: Read> Utf8Transcoder<R> {
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Self {
        Utf8Transcoder {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            input: vec![0; 32 * 1024],
            input_start: 0,
            input_end: 0,
            output: vec![0; 64 * 1024],
            output_start: 0,
            output_end: 0,
            finished: false,
        }
    }

    fn produce(&mut self) -> std::io::Result<()> {
        while self.output_start == self.output_end && !self.finished {
            if self.input_start == self.input_end {
                self.input_start = 0;
                self.input_end = loop {
                    match self.inner.read(&mut self.input) {
                        Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                        other => break other?,
                    }
                };
            }
            let last = self.input_end == 0;
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.input_start..self.input_end],
                &mut self.output,
                last,
            );
            self.input_start += read;
            self.output_start = 0;
            self.output_end = written;
            if last && result == CoderResult::InputEmpty {
                self.finished = true;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf8Transcoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.produce()?;
        let n = buf.len().min(self.output_end - self.output_start);
        buf[..n].copy_from_slice(&self.output[self.output_start..self.output_start + n]);
        self.output_start += n;
        Ok(n)
    }
}

/// Marks the I/O error raised when one event exceeds its byte budget.
#[derive(Debug)]
pub(crate) struct EventTooLarge;

impl std::fmt::Display for EventTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("one XML event is larger than the preview allows")
    }
}

impl std::error::Error for EventTooLarge {}

/// A `BufRead` that refuses to hand out more than `budget` bytes until `reset` is called (after each event).
pub(crate) struct EventBudget<R> {
    inner: R,
    budget: u64,
    spent: u64,
}

impl<R: BufRead> EventBudget<R> {
    pub(crate) fn new(inner: R, budget: u64) -> Self {
        EventBudget {
            inner,
            budget,
            spent: 0,
        }
    }

    pub(crate) fn reset(&mut self) {
        self.spent = 0;
    }
}

impl<R: BufRead> Read for EventBudget<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for EventBudget<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let left = self.budget.saturating_sub(self.spent);
        if left == 0 {
            return Err(std::io::Error::other(EventTooLarge));
        }
        let available = self.inner.fill_buf()?;
        let n = available
            .len()
            .min(usize::try_from(left).unwrap_or(usize::MAX));
        Ok(&available[..n])
    }

    fn consume(&mut self, amount: usize) {
        self.spent += amount as u64;
        self.inner.consume(amount);
    }
}

/// Line and column (1-based, column in characters) of a byte offset in the UTF-8 stream, by reading it again.
pub(crate) fn line_and_column<R: Read>(mut utf8: R, offset: u64) -> (u64, u64) {
    let mut line = 1;
    let mut line_start_chars = 0u64;
    let mut chars = 0u64;
    let mut seen = 0u64;
    let mut buf = vec![0; 64 * 1024];
    while seen < offset {
        let n = match utf8.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let take = n.min(usize::try_from(offset - seen).unwrap_or(usize::MAX));
        for &byte in &buf[..take] {
            // Count characters by their first byte.
            if byte & 0xC0 != 0x80 {
                chars += 1;
            }
            if byte == b'\n' {
                line += 1;
                line_start_chars = chars;
            }
        }
        seen += take as u64;
    }
    (line, chars - line_start_chars + 1)
}

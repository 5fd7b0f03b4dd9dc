//! The size, content hash and CRC32 of a file's bytes taken in order, and the positioned reads and writes the
//! transfer shapes share.

use std::fs::File;
use std::io;

use bytes::Bytes;
use docket_core::content_hash::ContentHasher;

use crate::partial::Digests;

/// The digests of a file's first `hashed` bytes.
#[derive(Clone, Default)]
pub struct FileDigest {
    content: ContentHasher,
    crc: crc32fast::Hasher,
    hashed: u64,
}

impl FileDigest {
    /// Bytes digested so far, from offset 0.
    pub fn hashed(&self) -> u64 {
        self.hashed
    }

    /// Reads `file` from where the digest stands up to `end` (or to its end with `None`); blocking.
    pub fn advance(&mut self, file: &File, end: Option<u64>) -> io::Result<()> {
        let mut buffer = vec![0u8; 1 << 20];
        loop {
            let want = match end {
                Some(end) if self.hashed >= end => return Ok(()),
                Some(end) => (end - self.hashed).min(buffer.len() as u64) as usize,
                None => buffer.len(),
            };
            let n = read_at(file, &mut buffer[..want], self.hashed)?;
            if n == 0 {
                return match end {
                    Some(end) => Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("the file ends at {} before {end}", self.hashed),
                    )),
                    None => Ok(()),
                };
            }
            self.update(&buffer[..n]);
        }
    }

    /// Digests the next bytes of the file.
    pub fn update(&mut self, bytes: &[u8]) {
        self.content.update(bytes);
        self.crc.update(bytes);
        self.hashed += bytes.len() as u64;
    }

    /// Size, content hash and CRC32 of everything digested.
    pub fn into_digests(self) -> Digests {
        Digests {
            size: self.hashed,
            content_hash: self.content.finish(),
            crc32: self.crc.finalize(),
        }
    }
}

#[cfg(unix)]
pub(crate) fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    loop {
        match file.read_at(buffer, offset) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(windows)]
pub(crate) fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::windows::fs::FileExt;
    loop {
        match file.seek_read(buffer, offset) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(unix)]
pub(crate) fn write_all_at(file: &File, buffer: &[u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(buffer, offset)
}

/// Writes `pieces` one after the other from `offset`: on Linux in one `pwritev` per up to [`MAX_PIECES`]
/// buffers, so received buffers reach the page cache without being copied together first.
#[cfg(target_os = "linux")]
pub(crate) fn write_all_vectored_at(
    file: &File,
    pieces: &[Bytes],
    mut offset: u64,
) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let mut pieces: Vec<&[u8]> = pieces
        .iter()
        .map(|b| &b[..])
        .filter(|b| !b.is_empty())
        .collect();
    let mut first = 0;
    while first < pieces.len() {
        let batch = &pieces[first..pieces.len().min(first + MAX_PIECES)];
        let vectors: Vec<libc::iovec> = batch
            .iter()
            .map(|piece| libc::iovec {
                iov_base: piece.as_ptr() as *mut libc::c_void,
                iov_len: piece.len(),
            })
            .collect();
        let at = libc::off_t::try_from(offset)
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        // SAFETY: every iovec points into a live, immutable buffer of `pieces` with its exact length, the count
        // is at most MAX_PIECES (below IOV_MAX), and the fd stays open for the call.
        let written = unsafe {
            libc::pwritev(
                file.as_raw_fd(),
                vectors.as_ptr(),
                vectors.len() as libc::c_int,
                at,
            )
        };
        if written < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        offset += written as u64;
        // Skip what was written: whole pieces, then the front of a piece written in part.
        let mut left = written as usize;
        while left > 0 {
            let piece = pieces[first];
            if left >= piece.len() {
                left -= piece.len();
                first += 1;
            } else {
                pieces[first] = &piece[left..];
                left = 0;
            }
        }
    }
    Ok(())
}

/// Buffers one `pwritev` takes at most (Linux's IOV_MAX is 1024).
#[cfg(target_os = "linux")]
const MAX_PIECES: usize = 512;

#[cfg(not(target_os = "linux"))]
pub(crate) fn write_all_vectored_at(
    file: &File,
    pieces: &[Bytes],
    mut offset: u64,
) -> io::Result<()> {
    for piece in pieces {
        write_all_at(file, piece, offset)?;
        offset += piece.len() as u64;
    }
    Ok(())
}

#[cfg(windows)]
pub(crate) fn write_all_at(file: &File, mut buffer: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buffer.is_empty() {
        match file.seek_write(buffer, offset) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                buffer = &buffer[n..];
                offset += n as u64;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(len: u32) -> Vec<u8> {
        (0..len).map(|i| (i.wrapping_mul(7) % 251) as u8).collect()
    }

    #[test]
    fn buffers_written_together_land_one_after_the_other_from_the_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        std::fs::write(&path, b"0123456789").unwrap();
        let data = sample(2_000_000);
        // More pieces than one call takes, of uneven sizes, one of them empty.
        let mut pieces = Vec::new();
        let mut at = 0;
        for size in (0..1500).map(|i| (i * 37) % 2_600) {
            let end = (at + size).min(data.len());
            pieces.push(Bytes::copy_from_slice(&data[at..end]));
            at = end;
        }
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        write_all_vectored_at(&file, &pieces, 4).unwrap();
        let on_disk = std::fs::read(&path).unwrap();
        assert_eq!(&on_disk[..4], b"0123");
        assert_eq!(&on_disk[4..], &data[..at]);
    }

    #[test]
    fn reading_past_the_end_of_the_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("short");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut digest = FileDigest::default();
        let err = digest
            .advance(&File::open(&path).unwrap(), Some(20))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}

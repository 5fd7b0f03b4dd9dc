//! Where preview bytes come from: a local file read through small windows, or the first bytes of a remote document.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

use serde::Serialize;

use crate::error::PreviewError;

/// What to preview. The fetching of a remote prefix (a ranged or partial request) is the transfer side's job.
#[derive(Debug, Clone)]
pub enum PreviewSource {
    /// A downloaded document on disk; only the parts a view needs are read.
    File(PathBuf),
    /// The first bytes of a remote document (by default [`crate::DEFAULT_PREFIX_BYTES`]), and the whole
    /// document's size when the server told it.
    Prefix {
        bytes: Vec<u8>,
        total_size: Option<u64>,
    },
}

/// How much of the document the preview could see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Bytes available to the previewer.
    pub available_bytes: u64,
    /// The document's full size, when known.
    pub total_bytes: Option<u64>,
    /// True when only a prefix of the document is available, so the end of the preview is not the end of it.
    pub partial: bool,
}

/// An opened source that reads at any offset without holding more than the caller's buffer.
#[derive(Debug)]
pub(crate) enum OpenedSource {
    File {
        file: File,
        path: PathBuf,
        len: u64,
    },
    Prefix {
        bytes: Vec<u8>,
        total_size: Option<u64>,
    },
}

impl OpenedSource {
    pub(crate) fn open(source: PreviewSource) -> Result<Self, PreviewError> {
        match source {
            PreviewSource::File(path) => {
                let unreadable = |source| PreviewError::Unreadable {
                    path: path.clone(),
                    source,
                };
                let file = File::open(&path).map_err(unreadable)?;
                let len = file.metadata().map_err(unreadable)?.len();
                Ok(OpenedSource::File { file, path, len })
            }
            PreviewSource::Prefix { bytes, total_size } => {
                Ok(OpenedSource::Prefix { bytes, total_size })
            }
        }
    }

    /// Bytes the previewer can read.
    pub(crate) fn len(&self) -> u64 {
        match self {
            OpenedSource::File { len, .. } => *len,
            OpenedSource::Prefix { bytes, .. } => bytes.len() as u64,
        }
    }

    pub(crate) fn coverage(&self) -> Coverage {
        match self {
            OpenedSource::File { len, .. } => Coverage {
                available_bytes: *len,
                total_bytes: Some(*len),
                partial: false,
            },
            OpenedSource::Prefix { bytes, total_size } => {
                let available = bytes.len() as u64;
                Coverage {
                    available_bytes: available,
                    total_bytes: *total_size,
                    // Without a size, a prefix that filled its budget is assumed cut.
                    partial: match total_size {
                        Some(total) => *total > available,
                        None => bytes.len() >= crate::DEFAULT_PREFIX_BYTES,
                    },
                }
            }
        }
    }

    /// Reads up to `buf.len()` bytes at `offset`; 0 means the end.
    pub(crate) fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, PreviewError> {
        match self {
            OpenedSource::File { file, .. } => {
                let read_error = |source| PreviewError::Read { offset, source };
                file.seek(SeekFrom::Start(offset)).map_err(read_error)?;
                let mut filled = 0;
                while filled < buf.len() {
                    match file.read(&mut buf[filled..]) {
                        Ok(0) => break,
                        Ok(n) => filled += n,
                        Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(err) => return Err(read_error(err)),
                    }
                }
                Ok(filled)
            }
            OpenedSource::Prefix { bytes, .. } => {
                let start = usize::try_from(offset)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                let n = buf.len().min(bytes.len() - start);
                buf[..n].copy_from_slice(&bytes[start..start + n]);
                Ok(n)
            }
        }
    }

    /// The first `limit` bytes (fewer when the source is shorter).
    pub(crate) fn head(&mut self, limit: usize) -> Result<Vec<u8>, PreviewError> {
        let len = usize::try_from(self.len()).unwrap_or(usize::MAX).min(limit);
        let mut head = vec![0; len];
        let n = self.read_at(0, &mut head)?;
        head.truncate(n);
        Ok(head)
    }

    /// A sequential reader from the start, for the streaming previewers.
    pub(crate) fn reader(&mut self) -> Result<SourceReader<'_>, PreviewError> {
        match self {
            OpenedSource::File { file, path, .. } => {
                file.seek(SeekFrom::Start(0))
                    .map_err(|source| PreviewError::Unreadable {
                        path: path.clone(),
                        source,
                    })?;
                Ok(SourceReader::File(file))
            }
            OpenedSource::Prefix { bytes, .. } => Ok(SourceReader::Bytes(bytes.as_slice())),
        }
    }
}

/// Sequential bytes of an opened source.
pub(crate) enum SourceReader<'a> {
    File(&'a mut File),
    Bytes(&'a [u8]),
}

impl Read for SourceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            SourceReader::File(file) => file.read(buf),
            SourceReader::Bytes(bytes) => bytes.read(buf),
        }
    }
}

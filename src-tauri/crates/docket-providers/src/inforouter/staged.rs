//! A document staged by `GetDownloadHandler`: its chunks are read by offset, each checked against its own CRC32,
//! and the handler is deleted on release.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine;
use docket_core::{sanitize_file_name, Chunk, ChunkSource, ProviderError, StagedFile};

use super::answer::Method;
use super::session::Session;
use super::xml::Element;

pub(super) struct StagedDownload {
    session: Arc<Session>,
    staged: StagedFile,
    released: AtomicBool,
}

impl StagedDownload {
    pub fn new(session: Arc<Session>, staged: StagedFile) -> Self {
        StagedDownload {
            session,
            staged,
            released: AtomicBool::new(false),
        }
    }
}

/// The largest document Docket stages: far beyond any document a data room holds, far below what a hostile
/// `Size` could claim. A larger one is refused before anything is planned or allocated for it.
pub const MAX_DOCUMENT_BYTES: u64 = 1 << 40;

/// The chunk sizes Docket reads with. The page has the server clamp `PreferedChunkSize` to 262144..33554432,
/// but older servers answer smaller chunks (64 KiB is seen), so the floor is lower than the page's: below
/// 4 KiB a large document would take millions of requests. The ceiling is the page's: every chunk read is held
/// in memory (a few at once), so a larger one is refused rather than trusted.
pub const CHUNK_SIZES: std::ops::RangeInclusive<u64> = 4096..=33_554_432;

/// Reads a `GetDownloadHandler` answer. The handler is opaque (a GUID now, `ir178` on older servers).
pub(super) fn staged_file(answer: &Element) -> Result<StagedFile, ProviderError> {
    let handle = answer
        .attr("downloadhandler")
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            ProviderError::protocol("GetDownloadHandler answered without a downloadhandler")
        })?;
    let size = number(answer, "Size")?;
    if size > MAX_DOCUMENT_BYTES {
        return Err(ProviderError::protocol(format!(
            "GetDownloadHandler answered Size=\"{size}\", more than the {} TiB Docket accepts for one document",
            MAX_DOCUMENT_BYTES >> 40
        )));
    }
    let chunk_size = number(answer, "ChunkSize")?;
    if !CHUNK_SIZES.contains(&chunk_size) {
        return Err(ProviderError::protocol(format!(
            "GetDownloadHandler answered ChunkSize=\"{chunk_size}\", outside the {} to {} bytes Docket reads chunks of",
            CHUNK_SIZES.start(),
            CHUNK_SIZES.end()
        )));
    }
    // A rendered (converted) file has no CRC32; the attribute is then empty.
    let rendered = answer
        .attr("RenderedContent")
        .is_some_and(|r| r.trim().eq_ignore_ascii_case("true"));
    let crc32 = match answer
        .attr("CRC32")
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(text) if !rendered => Some(crc(text)?),
        _ => None,
    };
    let text = |name: &str| {
        answer
            .attr(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Ok(StagedFile {
        handle: handle.to_owned(),
        size,
        chunk_size,
        crc32,
        file_name: text("AlterDocumentName").map(|name| sanitize_file_name(&name)),
        mime: text("ContentType"),
        modified: text("ModificationDate"),
    })
}

#[async_trait]
impl ChunkSource for StagedDownload {
    fn staged(&self) -> &StagedFile {
        &self.staged
    }

    async fn read(&self, offset: u64, len: u64) -> Result<Chunk, ProviderError> {
        self.read_reusing(offset, len, Vec::new()).await
    }

    async fn read_reusing(
        &self,
        offset: u64,
        len: u64,
        buffer: Vec<u8>,
    ) -> Result<Chunk, ProviderError> {
        let offset_text = offset.to_string();
        let len_text = len.to_string();
        let expected = usize::try_from(len).map_err(|_| {
            ProviderError::protocol(format!("a chunk of {len} bytes does not fit in memory"))
        })?;
        let answer = self
            .session
            .read_chunk(
                &[
                    ("DownloadHandler", self.staged.handle.as_str()),
                    ("StartOffset", offset_text.as_str()),
                    ("ChunkSize", len_text.as_str()),
                ],
                expected,
                buffer,
            )
            .await
            // A chunk answer that does not parse was most likely cut or garbled on the way, like one with a bad
            // CRC32: it is read again rather than failing the whole transfer.
            .map_err(|err| match err {
                ProviderError::Protocol { message } => ProviderError::Integrity {
                    message: format!("the chunk at offset {offset} could not be read: {message}"),
                },
                other => other,
            })?;
        decoded_chunk(&answer.root, answer.bytes, offset, self.staged.size)
    }

    async fn release(&self) -> Result<(), ProviderError> {
        if self.released.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        delete_handler(&self.session, &self.staged.handle).await
    }
}

/// `DeleteDownloadHandler`; a handler the server already dropped is as freed as it gets.
pub(super) async fn delete_handler(session: &Session, handle: &str) -> Result<(), ProviderError> {
    let outcome = session
        .call(
            Method::DeleteDownloadHandler,
            &[("DownloadHandler", handle)],
        )
        .await;
    match outcome {
        Ok(_) => Ok(()),
        Err(ProviderError::LinkExpired { message }) => {
            tracing::debug!("the staged file was already gone: {message}");
            Ok(())
        }
        Err(err) => Err(err),
    }
}

/// Decodes one `DownloadFileChunk` answer and checks it against its `chunklength` and `chunkCRC32`.
#[cfg(any(test, feature = "fuzzing"))]
pub(super) fn chunk(answer: &Element, offset: u64, size: u64) -> Result<Chunk, ProviderError> {
    decoded_chunk(answer, None, offset, size)
}

/// Checks a chunk answer whose text was already decoded on the way (`decoded`), or decodes its text.
fn decoded_chunk(
    answer: &Element,
    decoded: Option<Vec<u8>>,
    offset: u64,
    size: u64,
) -> Result<Chunk, ProviderError> {
    let length = number(answer, "chunklength")?;
    if let Some(file_length) = answer
        .attr("filelength")
        .and_then(|n| n.trim().parse::<u64>().ok())
    {
        if file_length != size {
            return Err(ProviderError::Integrity {
                message: format!("the staged file was {size} bytes and is now {file_length}"),
            });
        }
    }
    let bytes = match decoded {
        Some(bytes) => bytes,
        None => {
            let encoded: String = answer
                .text
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            base64::engine::general_purpose::STANDARD
                .decode(encoded.as_bytes())
                // Garbled in transit like a CRC32 mismatch: reading the chunk again may well succeed.
                .map_err(|err| ProviderError::Integrity {
                    message: format!("the chunk at offset {offset} is not valid base64: {err}"),
                })?
        }
    };
    if bytes.len() as u64 != length {
        return Err(ProviderError::Integrity {
            message: format!(
                "the chunk at offset {offset} announced {length} bytes but {} arrived",
                bytes.len()
            ),
        });
    }
    if let Some(expected) = answer
        .attr("chunkCRC32")
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let expected = crc(expected)?;
        let actual = crc32fast::hash(&bytes);
        if actual != expected {
            return Err(ProviderError::Integrity {
                message: format!(
                    "the chunk at offset {offset} has CRC32 {actual:08x}, the server said {expected:08x}"
                ),
            });
        }
    }
    let last = answer
        .attr("lastchunk")
        .is_some_and(|l| l.trim().eq_ignore_ascii_case("true"));
    Ok(Chunk { bytes, last })
}

fn number(answer: &Element, name: &str) -> Result<u64, ProviderError> {
    answer
        .attr(name)
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| ProviderError::protocol(format!("the answer has no numeric {name}")))
}

/// A CRC32 in hex (`a3f1c29d`), as the server writes it.
fn crc(text: &str) -> Result<u32, ProviderError> {
    u32::from_str_radix(text, 16)
        .map_err(|_| ProviderError::protocol(format!("`{text}` is not a hexadecimal CRC32")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk_answer(bytes: &[u8], crc: &str, last: bool) -> Element {
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        Element::parse(&format!(
            r#"<response success="true" filelength="100" chunklength="{}" lastchunk="{last}" chunkCRC32="{crc}">
               {encoded}
               </response>"#,
            bytes.len()
        ))
        .unwrap()
    }

    #[test]
    fn a_chunk_is_decoded_and_its_crc_checked() {
        let bytes = b"hello chunk";
        let crc = format!("{:08x}", crc32fast::hash(bytes));
        let chunk = chunk(&chunk_answer(bytes, &crc, true), 89, 100).unwrap();
        assert_eq!(chunk.bytes, bytes);
        assert!(chunk.last);
    }

    #[test]
    fn a_chunk_whose_crc_differs_is_an_integrity_error() {
        let err = chunk(&chunk_answer(b"hello", "00000000", false), 0, 100).unwrap_err();
        assert!(matches!(err, ProviderError::Integrity { .. }), "{err:?}");
    }

    #[test]
    fn a_chunk_shorter_than_announced_is_an_integrity_error() {
        let answer = Element::parse(
            r#"<response success="true" filelength="100" chunklength="10" lastchunk="false">aGk=</response>"#,
        )
        .unwrap();
        assert!(matches!(
            chunk(&answer, 0, 100),
            Err(ProviderError::Integrity { .. })
        ));
    }

    #[test]
    fn the_staging_answer_gives_size_chunk_size_crc_and_a_safe_name() {
        let answer = Element::parse(
            r#"<response success="true" Size="2097152" ContentType="application/pdf" ModificationDate="2024-06-15"
                VersionNumber="0" AlterDocumentName="../Q1:Report.pdf" RenderedContent="false" CRC32="a3f1c29d"
                ChunkSize="1048576" downloadhandler="ir178" />"#,
        )
        .unwrap();
        let staged = staged_file(&answer).unwrap();
        assert_eq!(staged.handle, "ir178");
        assert_eq!(staged.size, 2_097_152);
        assert_eq!(staged.chunk_size, 1_048_576);
        assert_eq!(staged.crc32, Some(0xa3f1_c29d));
        assert_eq!(staged.file_name.as_deref(), Some("_Q1_Report.pdf"));
        assert_eq!(staged.modified.as_deref(), Some("2024-06-15"));
    }

    fn staging_answer(size: &str, chunk_size: &str) -> Element {
        Element::parse(&format!(
            r#"<response success="true" Size="{size}" ChunkSize="{chunk_size}" CRC32="a3f1c29d" downloadhandler="h"/>"#
        ))
        .unwrap()
    }

    #[test]
    fn a_size_beyond_a_tebibyte_is_refused_naming_the_field() {
        let err = staged_file(&staging_answer("9223372036854775807", "1048576")).unwrap_err();
        assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
        assert!(
            err.message()
                .starts_with("GetDownloadHandler answered Size=\"9223372036854775807\""),
            "{err}"
        );
        assert!(staged_file(&staging_answer(&MAX_DOCUMENT_BYTES.to_string(), "1048576")).is_ok());
    }

    #[test]
    fn a_chunk_size_outside_what_docket_reads_is_refused_naming_the_field() {
        for chunk_size in ["0", "1", "4095", "33554433", "18446744073709551615"] {
            let err = staged_file(&staging_answer("2097152", chunk_size)).unwrap_err();
            assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
            assert!(
                err.message().starts_with(&format!(
                    "GetDownloadHandler answered ChunkSize=\"{chunk_size}\""
                )),
                "{err}"
            );
        }
        for chunk_size in ["4096", "65536", "262144", "33554432"] {
            assert!(staged_file(&staging_answer("2097152", chunk_size)).is_ok());
        }
    }

    #[test]
    fn the_probe_from_the_issue_is_refused() {
        let err = staged_file(&staging_answer("9223372036854775807", "1")).unwrap_err();
        assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
    }

    #[test]
    fn rendered_content_has_no_whole_file_crc() {
        let answer = Element::parse(
            r#"<response success="true" Size="5" RenderedContent="true" CRC32="" ChunkSize="262144" downloadhandler="h"/>"#,
        )
        .unwrap();
        assert_eq!(staged_file(&answer).unwrap().crc32, None);
    }
}

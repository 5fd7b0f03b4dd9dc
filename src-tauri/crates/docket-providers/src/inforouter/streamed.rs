//! A `DownloadFileChunk` answer read as it arrives: the root's start tag is parsed for its attributes, then the
//! base64 text is decoded straight into one buffer of the chunk's size. A chunk is so held once, decoded, rather
//! than as the body, its text, the text without whitespace and the decoded bytes at the same time. Anything else
//! (a refusal, an ASMX `<string>` wrapper, an answer that does not parse) is read whole and parsed as before.

use base64::Engine;
use docket_core::{http, ProviderError};
use quick_xml::events::Event;
use quick_xml::Reader;

use super::xml::{start_element, Element};

/// A start tag longer than this is not a chunk answer's; the answer is then read whole.
const MAX_HEAD: usize = 64 * 1024;
/// What may follow the base64 text: the closing tag and whitespace.
const MAX_TAIL: usize = 4 * 1024;

/// A read answer: its root element (without the chunk's text when it was decoded on the way) and the decoded
/// chunk, when it was.
pub(super) struct ChunkAnswer {
    pub root: Element,
    pub bytes: Option<Vec<u8>>,
}

/// Reads one answer from `response`, decoding a successful chunk answer's text into at most `expected` bytes.
pub(super) async fn read(
    mut response: reqwest::Response,
    expected: usize,
    buffer: Vec<u8>,
) -> Result<ChunkAnswer, ProviderError> {
    let mut decoder = ChunkDecoder::reusing(expected, buffer);
    while let Some(piece) = response.chunk().await? {
        if let Some(whole) = decoder.feed(&piece)? {
            return read_whole(response, whole).await;
        }
    }
    decoder.finish()
}

/// The rest of an answer that is not a streamed chunk, parsed as a whole document.
async fn read_whole(
    mut response: reqwest::Response,
    mut body: Vec<u8>,
) -> Result<ChunkAnswer, ProviderError> {
    while let Some(piece) = response.chunk().await? {
        if body.len() + piece.len() > http::MAX_API_BODY {
            return Err(ProviderError::protocol(format!(
                "the server's answer exceeds {} bytes",
                http::MAX_API_BODY
            )));
        }
        body.extend_from_slice(&piece);
    }
    whole(&body)
}

fn whole(body: &[u8]) -> Result<ChunkAnswer, ProviderError> {
    Ok(ChunkAnswer {
        root: Element::parse(&String::from_utf8_lossy(body))?,
        bytes: None,
    })
}

/// The decoding state of one answer, fed the body piece by piece.
pub(super) struct ChunkDecoder {
    expected: usize,
    state: State,
    /// Where the chunk is decoded to, until the text begins.
    buffer: Vec<u8>,
}

enum State {
    /// Collecting the bytes up to the end of the root's start tag.
    Head(Vec<u8>),
    /// Inside the root's text: base64, decoded group by group.
    Text(Text),
    /// Done: the answer is not a streamed chunk (taken out by `feed`).
    Whole,
}

struct Text {
    root: Element,
    bytes: Vec<u8>,
    /// Base64 characters not yet decoded (fewer than a group of four, between pieces).
    pending: Vec<u8>,
    /// A group ended with `=` padding: nothing but the closing tag may follow.
    padded: bool,
    /// What came after the text (`<` onwards).
    tail: Option<Vec<u8>>,
}

impl ChunkDecoder {
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn new(expected: usize) -> Self {
        ChunkDecoder::reusing(expected, Vec::new())
    }

    /// A decoder writing into `buffer` (emptied; its allocation is kept).
    pub fn reusing(expected: usize, mut buffer: Vec<u8>) -> Self {
        buffer.clear();
        ChunkDecoder {
            expected,
            state: State::Head(Vec::new()),
            buffer,
        }
    }

    /// Takes the next piece of the body. Answers the body so far when the answer turns out not to be a
    /// successful chunk answer, for the caller to read the rest and parse it whole.
    pub fn feed(&mut self, piece: &[u8]) -> Result<Option<Vec<u8>>, ProviderError> {
        match &mut self.state {
            State::Head(head) => {
                head.extend_from_slice(piece);
                match parse_head(head) {
                    Head::Incomplete if head.len() <= MAX_HEAD => Ok(None),
                    Head::Incomplete | Head::Other => {
                        let State::Head(body) = std::mem::replace(&mut self.state, State::Whole)
                        else {
                            return Ok(None);
                        };
                        Ok(Some(body))
                    }
                    Head::Chunk { root, text_at } => {
                        let rest = head.split_off(text_at);
                        let capacity = root
                            .attr("chunklength")
                            .and_then(|n| n.trim().parse::<usize>().ok())
                            .unwrap_or(self.expected)
                            .min(self.expected);
                        let mut bytes = std::mem::take(&mut self.buffer);
                        // Room for the last group's padding, so the buffer is never reallocated.
                        bytes.reserve(capacity + 3);
                        let mut text = Text {
                            root,
                            bytes,
                            pending: Vec::new(),
                            padded: false,
                            tail: None,
                        };
                        text.feed(&rest, self.expected)?;
                        self.state = State::Text(text);
                        Ok(None)
                    }
                }
            }
            State::Text(text) => {
                text.feed(piece, self.expected)?;
                Ok(None)
            }
            State::Whole => Ok(None),
        }
    }

    /// The answer once the body has ended.
    pub fn finish(self) -> Result<ChunkAnswer, ProviderError> {
        match self.state {
            State::Head(body) => whole(&body),
            State::Whole => Err(ProviderError::protocol(
                "the answer was handed back to be read whole",
            )),
            State::Text(text) => text.finish(),
        }
    }
}

enum Head {
    Incomplete,
    /// A successful answer whose root element holds text: the root (attributes only) and where its text begins.
    Chunk {
        root: Element,
        text_at: usize,
    },
    Other,
}

/// Looks for the root's start tag in the first bytes of an answer.
fn parse_head(head: &[u8]) -> Head {
    let mut reader = Reader::from_reader(head);
    loop {
        match reader.read_event() {
            // A truncated prefix does not parse yet; the whole answer will tell the real error.
            Err(_) | Ok(Event::Eof) => return Head::Incomplete,
            Ok(Event::Start(start)) => {
                let Ok(root) = start_element(&reader, &start) else {
                    return Head::Other;
                };
                let success = root
                    .attr("success")
                    .is_some_and(|flag| flag.trim().eq_ignore_ascii_case("true"));
                if !success || root.is("string") {
                    return Head::Other;
                }
                let Ok(text_at) = usize::try_from(reader.buffer_position()) else {
                    return Head::Other;
                };
                return Head::Chunk { root, text_at };
            }
            Ok(Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_)) => {}
            Ok(Event::Text(text)) if text.iter().all(u8::is_ascii_whitespace) => {}
            Ok(_) => return Head::Other,
        }
    }
}

impl Text {
    fn feed(&mut self, mut piece: &[u8], expected: usize) -> Result<(), ProviderError> {
        if let Some(tail) = &mut self.tail {
            return push_tail(tail, piece);
        }
        if let Some(end) = piece.iter().position(|&b| b == b'<') {
            let (text, rest) = piece.split_at(end);
            self.decode(text, expected)?;
            let mut tail = Vec::new();
            push_tail(&mut tail, rest)?;
            self.tail = Some(tail);
            return Ok(());
        }
        // Whole groups of four are decoded now; a partial group waits for the next piece.
        while !piece.is_empty() {
            let take = piece.len().min(64 * 1024);
            self.decode(&piece[..take], expected)?;
            piece = &piece[take..];
        }
        Ok(())
    }

    /// Decodes every whole group of four characters in `pending` plus `text`; a partial group waits.
    fn decode(&mut self, text: &[u8], expected: usize) -> Result<(), ProviderError> {
        for run in text.split(u8::is_ascii_whitespace) {
            self.pending.extend_from_slice(run);
        }
        let whole = self.pending.len() / 4 * 4;
        if whole == 0 {
            return Ok(());
        }
        if self.padded {
            return Err(garbled("text follows the base64 padding"));
        }
        // Padding makes the last group up to two bytes shorter; anything beyond is more than was asked for.
        if (self.bytes.len() + whole / 4 * 3).saturating_sub(2) > expected {
            return Err(ProviderError::Integrity {
                message: format!("the chunk holds more than the {expected} bytes asked for"),
            });
        }
        base64::engine::general_purpose::STANDARD
            .decode_vec(&self.pending[..whole], &mut self.bytes)
            .map_err(|err| garbled(&err.to_string()))?;
        self.padded = self.pending[whole - 1] == b'=';
        self.pending.drain(..whole);
        Ok(())
    }

    fn finish(self) -> Result<ChunkAnswer, ProviderError> {
        let Some(tail) = self.tail else {
            return Err(ProviderError::protocol(
                "the server's XML answer ends before its elements are closed",
            ));
        };
        if !self.pending.is_empty() {
            return Err(garbled("the text ends inside a group of four characters"));
        }
        let tail = String::from_utf8_lossy(&tail);
        let closing = tail.trim_end();
        let closes_root = closing.starts_with("</")
            && closing.ends_with('>')
            && closing.matches('<').count() == 1
            && closing[2..closing.len() - 1]
                .trim_end()
                .rsplit(':')
                .next()
                .is_some_and(|name| name.eq_ignore_ascii_case(&self.root.name));
        if !closes_root {
            return Err(ProviderError::protocol(format!(
                "the chunk answer's text is followed by `{}`, not the closing tag",
                http::excerpt(closing)
            )));
        }
        Ok(ChunkAnswer {
            root: self.root,
            bytes: Some(self.bytes),
        })
    }
}

fn push_tail(tail: &mut Vec<u8>, piece: &[u8]) -> Result<(), ProviderError> {
    if tail.len() + piece.len() > MAX_TAIL {
        return Err(ProviderError::protocol(
            "the chunk answer goes on after its text",
        ));
    }
    tail.extend_from_slice(piece);
    Ok(())
}

/// Garbled in transit like a CRC32 mismatch: reading the chunk again may well succeed.
fn garbled(detail: &str) -> ProviderError {
    ProviderError::Integrity {
        message: format!("the chunk is not valid base64: {detail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(
        body: &[u8],
        piece: usize,
        expected: usize,
    ) -> Result<ChunkAnswer, ProviderError> {
        let mut decoder = ChunkDecoder::new(expected);
        let mut fed = 0;
        while fed < body.len() {
            let part = &body[fed..(fed + piece).min(body.len())];
            fed += part.len();
            if let Some(mut whole_body) = decoder.feed(part)? {
                whole_body.extend_from_slice(&body[fed..]);
                return whole(&whole_body);
            }
        }
        decoder.finish()
    }

    fn answer(bytes: &[u8], line: usize) -> Vec<u8> {
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        let wrapped: Vec<String> = encoded
            .as_bytes()
            .chunks(line)
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<response success=\"true\" filelength=\"9000\" \
             chunklength=\"{}\" lastchunk=\"false\" chunkCRC32=\"{:08x}\">\r\n{}\r\n</response>\r\n",
            bytes.len(),
            crc32fast::hash(bytes),
            wrapped.join("\r\n")
        )
        .into_bytes()
    }

    #[test]
    fn a_chunk_split_anywhere_decodes_to_the_same_bytes_and_attributes() {
        let bytes: Vec<u8> = (0..5000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let body = answer(&bytes, 76);
        for piece in [1, 3, 7, 64, 1000, body.len()] {
            let decoded = decode_in_pieces(&body, piece, bytes.len()).unwrap();
            assert_eq!(
                decoded.bytes.as_deref(),
                Some(&bytes[..]),
                "pieces of {piece}"
            );
            assert_eq!(decoded.root.attr("chunklength"), Some("5000"));
            assert!(decoded.root.text.is_empty());
        }
    }

    #[test]
    fn a_refusal_is_handed_back_whole_and_parsed() {
        let body = br#"<response success="false" error="Download handler not found." />"#;
        let decoded = decode_in_pieces(body, 5, 100).unwrap();
        assert!(decoded.bytes.is_none());
        assert_eq!(
            decoded.root.attr("error"),
            Some("Download handler not found.")
        );
    }

    #[test]
    fn an_asmx_string_wrapper_is_parsed_whole() {
        let body = br#"<string xmlns="http://tempuri.org/">&lt;response success="true"&gt;aGk=&lt;/response&gt;</string>"#;
        let decoded = decode_in_pieces(body, 9, 100).unwrap();
        assert!(decoded.bytes.is_none());
        assert!(decoded.root.is("string"));
    }

    #[test]
    fn more_bytes_than_asked_for_are_refused_before_they_are_held() {
        let body = answer(&[7u8; 3000], 1000);
        let err = decode_in_pieces(&body, 100, 1000).err().unwrap();
        assert!(matches!(err, ProviderError::Integrity { .. }), "{err:?}");
    }

    #[test]
    fn garbled_or_cut_text_is_an_error_not_a_short_chunk() {
        let garbled_body = br#"<response success="true" chunklength="6">aGk=aGk=</response>"#;
        assert!(matches!(
            decode_in_pieces(garbled_body, 4, 100),
            Err(ProviderError::Integrity { .. })
        ));
        let cut = br#"<response success="true" chunklength="6">aGVsbG8h"#;
        assert!(matches!(
            decode_in_pieces(cut, 4, 100),
            Err(ProviderError::Protocol { .. })
        ));
        let odd = br#"<response success="true" chunklength="6">aGVsbG8</response>"#;
        assert!(matches!(
            decode_in_pieces(odd, 4, 100),
            Err(ProviderError::Integrity { .. })
        ));
        let child = br#"<response success="true" chunklength="2">aGk=<more/></response>"#;
        assert!(matches!(
            decode_in_pieces(child, 4, 100),
            Err(ProviderError::Protocol { .. })
        ));
    }
}

//! Text encodings the previewers decode, and how they are recognised from the first bytes.

use encoding_rs::Encoding;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        self.encoding().name()
    }

    pub(crate) fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 => encoding_rs::UTF_8,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
        }
    }

    /// Bytes per code unit: the CSV parser steps through units so that `,` in UTF-16 is one unit.
    pub(crate) fn unit_width(self) -> usize {
        match self {
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => 2,
            TextEncoding::Utf8 | TextEncoding::Windows1252 => 1,
        }
    }

    /// Decodes without BOM sniffing (the BOM was already skipped); malformed bytes become U+FFFD.
    pub(crate) fn decode(self, bytes: &[u8]) -> String {
        self.encoding()
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    }
}

/// What the first bytes say about the encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EncodingGuess {
    pub encoding: TextEncoding,
    pub bom_len: usize,
    /// Some bytes are not valid in the chosen encoding and show as U+FFFD.
    pub lossy: bool,
}

/// The encoding from a BOM, else from NUL patterns (BOM-less UTF-16), else UTF-8 when the bytes are
/// (mostly) valid UTF-8, else Windows-1252. `None` means the bytes do not look like text at all.
pub(crate) fn guess_encoding(head: &[u8]) -> Option<EncodingGuess> {
    let found = |encoding, bom_len| {
        Some(EncodingGuess {
            encoding,
            bom_len,
            lossy: false,
        })
    };
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return found(TextEncoding::Utf8, 3).map(|g| EncodingGuess {
            lossy: !utf8_is_clean(&head[3..]),
            ..g
        });
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return found(TextEncoding::Utf16Le, 2);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return found(TextEncoding::Utf16Be, 2);
    }
    if let Some(utf16) = bomless_utf16(head) {
        return found(utf16, 0);
    }
    if head.contains(&0) {
        return None;
    }
    if utf8_is_clean(head) {
        return found(TextEncoding::Utf8, 0);
    }
    let (valid_multibyte, invalid) = utf8_census(head);
    if control_ratio(head) > 0.01 {
        return None;
    }
    if valid_multibyte > invalid {
        // Mostly UTF-8 with a few bad bytes: decoding as Windows-1252 would garble every accented letter.
        return Some(EncodingGuess {
            encoding: TextEncoding::Utf8,
            bom_len: 0,
            lossy: true,
        });
    }
    found(TextEncoding::Windows1252, 0)
}

/// Valid UTF-8, allowing a sequence cut by the end of the sample.
fn utf8_is_clean(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(err) => err.error_len().is_none(),
    }
}

/// (valid multi-byte sequences, invalid bytes) in a UTF-8 reading of `bytes`.
fn utf8_census(mut bytes: &[u8]) -> (usize, usize) {
    let (mut multibyte, mut invalid) = (0, 0);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                multibyte += text.chars().filter(|c| !c.is_ascii()).count();
                return (multibyte, invalid);
            }
            Err(err) => {
                let valid = err.valid_up_to();
                multibyte += std::str::from_utf8(&bytes[..valid])
                    .map(|t| t.chars().filter(|c| !c.is_ascii()).count())
                    .unwrap_or(0);
                match err.error_len() {
                    Some(bad) => {
                        invalid += bad;
                        bytes = &bytes[valid + bad..];
                    }
                    None => return (multibyte, invalid),
                }
            }
        }
    }
}

/// Share of bytes that are control characters no text file uses.
fn control_ratio(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
        .count();
    controls as f64 / bytes.len() as f64
}

/// UTF-16 without a BOM: mostly-ASCII text has a zero in every other byte.
fn bomless_utf16(head: &[u8]) -> Option<TextEncoding> {
    let sample = &head[..head.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zero_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let zero_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let mostly = |n: usize| n * 10 >= pairs * 7;
    let rarely = |n: usize| n * 10 <= pairs;
    if mostly(zero_odd) && rarely(zero_even) {
        Some(TextEncoding::Utf16Le)
    } else if mostly(zero_even) && rarely(zero_odd) {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_decides_the_encoding() {
        assert_eq!(
            guess_encoding(b"\xFF\xFEa\0").map(|g| (g.encoding, g.bom_len)),
            Some((TextEncoding::Utf16Le, 2))
        );
        assert_eq!(
            guess_encoding(b"\xEF\xBB\xBFa,b").map(|g| (g.encoding, g.bom_len)),
            Some((TextEncoding::Utf8, 3))
        );
    }

    #[test]
    fn bomless_utf16_is_recognised_from_its_zero_bytes() {
        let bytes: Vec<u8> = "name,qty\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(
            guess_encoding(&bytes).map(|g| g.encoding),
            Some(TextEncoding::Utf16Be)
        );
    }

    #[test]
    fn latin1_bytes_are_read_as_windows_1252() {
        let guess = guess_encoding(b"caf\xE9;cr\xE8me\n").map(|g| g.encoding);
        assert_eq!(guess, Some(TextEncoding::Windows1252));
    }

    #[test]
    fn mostly_utf8_with_a_stray_byte_stays_utf8_and_is_marked_lossy() {
        let mut bytes = "café crème brûlée €".as_bytes().to_vec();
        bytes.push(0xFF);
        let guess = guess_encoding(&bytes).map(|g| (g.encoding, g.lossy));
        assert_eq!(guess, Some((TextEncoding::Utf8, true)));
    }

    #[test]
    fn nul_bytes_without_a_utf16_pattern_are_not_text() {
        assert_eq!(guess_encoding(b"\x00\x01\x02\x03abc\x00\x00\xff"), None);
    }
}

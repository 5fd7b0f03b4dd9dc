//! Binary content: what format the magic bytes say, and a short hex dump.

use serde::Serialize;

use crate::source::Coverage;

const DUMP_BYTES: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HexLine {
    pub offset: u64,
    pub hex: String,
    /// Printable ASCII, `.` for the rest.
    pub ascii: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BinaryPreview {
    /// The recognised format, e.g. "PDF document"; None when unknown.
    pub format: Option<String>,
    pub hex: Vec<HexLine>,
    pub coverage: Coverage,
    pub notes: Vec<String>,
}

/// Formats recognised by their first bytes (offset, signature, name).
const SIGNATURES: &[(usize, &[u8], &str)] = &[
    (0, b"%PDF-", "PDF document"),
    (0, b"\x89PNG\r\n\x1a\n", "PNG image"),
    (0, b"\xFF\xD8\xFF", "JPEG image"),
    (0, b"GIF87a", "GIF image"),
    (0, b"GIF89a", "GIF image"),
    (0, b"PK\x03\x04", "ZIP archive (also DOCX, XLSX, ODF)"),
    (0, b"PK\x05\x06", "ZIP archive (empty)"),
    (
        0,
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "OLE2 compound file (DOC, XLS, MSG)",
    ),
    (0, b"\x1F\x8B", "gzip archive"),
    (0, b"BZh", "bzip2 archive"),
    (0, b"\xFD7zXZ\x00", "xz archive"),
    (0, b"\x28\xB5\x2F\xFD", "Zstandard archive"),
    (0, b"7z\xBC\xAF\x27\x1C", "7-Zip archive"),
    (0, b"Rar!\x1A\x07", "RAR archive"),
    (0, b"\x7FELF", "ELF executable"),
    (0, b"MZ", "Windows executable"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"II*\x00", "TIFF image"),
    (0, b"MM\x00*", "TIFF image"),
    (0, b"RIFF", "RIFF media (WAV, AVI, WebP)"),
    (4, b"ftyp", "MP4/QuickTime media"),
    (0, b"OggS", "Ogg media"),
    (0, b"ID3", "MP3 audio"),
    (0, b"\x00\x00\x01\x00", "Windows icon"),
    (0, b"wOFF", "WOFF font"),
    (0, b"\x00asm", "WebAssembly module"),
];

/// The format named by the magic bytes, if any.
pub fn magic_format(head: &[u8]) -> Option<&'static str> {
    SIGNATURES
        .iter()
        .find(|(offset, signature, _)| {
            head.get(*offset..offset + signature.len()) == Some(*signature)
        })
        .map(|(_, _, name)| *name)
}

pub(crate) fn binary_preview(
    head: &[u8],
    format: Option<&str>,
    coverage: Coverage,
    notes: Vec<String>,
) -> BinaryPreview {
    let hex = head
        .chunks(16)
        .take(DUMP_BYTES / 16)
        .enumerate()
        .map(|(row, bytes)| HexLine {
            offset: row as u64 * 16,
            hex: bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" "),
            ascii: bytes
                .iter()
                .map(|&b| {
                    if b.is_ascii_graphic() || b == b' ' {
                        b as char
                    } else {
                        '.'
                    }
                })
                .collect(),
        })
        .collect();
    BinaryPreview {
        format: format.map(str::to_owned),
        hex,
        coverage,
        notes,
    }
}

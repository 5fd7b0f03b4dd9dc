//! Generators for the sample files: each returns the complete bytes of one small, valid file of its format.
//! Everything is deterministic, so checksums are stable from run to run.

pub mod csv;
pub mod docx;
pub mod pdf;
pub mod png;
pub mod xml;
pub mod zip;

/// A real 96x64 JPEG, made once with ImageMagick (`convert -size 96x64 gradient:skyblue-navy -fill white
/// -draw "circle 48,32 48,12" -strip -quality 85`): writing a JPEG encoder is not worth it for one photo.
pub const JPEG: &[u8] = include_bytes!("../../samples/site-photo.jpg");

/// Escapes text for XML character data and attribute values.
pub fn xml_escape(text: &str) -> String {
    // Most text (a chunk's base64 above all, megabytes of it) has nothing to escape.
    if !text
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jpeg_has_start_and_end_of_image_markers() {
        assert_eq!(&JPEG[..3], [0xFF, 0xD8, 0xFF]);
        assert_eq!(&JPEG[JPEG.len() - 2..], [0xFF, 0xD9]);
    }

    #[test]
    fn xml_escape_replaces_markup_characters() {
        assert_eq!(
            xml_escape(r#"<a & "b">'"#),
            "&lt;a &amp; &quot;b&quot;&gt;&apos;"
        );
    }
}

//! A truecolour PNG of a colour gradient, zlib-compressed with flate2.

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;

pub fn gradient(width: u32, height: u32) -> Vec<u8> {
    let mut pixels = Vec::with_capacity(((width * 3 + 1) * height) as usize);
    for y in 0..height {
        pixels.push(0); // filter type: none
        for x in 0..width {
            pixels.extend_from_slice(&[
                (x * 255 / width.max(1)) as u8,
                (y * 255 / height.max(1)) as u8,
                0x80,
            ]);
        }
    }
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    let compressed = encoder
        .write_all(&pixels)
        .and_then(|()| encoder.finish())
        .expect("compressing into a Vec cannot fail");

    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // 8 bits per channel, truecolour, deflate, adaptive filtering, no interlace.
    header.extend_from_slice(&[8, 2, 0, 0, 0]);

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &compressed);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    png.extend_from_slice(&crc.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// (type, data) of each chunk, asserting its CRC.
    fn chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        let mut at = 8;
        let mut out = Vec::new();
        while at < png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            let kind: [u8; 4] = png[at + 4..at + 8].try_into().unwrap();
            let data = png[at + 8..at + 8 + len].to_vec();
            let crc = u32::from_be_bytes(png[at + 8 + len..at + 12 + len].try_into().unwrap());
            assert_eq!(crc32fast::hash(&png[at + 4..at + 8 + len]), crc);
            out.push((kind, data));
            at += 12 + len;
        }
        out
    }

    #[test]
    fn a_png_has_its_signature_and_valid_chunks_in_order() {
        let png = gradient(16, 8);
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let kinds: Vec<[u8; 4]> = chunks(&png).into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, [*b"IHDR", *b"IDAT", *b"IEND"]);
    }

    #[test]
    fn the_image_data_inflates_to_one_filtered_row_per_line() {
        let png = gradient(16, 8);
        let idat = &chunks(&png)[1].1;
        let mut pixels = Vec::new();
        flate2::read::ZlibDecoder::new(&idat[..])
            .read_to_end(&mut pixels)
            .unwrap();
        assert_eq!(pixels.len(), (16 * 3 + 1) * 8);
    }
}

//! A zip writer that only stores (no compression): all a DOCX needs to be a real, openable zip archive.

/// Entries are written in the order added; the archive is complete after [`StoredZip::finish`].
#[derive(Default)]
pub struct StoredZip {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
}

// A fixed DOS timestamp (2024-06-15 09:30:00) keeps the bytes, and so the checksums, stable.
const DOS_TIME: u16 = (9 << 11) | (30 << 5);
const DOS_DATE: u16 = ((2024 - 1980) << 9) | (6 << 5) | 15;
// Bit 11: names are UTF-8.
const FLAGS: u16 = 0x0800;

impl StoredZip {
    pub fn add(&mut self, name: &str, data: &[u8]) {
        let crc = crc32fast::hash(data);
        let offset = self.out.len() as u32;
        let size = data.len() as u32;
        let name_len = name.len() as u16;

        put32(&mut self.out, 0x0403_4b50);
        for field in [10, FLAGS, 0, DOS_TIME, DOS_DATE] {
            put16(&mut self.out, field);
        }
        for field in [crc, size, size] {
            put32(&mut self.out, field);
        }
        put16(&mut self.out, name_len);
        put16(&mut self.out, 0);
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(data);

        let c = &mut self.central;
        put32(c, 0x0201_4b50);
        for field in [20, 10, FLAGS, 0, DOS_TIME, DOS_DATE] {
            put16(c, field);
        }
        for field in [crc, size, size] {
            put32(c, field);
        }
        for field in [name_len, 0, 0, 0, 0] {
            put16(c, field);
        }
        put32(c, 0);
        put32(c, offset);
        c.extend_from_slice(name.as_bytes());
        self.entries += 1;
    }

    pub fn finish(mut self) -> Vec<u8> {
        let central_at = self.out.len() as u32;
        let central_len = self.central.len() as u32;
        self.out.extend_from_slice(&self.central);
        put32(&mut self.out, 0x0605_4b50);
        for field in [0, 0, self.entries, self.entries] {
            put16(&mut self.out, field);
        }
        put32(&mut self.out, central_len);
        put32(&mut self.out, central_at);
        put16(&mut self.out, 0);
        self.out
    }
}

fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// Reads a stored zip back through its central directory, checking each entry's CRC; for tests here and in the
/// vendor modules.
#[cfg(test)]
pub fn read_stored(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |at: usize| u16::from_le_bytes([zip[at], zip[at + 1]]) as usize;
    let u32_at =
        |at: usize| u32::from_le_bytes([zip[at], zip[at + 1], zip[at + 2], zip[at + 3]]) as usize;
    let eocd = zip.len() - 22;
    assert_eq!(u32_at(eocd), 0x0605_4b50, "end of central directory");
    let mut at = u32_at(eocd + 16);
    let mut entries = Vec::new();
    for _ in 0..u16_at(eocd + 10) {
        assert_eq!(u32_at(at), 0x0201_4b50, "central directory header");
        let crc = u32_at(at + 16) as u32;
        let size = u32_at(at + 24);
        let name_len = u16_at(at + 28);
        let local = u32_at(at + 42);
        let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
        assert_eq!(u32_at(local), 0x0403_4b50, "local header of {name}");
        let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let data = zip[data_at..data_at + size].to_vec();
        assert_eq!(crc32fast::hash(&data), crc, "CRC of {name}");
        entries.push((name, data));
        at += 46 + name_len;
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_back_with_their_names_and_bytes() {
        let mut zip = StoredZip::default();
        zip.add("a.txt", b"alpha");
        zip.add("dir/Zoë.xml", b"<x/>");
        let entries = read_stored(&zip.finish());
        assert_eq!(
            entries,
            vec![
                ("a.txt".to_owned(), b"alpha".to_vec()),
                ("dir/Zoë.xml".to_owned(), b"<x/>".to_vec())
            ]
        );
    }

    #[test]
    fn an_empty_archive_is_just_the_end_record() {
        let zip = StoredZip::default().finish();
        assert_eq!(zip.len(), 22);
        assert!(read_stored(&zip).is_empty());
    }
}

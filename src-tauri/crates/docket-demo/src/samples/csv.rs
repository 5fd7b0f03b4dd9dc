//! A ledger CSV that exercises a CSV reader: quoted commas, doubled quotes, line breaks inside quotes and UTF-8.

const NAMES: [&str; 8] = [
    "Zoë Brennan",
    "Jürgen Müller",
    "O'Brien, Liam",
    "Ana \"Nana\" Souza",
    "李雷",
    "Åsa Lindqvist",
    "Chloé Dubois",
    "Nikolai Петров",
];
const CITIES: [&str; 6] = [
    "München",
    "Zürich",
    "São Paulo",
    "Kraków",
    "Reykjavík",
    "Tokyo",
];

/// A header and `rows` records, CRLF-terminated (RFC 4180). Every 1000th note holds a line break inside its
/// quotes, so records and lines differ in number.
pub fn ledger(rows: usize) -> Vec<u8> {
    let mut out = String::from("id,name,city,amount,note\r\n");
    for i in 1..=rows {
        let note = if i % 1000 == 0 {
            "Audited\nsee appendix".to_owned()
        } else if i % 5 == 0 {
            format!("Paid \"in full\", invoice {i}")
        } else if i % 3 == 0 {
            "Pending, awaiting approval".to_owned()
        } else {
            String::new()
        };
        let fields = [
            i.to_string(),
            NAMES[i % NAMES.len()].to_owned(),
            CITIES[i % CITIES.len()].to_owned(),
            format!("{}.{:02}", (i * 7919) % 100_000, i % 100),
            note,
        ];
        let quoted: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small RFC 4180 reader, enough to check the generator.
    fn records(text: &str) -> Vec<Vec<String>> {
        let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => record.push(std::mem::take(&mut field)),
                (false, '\r') => {}
                (false, '\n') => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                (false, c) => field.push(c),
            }
        }
        records
    }

    #[test]
    fn the_ledger_has_a_header_and_ten_thousand_records_of_five_fields() {
        let text = String::from_utf8(ledger(10_000)).unwrap();
        let records = records(&text);
        assert_eq!(records.len(), 10_001);
        assert_eq!(records[0], ["id", "name", "city", "amount", "note"]);
        assert!(records.iter().all(|r| r.len() == 5));
        assert_eq!(records[10_000][0], "10000");
    }

    #[test]
    fn quoted_commas_quotes_and_line_breaks_survive_a_round_trip() {
        let text = String::from_utf8(ledger(1000)).unwrap();
        let records = records(&text);
        assert!(records.iter().any(|r| r[1] == "O'Brien, Liam"));
        assert!(records.iter().any(|r| r[1] == "Ana \"Nana\" Souza"));
        assert_eq!(records[5][4], "Paid \"in full\", invoice 5");
        assert_eq!(records[1000][4], "Audited\nsee appendix");
    }

    #[test]
    fn names_and_cities_are_utf8() {
        let text = String::from_utf8(ledger(20)).unwrap();
        assert!(text.contains("Zoë Brennan"));
        assert!(text.contains("München"));
    }
}

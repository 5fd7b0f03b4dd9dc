//! Guessing a CSV's delimiter and whether its first row is a header, from the first records.

use serde::Serialize;

use super::cursor::UnitCursor;
use super::numbers::looks_numeric;
use super::records::{read_record, RecordBounds, RecordRead};
use crate::encoding::TextEncoding;
use crate::error::PreviewError;
use crate::source::OpenedSource;

pub(crate) const DELIMITERS: [char; 4] = [',', ';', '\t', '|'];
const SAMPLE_RECORDS: usize = 64;

/// How a CSV is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvDialect {
    pub delimiter: char,
    pub encoding: TextEncoding,
    pub has_header: bool,
}

/// What the sample says about one delimiter.
#[derive(Debug)]
pub(crate) struct DelimiterFit {
    pub delimiter: char,
    /// The most common field count.
    pub columns: u64,
    /// Share of sampled records with that count.
    pub consistency: f64,
    pub records: Vec<Vec<String>>,
}

/// Parses the sample with each candidate delimiter and keeps the one giving the most consistent
/// multi-column table. `sample_is_cut` drops the last record, which the sample's end may have split.
pub(crate) fn sniff_delimiter(
    sample: &[u8],
    encoding: TextEncoding,
    sample_is_cut: bool,
) -> Result<DelimiterFit, PreviewError> {
    let mut best: Option<DelimiterFit> = None;
    for delimiter in DELIMITERS {
        let fit = fit_delimiter(sample, encoding, delimiter, sample_is_cut)?;
        let better = match &best {
            None => true,
            Some(current) => score(&fit) > score(current),
        };
        if better {
            best = Some(fit);
        }
    }
    Ok(best.unwrap_or(DelimiterFit {
        delimiter: ',',
        columns: 1,
        consistency: 1.0,
        records: Vec::new(),
    }))
}

fn score(fit: &DelimiterFit) -> (bool, u64, u64) {
    let multi_column = fit.columns >= 2;
    // Consistency first (in steps, so that one odd row does not lose to a wider but ragged reading).
    let steps = (fit.consistency * 20.0).round() as u64;
    (
        multi_column,
        if multi_column { steps } else { 0 },
        fit.columns,
    )
}

fn fit_delimiter(
    sample: &[u8],
    encoding: TextEncoding,
    delimiter: char,
    sample_is_cut: bool,
) -> Result<DelimiterFit, PreviewError> {
    let mut source = OpenedSource::Prefix {
        bytes: sample.to_vec(),
        total_size: None,
    };
    let mut cursor = UnitCursor::new(&mut source, encoding, 0);
    let bounds = RecordBounds {
        field_bytes: 256,
        columns: 1024,
        record_bytes: sample.len() as u64,
    };
    let mut counts = Vec::new();
    let mut records = Vec::new();
    while records.len() < SAMPLE_RECORDS {
        match read_record(&mut cursor, delimiter as u16, bounds)? {
            RecordRead::Record(record) => {
                if record.at_end_of_data && sample_is_cut && !records.is_empty() {
                    break;
                }
                counts.push(record.field_count);
                records.push(
                    record
                        .fields
                        .iter()
                        .map(|field| encoding.decode(&field.bytes))
                        .collect(),
                );
            }
            RecordRead::End | RecordRead::TooLong => break,
        }
    }
    let columns = mode(&counts).unwrap_or(1);
    let consistency = if counts.is_empty() {
        0.0
    } else {
        counts.iter().filter(|&&c| c == columns).count() as f64 / counts.len() as f64
    };
    Ok(DelimiterFit {
        delimiter,
        columns,
        consistency,
        records,
    })
}

/// The most common value; ties go to the larger.
pub(crate) fn mode(values: &[u64]) -> Option<u64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(u64, usize)> = None;
    let mut i = 0;
    while i < sorted.len() {
        let run = sorted[i..].iter().take_while(|&&v| v == sorted[i]).count();
        if best.is_none_or(|(_, n)| run >= n) {
            best = Some((sorted[i], run));
        }
        i += run;
    }
    best.map(|(value, _)| value)
}

/// A first row is a header when its cells are distinct, non-empty, non-numeric labels, and the rows under it
/// differ from it in kind (some column is numeric below) or there is at least one row below.
pub(crate) fn looks_like_header(records: &[Vec<String>]) -> bool {
    let Some((first, rest)) = records.split_first() else {
        return false;
    };
    if rest.is_empty() || first.is_empty() {
        return false;
    }
    let labels_ok = first.iter().all(|cell| {
        let cell = cell.trim();
        !cell.is_empty() && !looks_numeric(cell)
    });
    let mut seen = std::collections::HashSet::new();
    let distinct = first.iter().all(|cell| seen.insert(cell.trim()));
    labels_ok && distinct
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(text: &str) -> DelimiterFit {
        sniff_delimiter(text.as_bytes(), TextEncoding::Utf8, false).unwrap()
    }

    #[test]
    fn semicolons_win_over_decimal_commas() {
        let fit = sniff("name;price;qty\nnut;1,5;3\nbolt;2,25;10\nwasher;0,1;100\n");
        assert_eq!((fit.delimiter, fit.columns), (';', 3));
    }

    #[test]
    fn tabs_and_pipes_are_found() {
        assert_eq!(sniff("a\tb\tc\n1\t2\t3\n").delimiter, '\t');
        assert_eq!(sniff("a|b\n1|2\n3|4\n").delimiter, '|');
    }

    #[test]
    fn commas_inside_quotes_do_not_count() {
        let fit = sniff("\"Smith, J\";\"Doe, A\"\n\"x, y\";z\n");
        assert_eq!((fit.delimiter, fit.columns), (';', 2));
    }

    #[test]
    fn a_header_is_a_row_of_distinct_labels() {
        let rows = |v: &[&[&str]]| -> Vec<Vec<String>> {
            v.iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect()
        };
        assert!(looks_like_header(&rows(&[&["id", "name"], &["1", "x"]])));
        assert!(!looks_like_header(&rows(&[&["1", "x"], &["2", "y"]])));
        assert!(!looks_like_header(&rows(&[&["a", "a"], &["1", "2"]])));
        assert!(!looks_like_header(&rows(&[&["id", ""], &["1", "2"]])));
    }
}

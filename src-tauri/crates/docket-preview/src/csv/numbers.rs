//! Whether a cell reads as a number (for right alignment and header detection): signs, grouping, decimal
//! commas, percentages, currency symbols, accounting parentheses and exponents.

pub(crate) fn looks_numeric(cell: &str) -> bool {
    let mut text = cell.trim();
    if text.starts_with('(') && text.ends_with(')') && text.len() > 2 {
        text = &text[1..text.len() - 1];
    }
    let text = text
        .trim_start_matches(['+', '-', '−'])
        .trim_matches(['$', '€', '£', '¥', '%', ' ', '\u{a0}']);
    let mut digits = 0;
    let mut exponent_seen = false;
    let mut previous: Option<char> = None;
    for c in text.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' | ',' | '\'' | ' ' | '\u{a0}' | '\u{202f}' => {
                // Separators sit between digits.
                if !previous.is_some_and(|p| p.is_ascii_digit()) {
                    return false;
                }
            }
            'e' | 'E' if digits > 0 && !exponent_seen => exponent_seen = true,
            '+' | '-' if matches!(previous, Some('e' | 'E')) => {}
            _ => return false,
        }
        previous = Some(c);
    }
    digits > 0 && previous.is_some_and(|p| p.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::looks_numeric;

    #[test]
    fn common_number_spellings_are_numeric() {
        for cell in [
            "42", "-3.5", "1,234.56", "1.234,56", "12%", "€ 9,99", "(120.00)", "1e-3", " 7 ",
        ] {
            assert!(looks_numeric(cell), "{cell:?}");
        }
    }

    #[test]
    fn words_dates_and_empty_cells_are_not() {
        for cell in [
            "",
            "abc",
            "12abc",
            "2024-01-05",
            "1.",
            ".",
            "-",
            "e5",
            "1,,2",
        ] {
            assert!(!looks_numeric(cell), "{cell:?}");
        }
    }
}

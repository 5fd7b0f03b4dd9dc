//! Server-supplied file names made safe to create on any desktop OS.

/// The longest name we create, in bytes; leaves room for ` (12)` suffixes and `.docket-part` under 255.
pub const MAX_NAME_BYTES: usize = 200;

/// What a name that sanitises to nothing becomes.
const FALLBACK: &str = "download";

/// Windows device names that cannot be a file name, with or without an extension.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Turns a server-supplied name into one path component: no separators, no `..`, no control characters, no
/// characters Windows forbids, no reserved device names, no leading dots (hidden files), at most
/// [`MAX_NAME_BYTES`] bytes with the extension kept.
pub fn sanitize_file_name(raw: &str) -> String {
    let replaced: String = raw
        .chars()
        .map(|c| match c {
            '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c if c.is_control() || is_bidi_control(c) => '_',
            c => c,
        })
        .collect();
    let trimmed = replaced
        .trim_matches(|c: char| c == ' ' || c == '.')
        .to_owned();
    let mut name = if trimmed.chars().all(|c| c == '_') {
        FALLBACK.to_owned()
    } else {
        trimmed
    };
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        name.insert(0, '_');
    }
    cap_length(&name)
}

/// Direction marks, embeddings, overrides and isolates: `invoice\u{202E}fdp.exe` would show as `invoiceexe.pdf`.
/// The CLI escapes them and the desktop shows them, so one list serves every front end.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

fn cap_length(name: &str) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name.to_owned();
    }
    // Keep a short extension so the file still opens with the right app.
    let extension = name
        .rfind('.')
        .map(|dot| &name[dot..])
        .filter(|ext| ext.len() <= 16 && ext.len() > 1)
        .unwrap_or("");
    let budget = MAX_NAME_BYTES - extension.len();
    let mut cut = budget.min(name.len() - extension.len());
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = name[..cut].trim_end_matches([' ', '.']);
    format!("{stem}{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_separators_and_parent_references_cannot_escape_the_folder() {
        assert_eq!(sanitize_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(sanitize_file_name("..\\..\\boot.ini"), "_.._boot.ini");
        assert_eq!(sanitize_file_name(".."), "download");
        assert_eq!(sanitize_file_name("/"), "download");
        assert!(!sanitize_file_name("/abs/path.pdf").contains('/'));
    }

    #[test]
    fn control_characters_and_nul_are_replaced() {
        assert_eq!(sanitize_file_name("a\0b\nc\u{7f}.txt"), "a_b_c_.txt");
    }

    #[test]
    fn windows_reserved_device_names_get_a_prefix() {
        assert_eq!(sanitize_file_name("CON"), "_CON");
        assert_eq!(sanitize_file_name("nul.txt"), "_nul.txt");
        assert_eq!(sanitize_file_name("com1.tar.gz"), "_com1.tar.gz");
        assert_eq!(sanitize_file_name("console.txt"), "console.txt");
    }

    #[test]
    fn leading_dots_and_trailing_spaces_are_trimmed() {
        assert_eq!(sanitize_file_name(".bashrc"), "bashrc");
        assert_eq!(sanitize_file_name("report.pdf. "), "report.pdf");
    }

    #[test]
    fn unicode_names_survive_unchanged() {
        assert_eq!(
            sanitize_file_name("Zoë – München €.csv"),
            "Zoë – München €.csv"
        );
    }

    #[test]
    fn very_long_names_are_capped_on_a_character_boundary_keeping_the_extension() {
        let long = format!("{}.pdf", "é".repeat(5_000));
        let safe = sanitize_file_name(&long);
        assert!(safe.len() <= MAX_NAME_BYTES, "{}", safe.len());
        assert!(safe.ends_with(".pdf"));
        assert!(safe.starts_with('é'));
    }

    #[test]
    fn a_name_of_only_forbidden_characters_falls_back() {
        assert_eq!(sanitize_file_name("???"), "download");
        assert_eq!(sanitize_file_name(""), "download");
    }
}

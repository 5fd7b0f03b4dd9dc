//! Reading a DOCTYPE only to warn about it: entity declarations are listed, never expanded or fetched.

use serde::Serialize;

const LISTED_ENTITIES: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeclaredEntity {
    pub name: String,
    /// `%name;` entities, used inside the DTD itself.
    pub parameter: bool,
    /// The SYSTEM (or PUBLIC) address of an external entity; never fetched.
    pub external: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoctypeReport {
    pub root: String,
    pub entities: Vec<DeclaredEntity>,
    /// Entities declared beyond those listed.
    pub more_entities: u64,
    /// The DOCTYPE names an external DTD (never fetched).
    pub external_dtd: Option<String>,
    /// What Docket did about it, in plain words.
    pub refusal: Option<String>,
}

pub(crate) fn inspect_doctype(text: &str) -> DoctypeReport {
    let trimmed = text.trim_start();
    let root: String = trimmed
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '[')
        .take(200)
        .collect();
    let head = &trimmed[trimmed.find('[').unwrap_or(trimmed.len())..];
    let before_subset = &trimmed[..trimmed.len() - head.len()];
    let external_dtd = external_id(&before_subset[root.len().min(before_subset.len())..]);
    let mut entities = Vec::new();
    let mut more_entities = 0;
    let mut rest = text;
    while let Some(at) = rest.find("<!ENTITY") {
        rest = &rest[at + "<!ENTITY".len()..];
        let mut body = rest.trim_start();
        let parameter = body.starts_with('%');
        if parameter {
            body = body[1..].trim_start();
        }
        let name: String = body
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>')
            .take(200)
            .collect();
        let after_name = &body[body.len().min(name.len())..];
        let entity = DeclaredEntity {
            external: external_id(after_name),
            name,
            parameter,
        };
        if entities.len() < LISTED_ENTITIES {
            entities.push(entity);
        } else {
            more_entities += 1;
        }
    }
    let external_count = entities.iter().filter(|e| e.external.is_some()).count();
    let refusal = if let Some(first) = entities.iter().find(|e| e.external.is_some()) {
        Some(format!(
            "this document declares {external_count} external entit{} (`{}` points at {}); Docket never \
             fetches or expands entities, so references to them are shown as literal text",
            if external_count == 1 { "y" } else { "ies" },
            first.name,
            first.external.as_deref().unwrap_or_default()
        ))
    } else if !entities.is_empty() {
        Some(format!(
            "this document declares {} entit{} in its DOCTYPE; Docket never expands entities (an entity \
             bomb stays harmless), so references such as `&{};` are shown as literal text",
            entities.len() as u64 + more_entities,
            if entities.len() == 1 { "y" } else { "ies" },
            entities[0].name
        ))
    } else {
        external_dtd
            .as_ref()
            .map(|dtd| format!("the external DTD {dtd} is not fetched"))
    };
    DoctypeReport {
        root,
        entities,
        more_entities,
        external_dtd,
        refusal,
    }
}

/// The address in `SYSTEM "x"` or `PUBLIC "id" "x"` at the start of `text`.
fn external_id(text: &str) -> Option<String> {
    let text = text.trim_start();
    let quoted = if let Some(rest) = text.strip_prefix("SYSTEM") {
        quoted_literals(rest).into_iter().next()
    } else if let Some(rest) = text.strip_prefix("PUBLIC") {
        quoted_literals(rest).into_iter().nth(1)
    } else {
        None
    };
    quoted.map(|address| address.chars().take(500).collect())
}

fn quoted_literals(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text.trim_start();
    while found.len() < 2 {
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let Some(end) = rest[1..].find(quote) else {
            break;
        };
        found.push(&rest[1..1 + end]);
        rest = rest[end + 2..].trim_start();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_external_entity_is_named_with_its_address_and_refused() {
        let report = inspect_doctype(r#"foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]"#);
        assert_eq!(report.root, "foo");
        assert_eq!(
            report.entities[0].external.as_deref(),
            Some("file:///etc/passwd")
        );
        assert!(report.refusal.unwrap().contains("never fetches"));
    }

    #[test]
    fn internal_entities_are_listed_and_refused() {
        let report = inspect_doctype(r#"lolz [<!ENTITY lol "lol"><!ENTITY % p "x">]"#);
        assert_eq!(report.entities.len(), 2);
        assert!(report.entities[1].parameter);
        assert!(report.refusal.unwrap().contains("never expands"));
    }

    #[test]
    fn an_external_dtd_is_reported() {
        let report = inspect_doctype(r#"html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://x/y.dtd""#);
        assert_eq!(report.external_dtd.as_deref(), Some("http://x/y.dtd"));
    }
}

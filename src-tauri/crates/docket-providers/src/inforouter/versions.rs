//! `GetDocumentVersions` answers as versions, newest first.

use docket_core::{ProviderError, Version};

use super::paths::VERSION_STEP;
use super::xml::Element;

/// Reads `<Versions><Version Number="..">` either as the root or inside `<response>`.
pub(super) fn versions(answer: &Element) -> Result<Vec<Version>, ProviderError> {
    let list = if answer.is("Versions") {
        answer
    } else {
        answer.child("Versions").ok_or_else(|| {
            ProviderError::protocol("GetDocumentVersions answered without <Versions>")
        })?
    };
    let mut numbered = Vec::new();
    for element in list.children.iter().filter(|c| c.is("Version")) {
        let number: u64 = element
            .attr("Number")
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| ProviderError::protocol("a <Version> has no numeric Number"))?;
        numbered.push((number, version(number, element)));
    }
    numbered.sort_by_key(|(number, _)| std::cmp::Reverse(*number));
    Ok(numbered.into_iter().map(|(_, v)| v).collect())
}

fn version(number: u64, element: &Element) -> Version {
    let mut label = format!("Version {}", number / VERSION_STEP);
    if let Some(comment) = element.child_text("Comment") {
        label = format!("{label}: {comment}");
    }
    Version {
        id: number.to_string(),
        label,
        size: element
            .child_text("VersionSize")
            .and_then(|s| s.parse().ok()),
        modified: element.child_text("DateCreated").map(str::to_owned),
        checksum: element.child_text("CheckSum").map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_newest_first_with_size_and_checksum() {
        let answer = Element::parse(
            r#"<response success="true" error=""><Versions>
                 <Version Number="1000000"><VersionSize>10</VersionSize><CheckSum>aa</CheckSum>
                   <DateCreated>2024-03-10T08:15:00.000Z</DateCreated><Comment>Initial upload</Comment></Version>
                 <Version Number="2000000"><VersionSize>20</VersionSize><CheckSum>bb</CheckSum></Version>
               </Versions></response>"#,
        )
        .unwrap();
        let list = versions(&answer).unwrap();
        assert_eq!(list[0].id, "2000000");
        assert_eq!(list[0].label, "Version 2");
        assert_eq!(list[0].size, Some(20));
        assert_eq!(list[1].label, "Version 1: Initial upload");
        assert_eq!(list[1].checksum.as_deref(), Some("aa"));
        assert_eq!(
            list[1].modified.as_deref(),
            Some("2024-03-10T08:15:00.000Z")
        );
    }

    #[test]
    fn a_bare_versions_root_is_read_too() {
        let answer = Element::parse(r#"<Versions><Version Number="1000000"/></Versions>"#).unwrap();
        assert_eq!(versions(&answer).unwrap().len(), 1);
    }
}

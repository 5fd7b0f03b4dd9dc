//! Any bytes, as an XML outline and a raw view: no panic, no expansion, and every bound holds.
#![no_main]

use docket_preview::xml::XmlNode;
use docket_preview::{xml_outline, xml_raw_view, PreviewLimits, PreviewSource};
use libfuzzer_sys::fuzz_target;

fn limits() -> PreviewLimits {
    PreviewLimits {
        sniff_bytes: 4096,
        xml_depth: 8,
        xml_nodes: 64,
        xml_attributes: 4,
        xml_event_bytes: 4096,
        xml_text_chars: 64,
        text_lines: 64,
        line_chars: 120,
        ..PreviewLimits::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = limits();
    let source = || PreviewSource::Prefix {
        bytes: data.to_vec(),
        total_size: Some(data.len() as u64),
    };
    if let Ok(outline) = xml_outline(source(), &limits) {
        assert!(outline.nodes.len() <= limits.xml_nodes);
        for node in &outline.nodes {
            assert!((node.depth as usize) < limits.xml_depth);
            match &node.node {
                XmlNode::Element { attributes, .. } => {
                    assert!(attributes.len() <= limits.xml_attributes)
                }
                XmlNode::Text { text, .. } => {
                    // Entities are never expanded, so no text grows past the input.
                    assert!(text.chars().count() <= limits.xml_text_chars);
                }
                _ => {}
            }
        }
        if let Some(error) = &outline.error {
            assert!(error.line >= 1 && error.column >= 1);
        }
    }
    if let Ok(raw) = xml_raw_view(source(), &limits) {
        assert!(raw.lines.len() <= limits.text_lines);
    }
});

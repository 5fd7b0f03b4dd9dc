//! A catalog XML with what XML readers trip over: namespaces, attributes, CDATA, comments and entities.

use super::xml_escape;

const TITLES: [&str; 5] = [
    "Pressure sensor & housing",
    "Flow meter <DN50>",
    "Thermocouple \"type K\"",
    "Valve actuator",
    "Gateway für Feldbus",
];
const CITIES: [&str; 3] = ["München", "Zürich", "Reykjavík"];

pub fn catalog(items: usize) -> Vec<u8> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!-- Docket demo catalog: generated, do not edit -->\n\
         <cat:catalog xmlns:cat=\"urn:docket:demo:catalog\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns=\"urn:docket:demo:default\" version=\"2\">\n",
    );
    for i in 1..=items {
        let status = if i % 4 == 0 { "retired" } else { "active" };
        out.push_str(&format!(
            "  <cat:item id=\"A-{:03}\" status=\"{status}\">\n\
             \x20   <dc:title>{}</dc:title>\n\
             \x20   <dc:creator>Zoë Brennan</dc:creator>\n\
             \x20   <cat:location city=\"{}\" rack='R{}'/>\n\
             \x20   <!-- item {i} -->\n\
             \x20   <cat:notes><![CDATA[Calibrate below <20 °C> & log \"raw\" values ({i})]]></cat:notes>\n\
             \x20   <price currency=\"EUR\">{}.{:02}</price>\n\
             \x20 </cat:item>\n",
            100 + i,
            xml_escape(TITLES[i % TITLES.len()]),
            CITIES[i % CITIES.len()],
            i % 7,
            i * 37,
            i % 100,
        ));
    }
    out.push_str("</cat:catalog>\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_declares_namespaces_and_uses_prefixed_elements() {
        let xml = String::from_utf8(catalog(3)).unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        assert!(xml.contains("xmlns:cat=\"urn:docket:demo:catalog\""));
        assert!(xml.contains("<dc:title>"));
    }

    #[test]
    fn the_catalog_holds_cdata_comments_entities_and_attributes() {
        let xml = String::from_utf8(catalog(3)).unwrap();
        assert!(xml.contains("<![CDATA[Calibrate below <20 °C>"));
        assert!(xml.contains("<!-- item 2 -->"));
        assert!(xml.contains("Flow meter &lt;DN50&gt;"));
        assert!(xml.contains("city=\"Zürich\" rack='R1'"));
    }

    #[test]
    fn every_item_is_closed() {
        let xml = String::from_utf8(catalog(25)).unwrap();
        assert_eq!(xml.matches("<cat:item ").count(), 25);
        assert_eq!(xml.matches("</cat:item>").count(), 25);
        assert!(xml.trim_end().ends_with("</cat:catalog>"));
    }
}

//! infoRouter's XML answers: `<root>`/`<response>` elements whose attributes carry the result, `success` first.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::samples::xml_escape;

/// One element being built; attributes keep their order.
#[derive(Debug)]
pub(super) struct Tag {
    name: &'static str,
    attributes: Vec<(&'static str, String)>,
    inner: String,
}

impl Tag {
    pub fn new(name: &'static str) -> Tag {
        Tag {
            name,
            attributes: Vec::new(),
            inner: String::new(),
        }
    }

    /// `<response success="true" error="">`, the start of every successful answer but the login's.
    pub fn success() -> Tag {
        Tag::new("response")
            .attr("success", "true")
            .attr("error", "")
    }

    pub fn attr(mut self, name: &'static str, value: impl ToString) -> Tag {
        self.attributes.push((name, value.to_string()));
        self
    }

    pub fn child(mut self, child: Tag) -> Tag {
        self.inner.push_str(&child.render());
        self
    }

    /// Character data, escaped.
    pub fn text(mut self, text: &str) -> Tag {
        self.inner.push_str(&xml_escape(text));
        self
    }

    pub fn render(&self) -> String {
        let mut out = format!("<{}", self.name);
        for (name, value) in &self.attributes {
            out.push_str(&format!(" {name}=\"{}\"", xml_escape(value)));
        }
        if self.inner.is_empty() {
            out.push_str(" />");
        } else {
            out.push_str(&format!(">{}</{}>", self.inner, self.name));
        }
        out
    }

    /// HTTP 200, `text/xml`, with the XML declaration ASP.NET writes.
    pub fn respond(&self) -> Response {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{}",
            self.render()
        );
        ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
    }
}

/// `<response success="false" error="..."/>`: infoRouter reports failures inside an HTTP 200.
pub(super) fn failure(message: &str) -> Response {
    Tag::new("response")
        .attr("success", "false")
        .attr("error", message)
        .respond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_and_text_are_escaped() {
        let tag = Tag::success()
            .attr("n", "R&D \"x\"")
            .child(Tag::new("d").attr("id", 1))
            .text("<b>");
        assert_eq!(
            tag.render(),
            "<response success=\"true\" error=\"\" n=\"R&amp;D &quot;x&quot;\"><d id=\"1\" />&lt;b&gt;</response>"
        );
    }
}

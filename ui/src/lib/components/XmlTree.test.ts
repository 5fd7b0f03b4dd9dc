import { cleanup, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { XmlNodeKind } from "../bindings";
import { nestOutline } from "../logic/xmlTree";
import XmlTree from "./XmlTree.svelte";

afterEach(cleanup);

const node = (depth: number, kind: XmlNodeKind, name: string, text = "", attributes: [string, string][] = []) => ({
  depth,
  kind,
  name,
  attributes: attributes.map(([n, v]) => ({ name: n, value: v })),
  moreAttributes: 0,
  text,
  cut: false,
});

describe("XmlTree", () => {
  it("renders elements with their attributes, CDATA and comments as a tree", () => {
    const [root] = nestOutline([
      node(0, "element", "c:catalog", "", [["xmlns:c", "urn:c"]]),
      node(1, "comment", "", " note "),
      node(1, "element", "item", "", [["id", "1"]]),
      node(2, "cdata", "", "a < b"),
    ]);
    const { container } = render(XmlTree, { tree: root });
    const items = screen.getAllByRole("treeitem");
    expect(items.map((i) => i.getAttribute("aria-level"))).toEqual(["1", "2", "2"]);
    expect(items[0].getAttribute("aria-expanded")).toBe("true");
    const tags = screen.getAllByTestId("xml-tag").map((t) => t.textContent);
    expect(tags).toEqual(["<c:catalog", "<item"]);
    const text = container.textContent ?? "";
    expect(text).toContain('id="1"');
    expect(text).toContain("<![CDATA[a < b]]>");
    expect(text).toContain("<!--  note  -->");
  });

  it("shows the text of an element that holds only text on the element's own line", () => {
    const [root] = nestOutline([node(0, "element", "title"), node(1, "text", "", "Valve actuator")]);
    const { container } = render(XmlTree, { tree: root });
    expect(screen.getAllByRole("treeitem")).toHaveLength(1);
    expect(container.textContent).toContain("Valve actuator");
  });
});

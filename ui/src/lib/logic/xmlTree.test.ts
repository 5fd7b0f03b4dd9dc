import { describe, expect, it } from "vitest";
import { nestOutline } from "./xmlTree";

const n = (depth: number, name: string) => ({ depth, name });

describe("nestOutline", () => {
  it("puts each node under the element before it that is one level up", () => {
    const tree = nestOutline([n(0, "catalog"), n(1, "item"), n(2, "#text"), n(1, "item"), n(0, "#comment")]);
    expect(tree.map((t) => t.node.name)).toEqual(["catalog", "#comment"]);
    expect(tree[0].children.map((t) => t.node.name)).toEqual(["item", "item"]);
    expect(tree[0].children[0].children.map((t) => t.node.name)).toEqual(["#text"]);
  });

  it("keeps document order in the ids so the view can key on them", () => {
    const tree = nestOutline([n(0, "a"), n(1, "b"), n(1, "c")]);
    expect(tree[0].children.map((t) => t.id)).toEqual([1, 2]);
  });

  it("nests a node that skips levels under the last shallower one", () => {
    const tree = nestOutline([n(0, "a"), n(3, "deep")]);
    expect(tree[0].children.map((t) => t.node.name)).toEqual(["deep"]);
  });
});

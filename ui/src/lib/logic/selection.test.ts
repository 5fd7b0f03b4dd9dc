import { describe, expect, it } from "vitest";
import { click, emptySelection, followRows, move, orderedIndices, selectAll } from "./selection";

const plain = { toggle: false, range: false };

describe("selection by mouse", () => {
  it("a plain click selects only that row", () => {
    const s = click(click(emptySelection(), 2, plain), 5, plain);
    expect(orderedIndices(s)).toEqual([5]);
  });

  it("Ctrl-click adds and removes single rows", () => {
    let s = click(emptySelection(), 1, plain);
    s = click(s, 4, { toggle: true, range: false });
    expect(orderedIndices(s)).toEqual([1, 4]);
    s = click(s, 1, { toggle: true, range: false });
    expect(orderedIndices(s)).toEqual([4]);
  });

  it("Shift-click selects the range from the anchor, in either direction", () => {
    let s = click(emptySelection(), 6, plain);
    s = click(s, 3, { toggle: false, range: true });
    expect(orderedIndices(s)).toEqual([3, 4, 5, 6]);
  });
});

describe("selection by keyboard", () => {
  it("the first Down selects the first row and stops at the last", () => {
    let s = move(emptySelection(), 1, 3, false);
    expect(orderedIndices(s)).toEqual([0]);
    s = move(move(move(s, 1, 3, false), 1, 3, false), 1, 3, false);
    expect(orderedIndices(s)).toEqual([2]);
  });

  it("Shift+arrows grow the selection from the anchor", () => {
    let s = click(emptySelection(), 2, plain);
    s = move(s, 1, 10, true);
    s = move(s, 1, 10, true);
    expect(orderedIndices(s)).toEqual([2, 3, 4]);
    s = move(s, -3, 10, true);
    expect(orderedIndices(s)).toEqual([1, 2]);
  });

  it("select all covers every row", () => {
    expect(orderedIndices(selectAll(4))).toEqual([0, 1, 2, 3]);
  });
});

describe("selection while rows arrive", () => {
  it("the selected rows, cursor and anchor follow their rows when rows are inserted above them", () => {
    const before = ["b", "d", "f"];
    const after = ["a", "b", "c", "d", "e", "f"];
    let s = click(emptySelection(), 1, plain);
    s = click(s, 2, { toggle: false, range: true });
    const followed = followRows(s, before, after);
    expect(orderedIndices(followed)).toEqual([3, 5]);
    expect(followed.cursor).toBe(5);
    expect(followed.anchor).toBe(3);
  });

  it("a listing fetched again keeps the selection on the same rows by their key, though its objects are new", () => {
    const before = [{ id: "a" }, { id: "b" }, { id: "c" }];
    const after = [{ id: "c" }, { id: "a" }, { id: "b" }];
    const s = click(emptySelection(), 1, plain);
    expect(orderedIndices(followRows(s, before, after))).toEqual([]);
    const followed = followRows(s, before, after, (row) => row.id);
    expect(orderedIndices(followed)).toEqual([2]);
    expect(followed.cursor).toBe(2);
  });

  it("an empty selection stays empty", () => {
    const s = emptySelection();
    expect(followRows(s, ["a"], ["b", "a"])).toBe(s);
  });
});

import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import KindList from "./KindList.svelte";

describe("KindList", () => {
  it("lists every kind with its name, id and summary", () => {
    render(KindList, {
      kinds: [
        { id: "inforouter", name: "infoRouter", summary: "staged handler", chunked: true },
        { id: "sage-active", name: "Sage Active", summary: "short links", chunked: false },
      ],
    });
    const items = screen.getAllByRole("listitem");
    expect(items).toHaveLength(2);
    expect(items[0].textContent).toContain("infoRouter");
    expect(items[0].textContent).toContain("inforouter");
    expect(items[1].textContent).toContain("short links");
  });
});

import { cleanup, render } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import Welcome from "./Welcome.svelte";

const noop = () => {};

describe("Welcome", () => {
  afterEach(cleanup);

  it("names the demo's kinds from what the registry sends", () => {
    const { container } = render(Welcome, {
      onDemo: noop,
      onAdd: noop,
      opening: false,
      problem: null,
      kinds: [{ name: "infoRouter" }, { name: "Toy server" }],
    });
    const text = container.querySelector("[data-testid=demo-kinds]")?.textContent ?? "";
    expect(text).toContain("infoRouter, Toy server");
  });

  it("still offers the demo before the kinds have arrived", () => {
    const { container } = render(Welcome, { onDemo: noop, onAdd: noop, opening: false, problem: null, kinds: [] });
    expect(container.querySelector("[data-testid=open-demo]")).not.toBeNull();
  });
});

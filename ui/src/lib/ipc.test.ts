import { describe, expect, it } from "vitest";
import { CommandFailed, describeError, unwrap } from "./ipc";

describe("unwrap", () => {
  it("returns the data of a successful command", async () => {
    await expect(unwrap(Promise.resolve({ status: "ok" as const, data: 42 }))).resolves.toBe(42);
  });

  it("throws the command's own code and message when it failed", async () => {
    const failed = unwrap(
      Promise.resolve({
        status: "error" as const,
        error: { code: "unknown_kind" as const, message: "unknown server kind `ftp`" },
      }),
    );
    await expect(failed).rejects.toBeInstanceOf(CommandFailed);
    await expect(failed).rejects.toMatchObject({ code: "unknown_kind", message: "unknown server kind `ftp`" });
  });
});

describe("describeError", () => {
  it("shows an IPC error's message, not its code", () => {
    expect(describeError({ code: "internal", message: "the catalog is locked" })).toBe("the catalog is locked");
  });

  it("shows Tauri's plain-string rejections as they are", () => {
    expect(describeError("command engine_info not allowed")).toBe("command engine_info not allowed");
  });

  it("falls back to a sentence when nothing readable was thrown", () => {
    expect(describeError(undefined)).toMatch(/Docket's engine/);
  });
});

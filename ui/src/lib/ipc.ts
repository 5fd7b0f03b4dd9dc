// Turns command results into values or readable errors. Types come from the generated bindings.
import type { IpcError } from "./bindings";

export type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

/** An error a Rust command returned, with the code the UI may branch on. */
export class CommandFailed extends Error {
  readonly code: IpcError["code"];

  constructor(error: IpcError) {
    super(error.message);
    this.name = "CommandFailed";
    this.code = error.code;
  }
}

export async function unwrap<T>(pending: Promise<CommandResult<T>>): Promise<T> {
  const result = await pending;
  if (result.status === "error") {
    throw new CommandFailed(result.error);
  }
  return result.data;
}

/** One sentence for the person looking at the window, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof CommandFailed) {
    return error.message;
  }
  if (isIpcError(error)) {
    return error.message;
  }
  if (error instanceof Error && error.message) {
    return error.message;
  }
  if (typeof error === "string" && error.trim()) {
    // Tauri rejects with a plain string for framework failures (unknown command, denied permission).
    return error;
  }
  return "Something went wrong in Docket's engine; see the log for details.";
}

function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IpcError).code === "string" &&
    typeof (value as IpcError).message === "string"
  );
}

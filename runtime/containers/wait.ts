/**
 * `wait`: Docker's conditions. "not-running" (the default) answers at once for a container that is not running, else
 * at its exit; "next-exit" waits for the next exit even of a stopped container (one started later); "removed" waits
 * for the removal. A removal ends every waiter. The waiter is registered when `wait` returns, so a start that follows
 * cannot be missed (the CLI sends the wait before the start).
 */
import { isRunning } from "./container.js";
import type { LiveRegistry } from "./live.js";

export type WaitCondition = "not-running" | "next-exit" | "removed";

export const WAIT_CONDITIONS: readonly WaitCondition[] = ["not-running", "next-exit", "removed"];

export interface WaitResult {
  StatusCode: number;
  Error: { Message: string } | null;
}

/** The promise of the result, and a function that cancels the waiter (the client went away). */
export function waitContainer(registry: LiveRegistry, ref: string, condition: WaitCondition):
  { result: Promise<WaitResult>; cancel: () => void } {
  const live = registry.find(ref);
  const result = (): WaitResult => ({
    StatusCode: live.record.state.exitCode,
    Error: live.record.state.error ? { Message: live.record.state.error } : null,
  });
  if (condition === "not-running" && !isRunning(live.record)) {
    return { result: Promise.resolve(result()), cancel: () => undefined };
  }
  const event = condition === "removed" ? "removed" : "exit";
  let listener: (() => void) | undefined;
  const promise = new Promise<WaitResult>((resolve) => {
    listener = () => resolve(result());
    live.events.once(event, listener);
    if (event === "exit") live.events.once("removed", listener);
  });
  const cancel = (): void => {
    if (!listener) return;
    live.events.off("exit", listener);
    live.events.off("removed", listener);
  };
  return { result: promise.finally(cancel), cancel };
}

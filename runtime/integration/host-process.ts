/**
 * A container's process as the host sees it (by the host PID that `inspect {{.State.Pid}}` shows): for tests that
 * must know a container has ended while no hakod runs to say so.
 */
import { readFile } from "node:fs/promises";

/** Whether host process `pid` has ended: gone, or a zombie its parent (the shim) has not reaped yet. */
export async function hasEnded(pid: string): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat === "" || /\) Z /.test(stat);
}

/**
 * GET /containers/{id}/stats: Docker's StatsJSON (containers/stats.ts).
 *
 * - `stream=1` (the default): a sample at once (without a previous one), then one per second, until the client goes
 *   away; a container that is not running gives zeros.
 * - `stream=0`: one answer with a previous sample a second older, so that CPU % means something (`docker stats
 *   --no-stream`); with `one-shot=1` at once, without the previous sample.
 */
import { invalidArgument } from "../errors.js";
import { isRunning, type ContainerRecord } from "../containers/container.js";
import { sampleStats, statsJson, type StatsHost, type StatsSample } from "../containers/stats.js";
import { boolParam, sendJson, type Ctx } from "./http.js";

const INTERVAL_MS = 1000;

export async function containerStats(ctx: Ctx): Promise<void> {
  const { res, engine } = ctx;
  const containers = engine.containers;
  const ref = ctx.params[0] ?? "";
  const stream = boolParam(ctx.query, "stream", true);
  const oneShot = boolParam(ctx.query, "one-shot");
  if (stream && oneShot) throw invalidArgument("cannot have stream=true and one-shot=true");
  const first = containers.get(ref);
  const host: StatsHost = { cgroups: engine.cgroups, cgroupPath: (id) => engine.layout.cgroupPath(id) };
  // the record is looked up again each time: the container may be restarted, renamed or removed meanwhile
  const current = (): ContainerRecord | null => {
    try {
      return containers.get(first.id);
    } catch {
      return null;
    }
  };
  const sample = async (): Promise<StatsSample | null> => {
    const rec = current();
    return rec && isRunning(rec) ? sampleStats(host, rec) : null;
  };

  let closed = false;
  let wake: (() => void) | null = null;
  res.on("close", () => {
    closed = true;
    wake?.();
  });
  const pause = (ms: number): Promise<void> => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  if (!stream) {
    const pre = oneShot ? null : await sample();
    if (pre) await pause(INTERVAL_MS);
    if (closed) return;
    const cur = await sample();
    sendJson(res, 200, statsJson(current() ?? first, cur, cur ? pre : null));
    return;
  }
  res.writeHead(200, { "Content-Type": "application/json" });
  res.flushHeaders();
  let pre: StatsSample | null = null;
  while (!closed) {
    const rec = current();
    if (!rec) break;
    const cur = await sample();
    if (closed) break;
    res.write(`${JSON.stringify(statsJson(rec, cur, pre))}\n`);
    pre = cur;
    await pause(INTERVAL_MS);
  }
  res.end();
}

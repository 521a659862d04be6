/**
 * GET /containers/{id}/logs: the log hako-shim recorded, as Docker shows it (containers/logs.ts), and with
 * `follow=1` what the container writes next, until it stops (containers/log-files.ts).
 */
import { invalidArgument } from "../errors.js";
import { streamLogs } from "../containers/log-files.js";
import { parseTail } from "../containers/logs.js";
import { boolParam, type Ctx } from "./http.js";
import { MULTIPLEXED_STREAM, RAW_STREAM } from "./hijack.js";
import { parseTimestampNs } from "./time-params.js";

export async function containerLogs(ctx: Ctx): Promise<void> {
  const q = ctx.query;
  const containers = ctx.engine.containers;
  const ref = ctx.params[0] ?? "";
  const rec = containers.get(ref);
  const stdout = boolParam(q, "stdout");
  const stderr = boolParam(q, "stderr");
  if (!stdout && !stderr) throw invalidArgument("Bad parameters: you must choose at least one stream");
  const opts = {
    stdout,
    stderr,
    sinceNs: parseTimestampNs(q.get("since"), "since"),
    untilNs: parseTimestampNs(q.get("until"), "until"),
    tail: parseTail(q.get("tail")),
    timestamps: boolParam(q, "timestamps"),
    multiplexed: !rec.config.Tty,
  };
  const { res } = ctx;
  // with follow, the waiter is in place before the log is read: an exit in between cannot be missed
  const stopped = boolParam(q, "follow") ? containers.wait(rec.id, "not-running") : null;
  res.writeHead(200, { "Content-Type": opts.multiplexed ? MULTIPLEXED_STREAM : RAW_STREAM });
  if (stopped) {
    res.flushHeaders();
    try {
      await streamLogs(containers.logFile(rec.id), opts, res, { stopped: stopped.result });
    } finally {
      stopped.cancel();
    }
  } else {
    await streamLogs(containers.logFile(rec.id), opts, res);
  }
  res.end();
}

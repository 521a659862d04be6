/**
 * GET /containers/{id}/logs: the log hako-shim recorded, as lines, filtered and optionally time-stamped.
 * `follow` is not implemented yet: with follow=1 the answer holds what the log has now and then ends.
 */
import { invalidArgument } from "../errors.js";
import { formatLogTimestamp, parseTail, parseTimestampNs, readLogLines } from "../containers/logs.js";
import { boolParam, type Ctx } from "./http.js";
import { MULTIPLEXED_STREAM, muxHeader, RAW_STREAM } from "./hijack.js";

export async function containerLogs(ctx: Ctx): Promise<void> {
  const q = ctx.query;
  const containers = ctx.engine.containers;
  const ref = ctx.params[0] ?? "";
  const rec = containers.get(ref);
  const stdout = boolParam(q, "stdout");
  const stderr = boolParam(q, "stderr");
  if (!stdout && !stderr) throw invalidArgument("Bad parameters: you must choose at least one stream");
  const lines = await readLogLines(containers.logFile(ref), {
    stdout,
    stderr,
    sinceNs: parseTimestampNs(q.get("since"), "since"),
    untilNs: parseTimestampNs(q.get("until"), "until"),
    tail: parseTail(q.get("tail")),
  });
  const timestamps = boolParam(q, "timestamps");
  const tty = rec.config.Tty;
  const { res } = ctx;
  res.writeHead(200, { "Content-Type": tty ? RAW_STREAM : MULTIPLEXED_STREAM });
  for (const l of lines) {
    const data = timestamps ? Buffer.concat([Buffer.from(`${formatLogTimestamp(l.timeNs)} `), l.data]) : l.data;
    if (!tty) res.write(muxHeader(l.stream, data.length));
    res.write(data);
  }
  res.end();
}

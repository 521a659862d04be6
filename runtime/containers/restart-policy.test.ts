/** Restart policies: what dockerd's restart manager decides after each exit, and the policies it accepts. */
import { describe, expect, it } from "vitest";
import { isKind } from "../errors.js";
import { decideRestart, normaliseRestartPolicy, type RestartPolicy } from "./restart-policy.js";

const fresh = () => ({ delayMs: 0, count: 0, cancelled: false });
const p = (Name: RestartPolicy["Name"], MaximumRetryCount = 0): RestartPolicy => ({ Name, MaximumRetryCount });

describe("restart decisions", () => {
  it("on-failure restarts on a non-zero exit, at most N times", () => {
    const s = fresh();
    expect(decideRestart(p("on-failure", 2), s, 1, false, 50).restart).toBe(true);
    expect(decideRestart(p("on-failure", 2), s, 1, false, 50).restart).toBe(true);
    expect(decideRestart(p("on-failure", 2), s, 1, false, 50).restart).toBe(false);
    expect(decideRestart(p("on-failure"), fresh(), 0, false, 50).restart).toBe(false);
  });

  it("waits 100 ms, doubling up to a minute, and starts over after a run of 10 s", () => {
    const s = fresh();
    const delays = Array.from({ length: 12 }, () => decideRestart(p("always"), s, 0, false, 100).delayMs);
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000]);
    expect(decideRestart(p("always"), s, 0, false, 10_000).delayMs).toBe(100);
  });

  it("unless-stopped respects a stop by hand, always does not; a cancelled manager never restarts", () => {
    expect(decideRestart(p("unless-stopped"), fresh(), 0, true, 100).restart).toBe(false);
    expect(decideRestart(p("unless-stopped"), fresh(), 0, false, 100).restart).toBe(true);
    expect(decideRestart(p("always"), fresh(), 0, true, 100).restart).toBe(true);
    expect(decideRestart(p("always"), { ...fresh(), cancelled: true }, 0, false, 100).restart).toBe(false);
    expect(decideRestart(p("no"), fresh(), 1, false, 100).restart).toBe(false);
  });
});

describe("restart policies accepted at create", () => {
  it("normalises an empty policy to no", () => {
    expect(normaliseRestartPolicy(undefined)).toEqual(p("no"));
    expect(normaliseRestartPolicy({ Name: "", MaximumRetryCount: 0 })).toEqual(p("no"));
    expect(normaliseRestartPolicy({ Name: "on-failure", MaximumRetryCount: 3 })).toEqual(p("on-failure", 3));
  });

  it("refuses unknown policies and misplaced retry counts", () => {
    for (const [raw, msg] of [
      [{ Name: "sometimes" }, "invalid restart policy: unknown policy 'sometimes'"],
      [{ Name: "always", MaximumRetryCount: 2 }, "maximum retry count can only be used with 'on-failure'"],
      [{ Name: "on-failure", MaximumRetryCount: -1 }, "maximum retry count cannot be negative"],
    ] as const) {
      try {
        normaliseRestartPolicy(raw);
        throw new Error("accepted");
      } catch (err) {
        expect(isKind(err, "InvalidArgument")).toBe(true);
        expect((err as Error).message).toContain(msg);
      }
    }
  });
});

/** The replay's timing (idle gaps shortened) and the keystrokes list (grouped into typed lines, control keys named). */
import { describe, expect, it } from "vitest";
import type { CastEvent } from "@/server/services/audit/asciicast";
import { IDLE_LIMIT_S, playbackTimes } from "./cast-playback";
import { typedLines, visibleKeys } from "./visible-keys";

describe("transcript playback", () => {
  it("keeps short gaps and shortens long ones to the idle limit", () => {
    const events: CastEvent[] = [[0.5, "o", "$ "], [1.0, "i", "l"], [31.0, "i", "s"], [31.25, "o", "ls"]];
    expect(playbackTimes(events)).toEqual([0.5, 1.0, 1.0 + IDLE_LIMIT_S, 1.25 + IDLE_LIMIT_S]);
  });

  it("lists keystrokes by typed line with the time of the first key, control keys visible", () => {
    const events: CastEvent[] = [[1, "i", "e"], [1.1, "i", "cho <b>hi</b>\r"], [1.2, "o", "hi"], [2, "i", "sudo\rs3cret\u007f\r"], [3, "i", "\u0003"]];
    expect(typedLines(events)).toEqual([
      { time: 1, text: "echo <b>hi</b>⏎" },
      { time: 2, text: "sudo⏎" },
      { time: 2, text: "s3cret⌫⏎" },
      { time: 3, text: "^C" },
    ]);
    expect(visibleKeys("\u001b[A\t")).toBe("ESC[A⇥");
  });
});

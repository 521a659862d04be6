/**
 * Playback of a recorded terminal session (asciicast v2, see server/services/audit/asciicast.ts) into an xterm.js
 * terminal: output (`o`) is written, resizes (`r`) resize it, input (`i`) is not drawn (the shell's echo already shows
 * what it echoed). Pauses longer than IDLE_LIMIT_S are shortened to it, like asciinema's idle time limit.
 */
import type { Terminal } from "@xterm/xterm";
import type { CastEvent } from "@/server/services/audit/asciicast";

export const IDLE_LIMIT_S = 2;

/** Each event's playback time in seconds, idle gaps shortened. */
export function playbackTimes(events: CastEvent[]): number[] {
  const out: number[] = [];
  let previous = 0;
  let at = 0;
  for (const [time] of events) {
    at += Math.min(IDLE_LIMIT_S, Math.max(0, time - previous));
    previous = time;
    out.push(at);
  }
  return out;
}

export interface Playback {
  /** 0 = paused */
  setSpeed(speed: number): void;
  restart(): void;
  stop(): void;
}

/** Plays `events` into `terminal` at `speed`; `onProgress` hears the position (seconds) and whether it finished. */
export function play(terminal: Terminal, events: CastEvent[], speed: number, onProgress: (at: number, done: boolean) => void): Playback {
  const times = playbackTimes(events);
  let index = 0;
  let position = 0; // seconds of playback time reached
  let rate = speed;
  let since = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const apply = ([, code, data]: CastEvent) => {
    if (code === "o") terminal.write(data);
    else if (code === "r") {
      const [cols, rows] = data.split("x").map(Number);
      if (cols && rows) terminal.resize(cols, rows);
    }
  };
  const now = () => position + (rate > 0 ? ((performance.now() - since) / 1000) * rate : 0);
  const tick = () => {
    timer = undefined;
    const at = now();
    while (index < events.length && times[index]! <= at) apply(events[index++]!);
    const done = index >= events.length;
    onProgress(done ? (times.at(-1) ?? 0) : at, done);
    if (!done && rate > 0) timer = setTimeout(tick, Math.min(100, ((times[index]! - at) * 1000) / rate));
  };
  const setSpeed = (next: number) => {
    position = now();
    since = performance.now();
    rate = next;
    if (timer) clearTimeout(timer);
    tick();
  };
  tick();
  return {
    setSpeed,
    restart: () => {
      terminal.reset();
      index = 0;
      position = 0;
      since = performance.now();
      if (timer) clearTimeout(timer);
      tick();
    },
    stop: () => {
      if (timer) clearTimeout(timer);
      rate = 0;
    },
  };
}

/** Signal names and numbers (Linux x86-64 and arm64) as `docker kill --signal` and `StopSignal` accept them. */
import { invalidArgument } from "../errors.js";

const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23,
  XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

/** "SIGTERM", "TERM", "15", "RTMIN+3" → number; throws InvalidArgument like dockerd ("Invalid signal: X"). */
export function parseSignal(value: string): number {
  const v = value.trim().toUpperCase();
  if (/^[0-9]+$/.test(v)) {
    const n = Number(v);
    if (n >= 1 && n <= 64) return n;
  } else {
    const name = v.startsWith("SIG") ? v.slice(3) : v;
    const known = SIGNALS[name];
    if (known !== undefined) return known;
    const rt = /^RTMIN(?:\+(\d+))?$/.exec(name) ?? null;
    if (rt) {
      const n = 34 + Number(rt[1] ?? 0);
      if (n <= 64) return n;
    }
    const rtMax = /^RTMAX(?:-(\d+))?$/.exec(name);
    if (rtMax) {
      const n = 64 - Number(rtMax[1] ?? 0);
      if (n >= 34) return n;
    }
  }
  throw invalidArgument(`Invalid signal: ${value}`);
}

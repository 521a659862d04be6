/**
 * Detach keys of attach and exec (`--detach-keys`, default ctrl-p,ctrl-q): a key sequence in a tty client's input
 * that ends the client's connection while the container (or exec) runs on. As with dockerd, only a tty session
 * watches for it, and the sequence itself never reaches the process; keys that begin the sequence and then stray from
 * it are passed on in order.
 */
import { invalidArgument } from "../errors.js";

/** Docker's default: ctrl-p, ctrl-q. */
export const DEFAULT_DETACH_KEYS = Buffer.from([0x10, 0x11]);

/** moby/term's names of the control characters, by code: ctrl-@ is 0, ctrl-a 1 … ctrl-_ 31. */
const CTRL_NAMES = ["ctrl-@", ..."abcdefghijklmnopqrstuvwxyz".split("").map((c) => `ctrl-${c}`),
  "ctrl-[", "ctrl-\\", "ctrl-]", "ctrl-^", "ctrl-_"];

/**
 * Parses a detach-keys spec ("ctrl-p,ctrl-q", "ctrl-x,x", "DEL"), as moby/term's ToBytes does; "" is the default.
 * A bad spec is the client's error, in dockerd's words.
 */
export function parseDetachKeys(spec: string): Buffer {
  if (spec === "") return DEFAULT_DETACH_KEYS;
  const codes: number[] = [];
  for (const key of spec.split(",")) {
    if (key.length === 1) {
      codes.push(key.charCodeAt(0) & 0xff);
      continue;
    }
    const ctrl = CTRL_NAMES.indexOf(key);
    if (ctrl >= 0) codes.push(ctrl);
    else if (key === "DEL") codes.push(127);
    else throw invalidArgument(`Invalid detach keys (${spec}) provided`);
  }
  return Buffer.from(codes);
}

/** Watches a client's input for the detach sequence, across chunk boundaries. */
export class DetachKeyWatcher {
  /** how many bytes of the sequence the input has matched so far (held back until it is decided) */
  private matched = 0;

  constructor(private readonly keys: Buffer) {}

  /** The bytes to pass on, and whether the sequence completed (what follows it is dropped). */
  push(chunk: Buffer): { data: Buffer; detached: boolean } {
    const keys = this.keys;
    if (keys.length === 0 || (this.matched === 0 && !chunk.includes(keys[0] as number))) {
      return { data: chunk, detached: false };
    }
    const out: number[] = [];
    for (const b of chunk) {
      if (b === keys[this.matched]) {
        this.matched++;
        if (this.matched === keys.length) {
          this.matched = 0;
          return { data: Buffer.from(out), detached: true };
        }
        continue;
      }
      // a partial match that strays is passed on; the stray byte may itself begin the sequence again
      for (let i = 0; i < this.matched; i++) out.push(keys[i] as number);
      this.matched = 0;
      if (b === keys[0]) {
        this.matched = 1;
        if (keys.length === 1) return { data: Buffer.from(out), detached: true };
      } else {
        out.push(b);
      }
    }
    return { data: Buffer.from(out), detached: false };
  }
}

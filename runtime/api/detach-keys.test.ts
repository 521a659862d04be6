import { describe, expect, it } from "vitest";
import { DEFAULT_DETACH_KEYS, DetachKeyWatcher, parseDetachKeys } from "./detach-keys.js";

describe("detach keys", () => {
  it("parses Docker's spellings: ctrl-<key>, single characters, DEL; empty means ctrl-p,ctrl-q", () => {
    expect(parseDetachKeys("")).toEqual(DEFAULT_DETACH_KEYS);
    expect([...parseDetachKeys("ctrl-p,ctrl-q")]).toEqual([0x10, 0x11]);
    expect([...parseDetachKeys("ctrl-@,ctrl-a,ctrl-z,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_")]).toEqual([0, 1, 26, 27, 28, 29, 30, 31]);
    expect([...parseDetachKeys("a,ctrl-x,DEL")]).toEqual([0x61, 0x18, 127]);
  });

  it("refuses what is not a key, in dockerd's words", () => {
    for (const bad of ["ctrl-", "ctrl-pp", "CTRL-P", "ab", "a,,b"]) {
      expect(() => parseDetachKeys(bad), bad).toThrow(`Invalid detach keys (${bad}) provided`);
    }
  });

  it("detaches on the whole sequence, which never reaches the process, across chunks", () => {
    const w = new DetachKeyWatcher(DEFAULT_DETACH_KEYS);
    expect(w.push(Buffer.from("ls\n"))).toEqual({ data: Buffer.from("ls\n"), detached: false });
    expect(w.push(Buffer.from("x\x10"))).toEqual({ data: Buffer.from("x"), detached: false });
    expect(w.push(Buffer.from("\x11after"))).toEqual({ data: Buffer.alloc(0), detached: true });
  });

  it("passes on a partial sequence that strays, in order", () => {
    const w = new DetachKeyWatcher(DEFAULT_DETACH_KEYS);
    expect(w.push(Buffer.from("\x10"))).toEqual({ data: Buffer.alloc(0), detached: false });
    expect(w.push(Buffer.from("a"))).toEqual({ data: Buffer.from("\x10a"), detached: false });
    // a stray key that begins the sequence again
    expect(w.push(Buffer.from("\x10\x10\x11"))).toEqual({ data: Buffer.from("\x10"), detached: true });
  });

  it("handles a one-key sequence", () => {
    const w = new DetachKeyWatcher(parseDetachKeys("ctrl-a"));
    expect(w.push(Buffer.from("ab\x01c"))).toEqual({ data: Buffer.from("ab"), detached: true });
  });
});

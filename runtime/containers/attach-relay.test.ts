import { describe, expect, it } from "vitest";
import type { OutputListener, Task } from "../oci/executor.js";
import { attachContainer } from "./attach.js";
import type { ContainerRecord } from "./container.js";
import { attachTask } from "./exit.js";
import { LiveRegistry, type AttachSink, type Live } from "./live.js";

/** A task whose output the test drives; it records subscriptions and pauses. */
function fakeTask() {
  const listeners = new Set<OutputListener>();
  const log: string[] = [];
  const task = {
    id: "t", pid: 1, exited: new Promise(() => undefined),
    start: async () => undefined, kill: async () => undefined, writeStdin: () => undefined, closeStdin: () => undefined,
    resize: () => undefined, release: () => undefined,
    onOutput(l: OutputListener) {
      listeners.add(l);
      log.push("subscribe");
      return () => {
        listeners.delete(l);
        log.push("unsubscribe");
      };
    },
    pauseOutput: () => log.push("pause"),
    resumeOutput: () => log.push("resume"),
    handOff: (conn: { id: number }, answer: (taken: boolean) => void) => {
      log.push(`handOff ${conn.id}`);
      answers.push(answer);
    },
    takeBack: (id: number) => log.push(`takeBack ${id}`),
  } as unknown as Task;
  const answers: Array<(taken: boolean) => void> = [];
  const emit = (stream: 1 | 2, s: string) => {
    for (const l of listeners) l(stream, Buffer.from(s));
  };
  return { task, log, emit, answers, listening: () => listeners.size };
}

function sink(opts: { congested?: boolean; conn?: number } = {}) {
  const got: string[] = [];
  let drain: (() => void) | null = null;
  const s: AttachSink = {
    stdout: true, stderr: false,
    write: (_stream, data) => {
      got.push(data.toString());
      return !opts.congested;
    },
    onDrain: (done) => (drain = done),
    end: () => undefined,
    ...(opts.conn ? { handOff: () => ({ fd: 9, id: opts.conn as number, raw: false, stdout: true, stderr: false }) } : {}),
  };
  return { s, got, drain: () => drain?.() };
}

function setup(): { registry: LiveRegistry; live: Live } {
  const registry = new LiveRegistry();
  const live = registry.register({ id: "c1", name: "c1", config: { OpenStdin: false, StdinOnce: false, Tty: false },
    state: { status: "running" } } as unknown as ContainerRecord);
  return { registry, live };
}

describe("the attach relay", () => {
  it("subscribes to the task's output only while someone is attached", () => {
    const { registry, live } = setup();
    const t = fakeTask();
    attachTask({ deps: { log: { debug: () => undefined } }, hooks: { onTaskExit: [] } } as never, live, t.task);
    expect(t.listening()).toBe(0);
    const a = sink();
    const h = attachContainer(registry, "c1", a.s);
    t.emit(1, "out");
    t.emit(2, "err"); // not asked for
    expect(a.got).toEqual(["out"]);
    h.detach();
    expect(t.log).toEqual(["subscribe", "unsubscribe"]);
    expect(t.listening()).toBe(0);
  });

  it("pauses the task while a client is congested, until it drains or goes away", () => {
    const { registry, live } = setup();
    const t = fakeTask();
    live.task = t.task;
    const slow = sink({ congested: true });
    const fast = sink();
    attachContainer(registry, "c1", fast.s);
    const h = attachContainer(registry, "c1", slow.s);
    t.emit(1, "a");
    t.emit(1, "b"); // already paused: no second pause
    expect(t.log).toEqual(["subscribe", "pause"]);
    slow.drain();
    expect(t.log).toEqual(["subscribe", "pause", "resume"]);
    t.emit(1, "c");
    h.detach(); // a congested client that leaves no longer holds the others up
    expect(t.log).toEqual(["subscribe", "pause", "resume", "pause", "resume"]);
    expect(fast.got).toEqual(["a", "b", "c"]);
  });

  it("hands a client's connection to the task instead of relaying; relays it when the task refuses", () => {
    const { registry, live } = setup();
    const t = fakeTask();
    live.task = t.task;
    const direct = sink({ conn: 7 });
    const h = attachContainer(registry, "c1", direct.s);
    expect(t.log).toEqual(["handOff 7"]); // nothing subscribed: the output does not pass through hakod
    t.answers[0]?.(true);
    t.emit(1, "x");
    expect(direct.got).toEqual([]);
    h.detach();
    expect(t.log).toEqual(["handOff 7", "takeBack 7"]);

    const refused = sink({ conn: 8 });
    attachContainer(registry, "c1", refused.s);
    t.answers[1]?.(false); // subscribed within the answer: output that follows it is relayed
    t.emit(1, "y");
    expect(refused.got).toEqual(["y"]);
    expect(t.log).toEqual(["handOff 7", "takeBack 7", "handOff 8", "subscribe"]);
  });
});

/**
 * The engine's event bus (terms and lifecycle: events.ts). One per engine; subsystems hold it as an
 * {@link EventPublisher}, the events API reads its history and subscribes.
 *
 * History: the last `historySize` events stay in memory (loaded from the journal at open); a question about older
 * times is answered from the journal.
 */
import type { Logger } from "../engine.js";
import { eventJson, type EngineEvent, type EventInput, type EventPublisher } from "./events.js";
import { EventJournal } from "./journal.js";
import { withOrigin } from "./origin.js";

export type EventListener = (e: EngineEvent) => void;

export interface EventBusOptions {
  /** events kept in memory (default 1000) */
  historySize?: number;
  /** size at which the journal file is rotated (default 2 MiB) */
  journalBytes?: number;
}

export class EventBus implements EventPublisher {
  private readonly listeners = new Set<EventListener>();
  private readonly recent: EngineEvent[] = [];
  /** every event the journal holds is also in `recent` */
  private recentIsAll = true;
  private lastNs = 0n;

  private constructor(
    private readonly journal: EventJournal | null,
    private readonly log: Logger | null,
    private readonly historySize: number,
  ) {}

  /** A bus over the journal at `file` (created when missing), its recent past loaded. */
  static async open(file: string, log: Logger, opts: EventBusOptions = {}): Promise<EventBus> {
    const journal = new EventJournal(file, opts.journalBytes);
    const bus = new EventBus(journal, log, opts.historySize ?? 1000);
    const past = await journal.readAll();
    bus.recentIsAll = past.length <= bus.historySize;
    bus.recent.push(...past.slice(-bus.historySize));
    bus.lastNs = past.at(-1)?.timeNs ?? 0n;
    journal.open();
    return bus;
  }

  /** A bus without a journal (tests, tools): history is what it kept in memory. */
  static inMemory(historySize = 1000): EventBus {
    return new EventBus(null, null, historySize);
  }

  publish(input: EventInput): EngineEvent {
    const timeNs = this.nextTime();
    const event: EngineEvent = {
      type: input.type,
      action: input.action,
      actor: { id: input.actor.id, attributes: withOrigin(input.actor.attributes) },
      scope: "local",
      timeNs,
      json: "",
    };
    event.json = eventJson(event, timeNs);
    try {
      this.journal?.append(event);
    } catch (err) {
      this.log?.warn("writing the events journal failed", { error: String(err) });
    }
    this.recent.push(event);
    if (this.recent.length > this.historySize) {
      this.recent.shift();
      this.recentIsAll = false;
    }
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log?.warn("an event listener failed", { error: String(err) });
      }
    }
    return event;
  }

  /** Calls `listener` with every event published from now on; returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Time of the newest event (0n when there is none). */
  get lastTimeNs(): bigint {
    return this.lastNs;
  }

  /** Past events with since ≤ time ≤ until (0n: no bound), oldest first. */
  async history(sinceNs: bigint, untilNs: bigint): Promise<EngineEvent[]> {
    const inRange = (e: EngineEvent): boolean => e.timeNs >= sinceNs && (untilNs === 0n || e.timeNs <= untilNs);
    const oldest = this.recent[0];
    const memoryHasAll = this.recentIsAll || (oldest !== undefined && sinceNs >= oldest.timeNs);
    if (memoryHasAll || !this.journal) return this.recent.filter(inRange);
    return (await this.journal.readAll()).filter(inRange);
  }

  close(): void {
    this.listeners.clear();
    this.journal?.close();
  }

  /** Wall-clock nanoseconds, made strictly increasing. */
  private nextTime(): bigint {
    const ms = Date.now();
    const subMs = process.hrtime.bigint() % 1_000_000n;
    let t = BigInt(ms) * 1_000_000n + subMs;
    if (t <= this.lastNs) t = this.lastNs + 1n;
    this.lastNs = t;
    return t;
  }
}

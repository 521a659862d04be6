/**
 * Health checks of running containers (dockerd's daemon/health.go): a probe command runs inside the container (an
 * exec) every interval, first one interval after the start.
 *
 * - Status starts as "starting". A probe that exits 0 makes it "healthy" and resets FailingStreak. Any other result
 *   (a non-zero exit, a timeout: exit code -1) adds to FailingStreak — except while the container is still
 *   "starting" within its start period — and `retries` failures in a row make it "unhealthy".
 * - `State.Health.Log` keeps the last 5 results, each output cut to 4 KiB. A status change is saved with the record
 *   and announced (`health_status: healthy` …) through `onStatus`.
 * - Probing stops when the task exits; a new start begins again at "starting" (the log is kept).
 */
import { rfc3339Nano, type ContainerRecord } from "./container.js";
import { probeOf, type HealthProbe } from "./health-config.js";

export type HealthStatus = "starting" | "healthy" | "unhealthy";

export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

/** `State.Health` of inspect. */
export interface HealthState {
  Status: HealthStatus;
  FailingStreak: number;
  Log: HealthLogEntry[];
}

/**
 * Runs a command inside a running container, as `docker exec` would, and collects its exit code and output; a command
 * still running after `timeoutMs` is killed and reported with exit code -1.
 */
export interface ProbeRunner {
  runExec(containerId: string, cmd: string[], opts: { timeoutMs: number; user?: string; env?: string[] }):
    Promise<{ exitCode: number; output: string }>;
}

export const MAX_LOG_ENTRIES = 5;
export const MAX_OUTPUT_BYTES = 4096;
const STUCK_GRACE_MS = 5000;

export interface HealthMonitorDeps {
  /** null until the exec runner exists: probes then fail with a message saying so */
  runner: () => ProbeRunner | null;
  save(rec: ContainerRecord): Promise<void>;
  /** a status change (`health_status: <status>` in Docker's events) */
  onStatus?(rec: ContainerRecord, status: HealthStatus): void;
  log: { debug(msg: string, fields?: Record<string, unknown>): void; warn(msg: string, fields?: Record<string, unknown>): void };
}

interface Monitor {
  probe: HealthProbe;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

/** Applies one probe result to the health state, as dockerd does; returns the new status. */
export function applyResult(h: HealthState, probe: HealthProbe, entry: HealthLogEntry, startedAtMs: number): HealthStatus {
  h.Log = [...h.Log, entry].slice(-MAX_LOG_ENTRIES);
  if (entry.ExitCode === 0) {
    h.FailingStreak = 0;
    h.Status = "healthy";
    return h.Status;
  }
  const inStartPeriod = h.Status === "starting" && Date.parse(entry.Start) - startedAtMs < probe.startPeriodMs;
  if (!inStartPeriod) {
    h.FailingStreak++;
    if (h.FailingStreak >= probe.retries) h.Status = "unhealthy";
  }
  return h.Status;
}

export class HealthMonitors {
  private readonly monitors = new Map<string, Monitor>();

  constructor(private readonly deps: HealthMonitorDeps) {}

  /** The task of `rec` started (or was re-adopted with `resume`: its health state is kept). */
  start(rec: ContainerRecord, opts: { resume?: boolean } = {}): void {
    this.stop(rec.id);
    const probe = probeOf(rec.config.Healthcheck as never, rec.config.Shell as string[] | undefined);
    if (!probe) return;
    const prev = rec.state.health;
    if (!opts.resume || !prev) {
      rec.state.health = { Status: "starting", FailingStreak: 0, Log: prev?.Log ?? [] };
    }
    const m: Monitor = { probe, stopped: false };
    this.monitors.set(rec.id, m);
    this.schedule(rec, m);
  }

  /** The task ended (or the container is gone): no more probes. */
  stop(id: string): void {
    const m = this.monitors.get(id);
    if (!m) return;
    m.stopped = true;
    if (m.timer) clearTimeout(m.timer);
    this.monitors.delete(id);
  }

  stopAll(): void {
    for (const id of [...this.monitors.keys()]) this.stop(id);
  }

  private schedule(rec: ContainerRecord, m: Monitor): void {
    m.timer = setTimeout(() => void this.runProbe(rec, m), m.probe.intervalMs);
    m.timer.unref();
  }

  private async runProbe(rec: ContainerRecord, m: Monitor): Promise<void> {
    if (m.stopped) return;
    const start = rfc3339Nano();
    let exitCode: number;
    let output: string;
    const runner = this.deps.runner();
    if (!runner) {
      exitCode = -1;
      output = "health checks need exec, which this engine cannot run yet";
    } else {
      // the runner ends a probe that outlives its timeout (exit code -1); this one only guards against a runner that
      // never answers
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<{ exitCode: number; output: string }>((resolve) => {
        timer = setTimeout(() => resolve({ exitCode: -1, output: "" }), m.probe.timeoutMs + STUCK_GRACE_MS);
      });
      try {
        ({ exitCode, output } = await Promise.race([
          runner.runExec(rec.id, m.probe.cmd, { timeoutMs: m.probe.timeoutMs, user: rec.config.User }), stuck]));
        if (exitCode === -1) output = `Health check exceeded timeout (${formatDuration(m.probe.timeoutMs)})`;
      } catch (err) {
        exitCode = -1;
        output = (err as Error).message ?? String(err);
      } finally {
        clearTimeout(timer);
      }
    }
    if (m.stopped) return;
    const h = rec.state.health ?? { Status: "starting", FailingStreak: 0, Log: [] };
    rec.state.health = h;
    const before = h.Status;
    const status = applyResult(h, m.probe, { Start: start, End: rfc3339Nano(), ExitCode: exitCode,
      Output: truncate(output) }, Date.parse(rec.state.startedAt));
    this.deps.log.debug("health probe", { id: rec.id, exitCode, status });
    await this.deps.save(rec).catch((err: unknown) =>
      this.deps.log.warn("recording a health check failed", { id: rec.id, error: String(err) }));
    if (status !== before) this.deps.onStatus?.(rec, status);
    if (!m.stopped) this.schedule(rec, m);
  }
}

function truncate(s: string): string {
  const b = Buffer.from(s);
  return b.length <= MAX_OUTPUT_BYTES ? s : b.subarray(0, MAX_OUTPUT_BYTES).toString();
}

/** Go's time.Duration String() for whole milliseconds ("30s", "1.5s", "500ms", "1m30s"). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const m = Math.floor(ms / 60_000);
  const s = (ms % 60_000) / 1000;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

/** `docker ps` status of a running container with a health check: "Up 5 minutes (healthy)", "(health: starting)". */
export function withHealth(status: string, state: { status: string; health?: HealthState }): string {
  if (state.status !== "running" || !state.health) return status;
  return `${status} (${state.health.Status === "starting" ? "health: starting" : state.health.Status})`;
}

/**
 * Restart policies (`--restart no|on-failure[:N]|always|unless-stopped`) with Docker's semantics (moby
 * restartmanager and daemon/monitor.go):
 *
 * - When a task exits, the policy decides: `always` restarts; `unless-stopped` restarts unless the container was
 *   stopped by hand; `on-failure` restarts on a non-zero exit code, at most N times (0: no limit) since the last start
 *   by hand. A restart waits first: 100 ms, doubled after each restart up to 1 minute, back to 100 ms once the
 *   container had run for 10 s. While it waits the container is "restarting" (`State.Restarting`), and every restart
 *   counts in `RestartCount`.
 * - A stop by hand (`docker stop`, `docker kill` with SIGKILL or the stop signal, or with any signal when there is
 *   none) cancels restarting until the next `docker start`, and is recorded (`manuallyStopped`), so that
 *   `unless-stopped` also holds across restarts of hakod.
 * - When hakod starts, a container that has run before and is not running (it exited while hakod was down, or before)
 *   is started again when its policy says so with a fresh count — `always` even after a stop by hand, like dockerd.
 */
import { invalidArgument } from "../errors.js";
import { isRunning, parseTime, ZERO_TIME } from "./container.js";
import { cleanUpAfterExit } from "./exit.js";
import { serialise, type Live } from "./live.js";
import type { ManagerState } from "./manager-state.js";
import { parseSignal } from "./signals.js";
import { startTask } from "./start.js";

export type RestartPolicyName = "no" | "always" | "unless-stopped" | "on-failure";

export interface RestartPolicy {
  Name: RestartPolicyName;
  MaximumRetryCount: number;
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
/** a run this long resets the back-off */
const RESET_AFTER_MS = 10_000;

/** `HostConfig.RestartPolicy` checked the way dockerd checks it; an empty name means "no". */
export function normaliseRestartPolicy(raw: unknown): RestartPolicy {
  if (raw === undefined || raw === null) return { Name: "no", MaximumRetryCount: 0 };
  if (typeof raw !== "object" || Array.isArray(raw)) throw invalidArgument("HostConfig.RestartPolicy must be an object");
  const r = raw as { Name?: unknown; MaximumRetryCount?: unknown };
  const name = r.Name === undefined || r.Name === null || r.Name === "" ? "no" : r.Name;
  const max = r.MaximumRetryCount ?? 0;
  if (typeof name !== "string") throw invalidArgument("HostConfig.RestartPolicy.Name must be a string");
  if (typeof max !== "number" || !Number.isInteger(max)) {
    throw invalidArgument("HostConfig.RestartPolicy.MaximumRetryCount must be an integer");
  }
  switch (name) {
    case "no":
    case "always":
    case "unless-stopped":
      if (max !== 0) throw invalidArgument(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
      break;
    case "on-failure":
      if (max < 0) throw invalidArgument("invalid restart policy: maximum retry count cannot be negative");
      break;
    default:
      throw invalidArgument(`invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', ` +
        "'on-failure', or 'unless-stopped'");
  }
  return { Name: name, MaximumRetryCount: max };
}

/** What hakod remembers between restarts of one container while it runs (Docker's RestartManager). */
interface RestartState {
  delayMs: number;
  /** restarts since the last start by hand (on-failure's limit counts these) */
  count: number;
  /** a stop by hand: no restart on the next exit */
  cancelled: boolean;
  timer?: NodeJS.Timeout;
}

const states = new WeakMap<Live, RestartState>();

function stateOf(live: Live): RestartState {
  let s = states.get(live);
  if (!s) {
    s = { delayMs: 0, count: 0, cancelled: false };
    states.set(live, s);
  }
  return s;
}

/**
 * Docker's ShouldRestart: whether to restart after an exit and how long to wait first. Advances the back-off and the
 * count when it says yes.
 */
export function decideRestart(policy: RestartPolicy, s: RestartState, exitCode: number, manuallyStopped: boolean,
  ranMs: number): { restart: boolean; delayMs: number } {
  if (policy.Name === "no" || s.cancelled) return { restart: false, delayMs: 0 };
  if (ranMs >= RESET_AFTER_MS) s.delayMs = 0;
  s.delayMs = s.delayMs === 0 ? FIRST_DELAY_MS : Math.min(s.delayMs * 2, MAX_DELAY_MS);
  let restart = false;
  if (policy.Name === "always") restart = true;
  else if (policy.Name === "unless-stopped") restart = !manuallyStopped;
  else if (policy.MaximumRetryCount === 0 || s.count < policy.MaximumRetryCount) restart = exitCode !== 0;
  if (restart) s.count++;
  return { restart, delayMs: s.delayMs };
}

function policyOf(live: Live): RestartPolicy {
  try {
    return normaliseRestartPolicy(live.record.hostConfig.RestartPolicy);
  } catch {
    return { Name: "no", MaximumRetryCount: 0 };
  }
}

function ranFor(live: Live): number {
  const ms = parseTime(live.record.state.finishedAt) - parseTime(live.record.state.startedAt);
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * Called when a task has exited and its exit is recorded (not for AutoRemove containers): when the policy restarts
 * the container, it becomes "restarting", the record is saved and the start is scheduled; returns whether it did.
 */
export function restartAfterExit(m: ManagerState, live: Live): boolean {
  const rec = live.record;
  const s = stateOf(live);
  const { restart, delayMs } = decideRestart(policyOf(live), s, rec.state.exitCode, rec.manuallyStopped === true,
    ranFor(live));
  if (!restart) return false;
  rec.restartCount = (rec.restartCount ?? 0) + 1;
  rec.state = { ...rec.state, status: "restarting" };
  void m.deps.store.save(rec).catch((err: unknown) =>
    m.deps.log.error("recording a restart failed", { id: rec.id, error: String(err) }));
  m.deps.log.debug("restarting the container after its exit", { id: rec.id, exitCode: rec.state.exitCode,
    delayMs, restartCount: rec.restartCount });
  const timer = setTimeout(() => {
    if (s.timer !== timer) return;
    s.timer = undefined;
    void serialise(live, () => restartNow(m, live)).catch(() => undefined);
  }, delayMs);
  timer.unref();
  s.timer = timer;
  return true;
}

/** The scheduled start of a restarting container (inside its lock). A start that fails leaves it exited. */
async function restartNow(m: ManagerState, live: Live): Promise<void> {
  const rec = live.record;
  if (live.removed || rec.state.status !== "restarting") return;
  await m.deps.cgroups.remove(m.deps.layout.cgroupPath(rec.id)).catch(() => undefined);
  try {
    await startTask(m, live);
  } catch (err) {
    m.deps.log.warn("restarting a container failed", { id: rec.id, error: String(err) });
    if (!live.removed) {
      rec.state = { ...rec.state, status: "exited" };
      await m.deps.store.save(rec).catch(() => undefined);
      await cleanUpAfterExit(m, live).catch(() => undefined);
    }
  }
}

/**
 * A signal sent by hand (kill, stop, restart): the container counts as stopped by hand, and restarting is cancelled
 * when the signal is meant to end it (SIGKILL, its stop signal, or any signal when it has none), as in dockerd.
 */
export function noteSignalByHand(live: Live, sig: number): void {
  const stopSignal = live.record.config.StopSignal;
  let endsIt = sig === 9 || !stopSignal;
  if (!endsIt && stopSignal) {
    try {
      endsIt = parseSignal(stopSignal) === sig;
    } catch {
      endsIt = false;
    }
  }
  if (endsIt) stateOf(live).cancelled = true;
  live.record.manuallyStopped = true;
}

/** A start by hand (`docker start`, `docker restart`): a fresh back-off and count, no longer stopped by hand. */
export function resetRestartPolicy(live: Live): void {
  const s = stateOf(live);
  if (s.timer) clearTimeout(s.timer);
  states.set(live, { delayMs: 0, count: 0, cancelled: false });
  live.record.manuallyStopped = false;
}

/**
 * `stop`/`kill` of a container waiting to restart: the restart is called off and the container is exited (inside
 * its lock for stop). Returns false when it was not restarting.
 */
export async function cancelRestart(m: ManagerState, live: Live): Promise<boolean> {
  const rec = live.record;
  if (rec.state.status !== "restarting" || live.task) return false;
  const s = stateOf(live);
  if (s.timer) clearTimeout(s.timer);
  s.timer = undefined;
  s.cancelled = true;
  rec.manuallyStopped = true;
  rec.state = { ...rec.state, status: "exited" };
  await m.deps.store.save(rec);
  live.events.emit("exit");
  void serialise(live, () => cleanUpAfterExit(m, live)).catch(() => undefined);
  return true;
}

/**
 * At hakod's start, after the container was reconciled: a container that has run before and is not running now is
 * started again when its policy says so (dockerd's restore). Returns whether a start was scheduled.
 */
export function restartAtDaemonStart(m: ManagerState, live: Live): boolean {
  const rec = live.record;
  if (isRunning(rec) || rec.hostConfig.AutoRemove || rec.state.startedAt === ZERO_TIME || live.removed) return false;
  const s = stateOf(live);
  const { restart } = decideRestart(policyOf(live), s, rec.state.exitCode, rec.manuallyStopped === true, ranFor(live));
  if (!restart) return false;
  m.deps.log.info("starting a container by its restart policy", { id: rec.id, policy: policyOf(live).Name });
  void serialise(live, async () => {
    if (live.removed || isRunning(rec)) return;
    await startTask(m, live);
  }).catch((err: unknown) => m.deps.log.warn("starting a container by its restart policy failed",
    { id: rec.id, error: String(err) }));
  return true;
}

/**
 * Pulls and pushes as server-side tasks: started by a request, they run on in the console's process whether or not
 * anyone watches (the user may navigate away), and keep their per-layer progress and outcome for the dialogs and the
 * Images page's "Transfers" list. Tasks live in memory (the last MAX_KEPT); the audit log keeps who started what.
 *
 * Progress comes from the engine's JSON progress stream, one message per line: `{status, id, progressDetail:
 * {current,total}}` per layer (Waiting, Downloading, Verifying Checksum, Extracting, Pull complete; Preparing,
 * Pushing, Pushed, Layer already exists), lines without `id` for the whole image, and `{error, errorDetail}` last when
 * it fails.
 */
import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import type { Db } from "../../db";
import { engineCall, type Engine } from "../../engine/client";
import { chunksOf, jsonDocumentsOf } from "../../engine/streams";
import { ServiceError } from "../errors";
import { authConfigFor, registryOfReference, type AuthConfig } from "../registries/registries";
import { refString, type TagRef } from "./references";
import { currentDigest, recordTagState } from "./tag-history";
import { assertMayMove } from "./tag-image";

const MAX_KEPT = 50;

export interface LayerProgress {
  id: string;
  status: string;
  current: number | null;
  total: number | null;
}

export interface Transfer {
  id: string;
  kind: "pull" | "push";
  reference: string;
  registry: string;
  startedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  state: "running" | "succeeded" | "failed";
  layers: LayerProgress[];
  /** the latest whole-image status line ("Digest: sha256:…", "Status: Downloaded newer image for …") */
  status: string | null;
  error: string | null;
  /** the image's ID once pulled, or the digest pushed */
  result: string | null;
}

interface ProgressMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: { Digest?: string };
}

interface TransferRegistry {
  tasks: Map<string, Transfer>;
  changes: EventEmitter;
}

const store = globalThis as typeof globalThis & { hakoTransfers?: TransferRegistry };
function registry(): TransferRegistry {
  store.hakoTransfers ??= { tasks: new Map(), changes: new EventEmitter().setMaxListeners(0) };
  return store.hakoTransfers;
}

export function listTransfers(): Transfer[] {
  return [...registry().tasks.values()].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
}

export function getTransfer(id: string): Transfer {
  const task = registry().tasks.get(id);
  if (!task) throw new ServiceError("NotFound", "No such transfer (the console may have restarted since).");
  return task;
}

/** Applies one progress message to a task. */
export function applyProgress(task: Transfer, msg: ProgressMessage): void {
  if (msg.error || msg.errorDetail) {
    task.error = plainRegistryError(msg.errorDetail?.message ?? msg.error ?? "failed");
    return;
  }
  if (msg.aux?.Digest) task.result = msg.aux.Digest;
  if (!msg.status) return;
  const isLayer = msg.id && !msg.id.includes(":") && !msg.id.includes("/") && /^[0-9a-f]{12,}$/.test(msg.id);
  if (!isLayer) {
    task.status = msg.id ? `${msg.id}: ${msg.status}` : msg.status;
    const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(msg.status);
    if (digest) task.result = digest[1] ?? task.result;
    return;
  }
  let layer = task.layers.find((l) => l.id === msg.id);
  if (!layer) {
    layer = { id: msg.id!, status: msg.status, current: null, total: null };
    task.layers.push(layer);
  }
  layer.status = msg.status;
  const detail = msg.progressDetail;
  if (detail && typeof detail.current === "number") layer.current = detail.current;
  if (detail && typeof detail.total === "number" && detail.total > 0) layer.total = detail.total;
  if (/complete|already exists|^Pushed$/i.test(msg.status) && layer.total !== null) layer.current = layer.total;
}

/** The registry's error in words a user can act on (the engine passes the registry's own text along). */
export function plainRegistryError(raw: string): string {
  const message = raw.replace(/^Engine error: /, "");
  if (/unauthorized|authentication required|401/i.test(message)) return `The registry refused the credentials: ${message}. Check the username and password on the Registries page.`;
  if (/manifest unknown|not found|404|name unknown/i.test(message)) return `The registry has no such image or tag: ${message}.`;
  if (/denied|403/i.test(message)) return `The registry denied access: ${message}.`;
  if (/ECONNREFUSED|connect|unreachable|timeout|no such host|dial tcp/i.test(message)) return `The registry could not be reached: ${message}.`;
  return message;
}

function publish(task: Transfer): void {
  registry().changes.emit(task.id, task);
  registry().changes.emit("*", task);
}

function startTask(kind: Transfer["kind"], reference: string, startedBy: string): Transfer {
  const task: Transfer = {
    id: randomUUID(), kind, reference, registry: registryOfReference(reference), startedBy, startedAt: new Date(), finishedAt: null,
    state: "running", layers: [], status: null, error: null, result: null,
  };
  const { tasks } = registry();
  tasks.set(task.id, task);
  for (const old of listTransfers().slice(MAX_KEPT)) tasks.delete(old.id);
  return task;
}

/** Reads a progress stream into `task` to its end; the task fails on an error message or a broken stream. */
async function follow(target: Engine, task: Transfer, stream: NodeJS.ReadableStream): Promise<void> {
  let last = 0;
  for await (const msg of jsonDocumentsOf<ProgressMessage>(chunksOf(target, stream, undefined))) {
    applyProgress(task, msg);
    if (Date.now() - last > 100) { publish(task); last = Date.now(); }
  }
}

async function finish(task: Transfer, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    task.error ??= plainRegistryError(err instanceof Error ? err.message : String(err));
  }
  task.state = task.error ? "failed" : "succeeded";
  task.finishedAt = new Date();
  publish(task);
}

function dial<T>(target: Engine, call: (docker: Engine["patient"]) => Promise<T>): Promise<T> {
  return engineCall(target, call, { patient: true });
}

/**
 * Starts pulling `ref` (with the credentials of its registry, when the Registries page has them); returns at once.
 * The tag's move is recorded as the user's; an immutable repository's existing tag is not pulled over.
 */
export async function startPull(db: Db, target: Engine, actor: string, ref: TagRef): Promise<Transfer> {
  const reference = refString(ref);
  const auth = await authConfigFor(db, registryOfReference(reference));
  const before = await currentDigest(target, ref);
  const task = startTask("pull", reference, actor);
  void finish(task, async () => {
    const stream = await dial(target, (docker) => docker.pull(reference, auth ? { authconfig: auth } : {}) as Promise<NodeJS.ReadableStream>);
    await follow(target, task, stream);
    if (task.error) return;
    const after = await currentDigest(target, ref);
    if (after) {
      task.result = after;
      try {
        await assertMayMove(db, ref, before, after);
      } catch (err) {
        // The engine has already moved it; put it back and say why.
        if (before) await dial(target, (docker) => docker.getImage(before).tag({ repo: ref.repository, tag: ref.tag }));
        throw err;
      }
      await recordTagState(db, ref, after, { actor, source: "console" });
    }
  });
  return task;
}

/** Starts pushing `ref` to the registry its name says; a push moves no tag, so it records none. */
export async function startPush(db: Db, target: Engine, actor: string, ref: TagRef): Promise<Transfer> {
  const reference = refString(ref);
  if (!(await currentDigest(target, ref))) throw new ServiceError("NotFound", `No image ${reference} on the engine: tag an image with that name first.`);
  const auth: AuthConfig | null = await authConfigFor(db, registryOfReference(reference));
  const task = startTask("push", reference, actor);
  void finish(task, async () => {
    const stream = await dial(target, (docker) =>
      docker.getImage(ref.repository).push({ tag: ref.tag, ...(auth ? { authconfig: auth } : {}) }) as Promise<NodeJS.ReadableStream>);
    await follow(target, task, stream);
  });
  return task;
}

/** The task now, then every change until it ends (or the reader goes away). */
export async function* watchTransfer(id: string, signal?: AbortSignal): AsyncGenerator<Transfer> {
  const task = getTransfer(id);
  const { changes } = registry();
  const queue: Transfer[] = [];
  let wake: (() => void) | null = null;
  const onChange = (t: Transfer) => { queue.splice(0, queue.length, t); wake?.(); };
  const onAbort = () => wake?.();
  changes.on(id, onChange);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    yield structuredClone(task);
    while (task.state === "running" && !signal?.aborted) {
      if (queue.length === 0) await new Promise<void>((resolve) => { wake = resolve; });
      wake = null;
      const next = queue.shift();
      if (next) yield structuredClone(next);
    }
    if (queue.length) yield structuredClone(task);
  } finally {
    changes.off(id, onChange);
    signal?.removeEventListener("abort", onAbort);
  }
}


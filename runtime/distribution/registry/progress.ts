/**
 * The JSON progress messages of pull and push, as the docker CLI renders them (one JSON object per line):
 *
 *   {"status":"Pulling from library/busybox","id":"latest"}
 *   {"status":"Downloading","progressDetail":{"current":1024,"total":2048},"progress":"[====>   ] 1.024kB/2.048kB","id":"<12 hex>"}
 *   {"status":"Digest: sha256:…"}
 *   {"errorDetail":{"message":"…"},"error":"…"}
 *
 * Per-layer lines carry the layer's short digest as `id`; the CLI redraws one line per id. Byte progress is sent at
 * most every {@link THROTTLE_MS} per layer, and always at the end.
 */
export interface ProgressMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  progress?: string;
  aux?: unknown;
  errorDetail?: { message: string };
  error?: string;
}

export type ProgressSink = (msg: ProgressMessage) => void;

const THROTTLE_MS = 100;

export class Progress {
  private readonly last = new Map<string, number>();

  constructor(private readonly sink: ProgressSink) {}

  status(status: string, id?: string): void {
    this.sink(id === undefined ? { status } : { status, progressDetail: {}, id });
  }

  /** Byte progress of one layer; throttled unless `force`. */
  bytes(status: string, id: string, current: number, total: number, force = false): void {
    const now = Date.now();
    if (!force && now - (this.last.get(id) ?? 0) < THROTTLE_MS) return;
    this.last.set(id, now);
    this.sink({ status, progressDetail: { current, total }, progress: bar(current, total), id });
  }

  aux(aux: unknown): void {
    this.sink({ progressDetail: {}, aux });
  }

  error(message: string): void {
    this.sink({ errorDetail: { message }, error: message });
  }
}

/** The 12 hex digits Docker shows for a layer. */
export function layerId(digest: string): string {
  return digest.replace(/^sha256:/, "").slice(0, 12);
}

/** `[=====>      ] 1.2MB/3.4MB` like Docker's jsonmessage (decimal units). */
function bar(current: number, total: number): string {
  const width = 50;
  if (total <= 0) return human(current);
  const filled = Math.min(width, Math.floor((current / total) * width));
  const arrow = filled < width ? ">" : "";
  return `[${"=".repeat(filled)}${arrow}${" ".repeat(Math.max(0, width - filled - arrow.length))}] ${human(current)}/${human(total)}`;
}

export function human(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${v}B` : `${v.toFixed(3).replace(/\.?0+$/, "")}${units[i]}`;
}

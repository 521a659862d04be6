/**
 * A container's log configuration (`HostConfig.LogConfig`, `docker run --log-driver/--log-opt`), checked at create and
 * turned into hako-shim's rotation flags at start (runtime/native/README.md, "Log file").
 *
 * Terms:
 * - the **driver** is always hako-shim's log file (records with stream and time stamp; `docker logs` reads it). The
 *   names `json-file` (Docker's default), `local` and `hako` are accepted for it, so that compose files and scripts
 *   written for Docker work; another name is refused (400), as dockerd refuses a driver it does not have.
 * - **rotation**: `max-size` (Docker's size syntax, binary units: `10k` = 10240 bytes) and `max-file` (how many files
 *   are kept in all, the current one included; default 1). Without `max-size` the log is not rotated, except with
 *   `local`, whose defaults are Docker's (20 MiB, 5 files).
 * - options Docker's drivers take that change nothing here (`labels`, `env`, `tag` …, which decorate records of
 *   other formats) are accepted and kept; `compress=true` is refused for `json-file`/`hako` (rotated files are kept
 *   uncompressed) and ignored for `local` (whose format is the engine's own anyway).
 */
import { invalidArgument } from "../errors.js";

export interface LogConfig {
  Type: string;
  Config: Record<string, string>;
}

export interface LogRotation {
  /** bytes */
  maxSize: number;
  /** files kept in all, the current one included */
  maxFiles: number;
}

const DRIVERS = new Set(["", "hako-shim", "hako", "json-file", "local"]);
const DEFAULT_DRIVER = "hako-shim";
const ROTATION_KEYS = ["max-size", "max-file", "compress"];
const DECORATION_KEYS = ["labels", "labels-regex", "env", "env-regex", "tag", "mode", "max-buffer-size"];
const LOCAL_DEFAULTS: LogRotation = { maxSize: 20 << 20, maxFiles: 5 };
const UNITS: Record<string, number> = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/** Docker's RAMInBytes (go-units): `10k`, `10kb`, `1.5MiB`, `512`; binary multiples. */
export function parseLogSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  if (!m) throw invalidArgument(`invalid size: '${text}'`);
  const bytes = Math.trunc(Number(m[1]) * (UNITS[(m[2] ?? "").toLowerCase()] as number));
  if (!Number.isSafeInteger(bytes)) throw invalidArgument(`invalid size: '${text}'`);
  return bytes;
}

/** Checks a request's `HostConfig.LogConfig` the way dockerd validates log options; returns what the record keeps. */
export function normaliseLogConfig(raw: unknown): LogConfig {
  if (raw === undefined || raw === null) return { Type: DEFAULT_DRIVER, Config: {} };
  if (typeof raw !== "object" || Array.isArray(raw)) throw invalidArgument("HostConfig.LogConfig must be an object");
  const { Type, Config } = raw as { Type?: unknown; Config?: unknown };
  if (Type !== undefined && Type !== null && typeof Type !== "string") {
    throw invalidArgument("HostConfig.LogConfig.Type must be a string");
  }
  const type = (Type as string | undefined | null) || DEFAULT_DRIVER;
  if (!DRIVERS.has(type)) {
    throw invalidArgument(`logger: no log driver named '${type}' is registered (hakod keeps json-file-like logs: `
      + "use json-file, local or hako)");
  }
  if (Config !== undefined && Config !== null && (typeof Config !== "object" || Array.isArray(Config)
    || !Object.values(Config).every((v) => typeof v === "string"))) {
    throw invalidArgument("HostConfig.LogConfig.Config must be an object of strings");
  }
  const config = { ...((Config as Record<string, string> | null | undefined) ?? {}) };
  const log: LogConfig = { Type: type, Config: config };
  const known = type === "local" ? ROTATION_KEYS : [...ROTATION_KEYS, ...DECORATION_KEYS];
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) throw invalidArgument(`unknown log opt '${key}' for ${type} log driver`);
  }
  if (config.compress !== undefined) {
    if (!["true", "false", "1", "0"].includes(config.compress)) {
      throw invalidArgument(`error parsing compress option: invalid syntax: '${config.compress}'`);
    }
    if (type !== "local" && (config.compress === "true" || config.compress === "1")) {
      throw invalidArgument("compress: rotated log files are kept uncompressed by hakod");
    }
  }
  logRotation(log); // the sizes and counts, checked now rather than at start
  return log;
}

/** The rotation a container's log gets; null: none (the log grows until the container is removed). */
export function logRotation(log: LogConfig | undefined | null): LogRotation | null {
  const config = log?.Config ?? {};
  const local = log?.Type === "local";
  let maxSize = local ? LOCAL_DEFAULTS.maxSize : 0;
  let maxFiles = local ? LOCAL_DEFAULTS.maxFiles : 1;
  if (config["max-size"] !== undefined) {
    maxSize = parseLogSize(config["max-size"]);
    if (maxSize <= 0) throw invalidArgument("max-size must be a positive number");
  }
  if (config["max-file"] !== undefined) {
    const text = config["max-file"];
    if (!/^-?\d+$/.test(text)) throw invalidArgument(`max-file: invalid syntax: '${text}'`);
    maxFiles = Number(text);
    if (maxFiles < 1) throw invalidArgument("max-file cannot be less than 1");
    if (maxFiles > 1000) throw invalidArgument("max-file cannot be more than 1000");
    if (maxSize === 0 && maxFiles > 1) throw invalidArgument("max-file can only be set when max-size is set");
  }
  return maxSize > 0 ? { maxSize, maxFiles } : null;
}
